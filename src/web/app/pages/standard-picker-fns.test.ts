import { describe, expect, test } from 'vitest';
import { type ConditionRow, newCondition, newRule, type RuleForm, rowMatcher } from './standard-form-fns.ts';
import {
  applyPick,
  emptyWords,
  groupSettings,
  type PickTarget,
  pickedWords,
  rangeWords,
  type SettingsPage,
  settingsUrl,
  type TenantSetting,
  valueText,
} from './standard-picker-fns.ts';

const setting = (over: Partial<TenantSetting> = {}): TenantSetting => ({
  kind: 'securityDefaults',
  objectName: 'Security defaults',
  path: 'isEnabled',
  value: false,
  valueType: 'boolean',
  ...over,
});
const ca = (path: string, value: unknown, valueType: TenantSetting['valueType'] = 'string') =>
  setting({ kind: 'conditionalAccessPolicy', objectId: 'p1', objectName: 'MFA', path, value, valueType });

const rule = (over: Partial<RuleForm> = {}): RuleForm => ({ ...newRule(), ...over });
const rows = (patch: Partial<RuleForm> | undefined, which: 'expect' | 'where' = 'expect') =>
  (patch?.[which] ?? []).map((r: ConditionRow) => [r.path, r.op, r.value]);

describe('a picked value reads back as the same JSON the evaluator compared', () => {
  test.each<[unknown]>([
    [false],
    [3],
    ['enabled'],
    ['true'],
    [''],
    ['a, b'],
    [['All']],
    [['mfa', 'compliantDevice']],
    [[{ cidrAddress: '10.0.0.0/8' }]],
  ])('%j', (value) => {
    const matcher = rowMatcher(newCondition('x', 'equals', valueText(value)));
    expect(matcher).toEqual({ matcher: { equals: value } });
  });
});

describe('using a setting in a rule', () => {
  test.each<[string, RuleForm, TenantSetting, PickTarget, Partial<RuleForm> | { error: RegExp }]>([
    [
      'an empty rule takes the kind, and its empty first row is filled',
      rule(),
      setting(),
      { to: 'expect' },
      { objectKind: 'securityDefaults', expect: [['isEnabled', 'equals', 'false']] as never },
    ],
    [
      'a rule with rows gets a new row, "is" the current value',
      rule({ objectKind: 'conditionalAccessPolicy', expect: [newCondition('state', 'equals', 'enabled')] }),
      ca('grantControls.builtInControls', ['mfa'], 'list'),
      { to: 'expect' },
      {
        expect: [
          ['state', 'equals', 'enabled'],
          ['grantControls.builtInControls', 'equals', '["mfa"]'],
        ] as never,
      },
    ],
    [
      'a path already checked is refilled, not added twice; its comparison kept',
      rule({ objectKind: 'conditionalAccessPolicy', expect: [newCondition('state', 'oneOf', 'x')] }),
      ca('state', 'enabled'),
      { to: 'expect' },
      { expect: [['state', 'oneOf', 'enabled']] as never },
    ],
    [
      'a condition goes under "only objects where"',
      rule({ objectKind: 'conditionalAccessPolicy' }),
      ca('displayName', 'MFA'),
      { to: 'where' },
      { where: [['displayName', 'equals', 'MFA']] as never },
    ],
    [
      'filling a row sets its path and value; "includes" keeps the members',
      rule({ objectKind: 'conditionalAccessPolicy', expect: [newCondition('', 'contains', '')] }),
      ca('conditions.users.includeUsers', ['All', 'guest'], 'list'),
      { to: 'row', key: -1 },
      { expect: [['conditions.users.includeUsers', 'contains', 'All, guest']] as never },
    ],
    [
      'filling an "is at least" row with text turns it into "is"',
      rule({ objectKind: 'conditionalAccessPolicy', expect: [newCondition('', 'min', '')] }),
      ca('state', 'enabled'),
      { to: 'row', key: -1 },
      { expect: [['state', 'equals', 'enabled']] as never },
    ],
    [
      'a setting of another kind is refused in words',
      rule({ objectKind: 'authorizationPolicy' }),
      setting(),
      { to: 'expect' },
      { error: /checks Authorization policy.*isEnabled is a setting of Security defaults/ },
    ],
  ])('%s', (_name, r, s, target, expected) => {
    const to = target.to === 'row' ? { to: 'row' as const, key: r.expect[0]!.key } : target;
    const got = applyPick(r, s, to);
    if ('error' in expected) {
      expect(got).toMatchObject({ error: expect.stringMatching(expected.error) });
      return;
    }
    if (!('patch' in got)) throw new Error(got.error);
    if (expected.objectKind) expect(got.patch.objectKind).toBe(expected.objectKind);
    else expect(got.patch).not.toHaveProperty('objectKind');
    if (expected.expect) expect(rows(got.patch)).toEqual(expected.expect);
    if (expected.where) expect(rows(got.patch, 'where')).toEqual(expected.where);
  });

  test('a removed row cannot be filled', () => {
    expect(applyPick(rule({ objectKind: 'securityDefaults' }), setting(), { to: 'row', key: -99 })).toEqual({
      error: 'That row was removed.',
    });
  });

  test.each<[PickTarget, string]>([
    [{ to: 'expect' }, 'Added “isEnabled = false” to rule 2, expected settings.'],
    [{ to: 'where' }, 'Added “isEnabled = false” to rule 2, only objects where.'],
    [{ to: 'row', key: 1 }, 'Filled the row with “isEnabled = false” in rule 2.'],
  ])('it says what it did: %j', (target, words) => {
    expect(pickedWords(setting(), target, 2)).toBe(words);
  });
});

