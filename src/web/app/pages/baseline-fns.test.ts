import { describe, expect, test } from 'vitest';
import { OBJECT_KINDS } from '../../../analyse/drift/object-kinds.ts';
import type { ComparisonEvent } from '../drift-control-types.ts';
import { countOf } from '../format.ts';
import {
  changedByWords,
  changeSummary,
  groupChangesByArea,
  notComparedWords,
  personWords,
} from './baseline-fns.ts';
import { AREAS, areaOf, KINDS, kindLabel } from './kind-fns.ts';

const gb = { locale: 'en-GB', timeZone: 'Europe/London' };

describe('kinds and counts', () => {
  test('every kind drift tracks has a label and an area of its own (none falls into “other”)', () => {
    expect(KINDS.map((k) => k.kind)).toEqual(OBJECT_KINDS.map((k) => k.kind));
    for (const k of KINDS) expect([k.kind, areaOf(k.kind)]).not.toEqual([k.kind, 'other']);
    const tracked = new Set(OBJECT_KINDS.map((k) => k.kind));
    expect(AREAS.flatMap((a) => a.kinds).filter((k) => !tracked.has(k))).toEqual([]);
    expect(kindLabel('conditionalAccessPolicy')).toBe('Conditional Access policy');
    expect(kindLabel('mailboxSetting')).toBe('mailboxSetting');
  });

  test.each([
    [0, '0 tenants'],
    [1, '1 tenant'],
    [2, '2 tenants'],
    [1204, '1,204 tenants'],
  ])('%s reads “%s”', (n, want) => {
    expect(countOf(n, 'tenant', 'tenants', gb)).toBe(want);
  });
});

const event = (over: Partial<ComparisonEvent>): ComparisonEvent => ({
  kind: 'changed',
  objectKind: 'conditionalAccessPolicy',
  objectId: 'p1',
  objectName: 'Block legacy authentication',
  path: 'state',
  before: 'enabledForReportingButNotEnforced',
  after: 'enabled',
  severity: 'high',
  fingerprint: Math.random().toString(36),
  attribution: { actor: 'unknown', reason: 'noRecord', detail: 'no audit record targets it' },
  ...over,
});

describe('the comparison with the baseline', () => {
  test('changes are grouped by area in a fixed order, the most severe first inside an area', () => {
    const groups = groupChangesByArea([
      event({ objectKind: 'domain', objectName: 'contoso.com', severity: 'medium' }),
      event({ objectKind: 'application', objectName: 'Zed app', severity: 'medium' }),
      event({ objectKind: 'namedLocation', objectName: 'Office', severity: 'low' }),
      event({ objectKind: 'conditionalAccessPolicy', objectName: 'MFA', severity: 'high' }),
      event({ objectKind: 'servicePrincipal', objectName: 'Alpha app', severity: 'medium' }),
    ]);
    expect(groups.map((g) => [g.label, g.events.map((e) => e.objectName), g.high])).toEqual([
      ['Sign-in and access', ['MFA', 'Office'], 1],
      ['Applications and consent', ['Alpha app', 'Zed app'], 0],
      ['Domains and reports', ['contoso.com'], 0],
    ]);
  });

  test.each<[string, Partial<ComparisonEvent>[], string]>([
    ['nothing', [], 'No change since the baseline.'],
    ['one change', [{}], '1 change since the baseline: 1 changed.'],
    [
      'several kinds',
      [{ kind: 'added' }, { kind: 'changed' }, { kind: 'changed' }],
      '3 changes since the baseline: 1 added, 2 changed.',
    ],
  ])('the summary of %s', (_n, events, want) => {
    expect(changeSummary(events.map(event))).toBe(want);
  });

  test.each([
    [
      {
        dataset: 'roleEligibilitySchedules',
        objectKinds: ['roleEligibilitySchedule'],
        fromStatus: 'notLicensed',
        toStatus: 'notLicensed',
        reason: 'notLicensed (TS_ERR_MS_LICENCE_MISSING) in both snapshots',
      },
      'PIM eligible assignment: not compared, not licensed in the tenant in the baseline and in the newest snapshot. The tenant lacks the licence this data needs (often Entra ID P1 or P2).',
    ],
    [
      {
        dataset: 'conditionalAccessPolicies',
        objectKinds: ['conditionalAccessPolicy'],
        fromStatus: 'ok',
        toStatus: 'error',
        reason: 'error (TS_ERR_NOT_A_CODE) in the later snapshot',
      },
      'Conditional Access policy: not compared, failed to read in the newest snapshot.',
    ],
    [
      { dataset: 'domains', objectKinds: [], fromStatus: 'missing', toStatus: 'forbidden', reason: '' },
      'domains: not compared, not read at all in the baseline and refused by Microsoft (a permission is missing) in the newest snapshot.',
    ],
  ])('what was not compared says which side and why (%#)', (n, want) => {
    expect(notComparedWords(n)).toBe(want);
  });

  test.each<[Record<string, unknown>, string]>([
    [
      { actor: { type: 'user', userPrincipalName: 'adele@contoso.com' }, confidence: 'high' },
      'adele@contoso.com (high confidence)',
    ],
    [{ actor: { type: 'app', displayName: 'Provisioning app', appId: 'a1' } }, 'Provisioning app'],
    [
      { actor: 'unknown', reason: 'beyondRetention', detail: 'the audit log keeps 30 days' },
      'unknown: the audit log keeps 30 days',
    ],
    [{}, 'unknown'],
  ])('who changed it: %o reads “%s”', (attribution, want) => {
    expect(changedByWords(attribution)).toBe(want);
  });

  const people = new Map([['p2', { email: 'adam@x.test', displayName: 'Adam Admin' }]]);
  test.each<[string, typeof people | null, string]>([
    ['p1', people, 'you'],
    ['p2', people, 'Adam Admin (adam@x.test)'],
    ['p3', people, 'a former member'],
    ['p2', null, 'a workspace member'],
    ['cli', null, 'the tenantscope command'],
  ])('the person %s (members known: %s) reads “%s”', (id, map, want) => {
    expect(personWords(id, { id: 'p1' }, map)).toBe(want);
  });
});