describe('browsing the settings', () => {
  test('grouped by kind, then object, in the order given', () => {
    const groups = groupSettings([
      setting(),
      ca('state', 'enabled'),
      ca('displayName', 'MFA'),
      { ...ca('state', 'x'), objectId: 'p2', objectName: 'Block' },
    ]);
    expect(groups.map((g) => [g.label, g.objects.map((o) => [o.objectName, o.settings.length])])).toEqual([
      ['Security defaults', [['Security defaults', 1]]],
      [
        'Conditional Access policy',
        [
          ['MFA', 2],
          ['Block', 1],
        ],
      ],
    ]);
  });

  test.each<[string, { kind: string; q: string; offset: number }, string]>([
    ['everything', { kind: '', q: '', offset: 0 }, '/api/tenants/t%201/settings?limit=100'],
    [
      'a kind, words, a page',
      { kind: 'domain', q: ' verified ', offset: 100 },
      '/api/tenants/t%201/settings?kind=domain&q=verified&limit=100&offset=100',
    ],
  ])('the address for %s', (_n, query, url) => {
    expect(settingsUrl('t 1', query)).toBe(url);
  });

  const page = (over: Partial<SettingsPage> = {}): SettingsPage => ({
    snapshotId: 's',
    collectedAt: '2026-12-01T00:00:00Z',
    total: 0,
    offset: 0,
    truncated: false,
    settings: [],
    kinds: [
      {
        kind: 'sharepointSettings',
        label: 'SharePoint sharing settings',
        cardinality: 'one',
        objects: 0,
        settings: 0,
        matching: 0,
        unavailable: 'sharepointSettings is forbidden in the snapshot: not compared',
      },
      { kind: 'domain', label: 'Domain', cardinality: 'many', objects: 2, settings: 9, matching: 0 },
    ],
    ...over,
  });

  test.each<[string, { kind: string; q: string }, string]>([
    [
      'a kind not read says why',
      { kind: 'sharepointSettings', q: '' },
      'SharePoint sharing settings could not be read in this snapshot (sharepointSettings is forbidden in the snapshot: not compared).',
    ],
    ['words that match nothing', { kind: '', q: 'nothing' }, 'No setting matches “nothing”.'],
    ['words in a kind', { kind: 'domain', q: 'x' }, 'No setting matches “x” in Domain.'],
    ['a kind with no settings', { kind: 'domain', q: '' }, 'This tenant has no Domain settings.'],
  ])('an empty list says why: %s', (_n, query, words) => {
    expect(emptyWords(page(), query)).toBe(words);
  });

  test.each<[number, number, number, string]>([
    [0, 0, 0, 'No setting'],
    [0, 100, 1486, 'Settings 1–100 of 1,486'],
    [1400, 86, 1486, 'Settings 1,401–1,486 of 1,486'],
  ])('offset %i, %i shown of %i', (offset, shown, total, words) => {
    const settings = Array.from({ length: shown }, () => setting());
    expect(rangeWords({ offset, total, settings }, { locale: 'en-GB', timeZone: 'UTC' })).toBe(words);
  });
});
