import { describe, expect, test } from 'vitest';
import type { Standard, StandardResult } from '../drift-control-types.ts';
import {
  evaluationWords,
  expectedWords,
  matcherWords,
  overridesToRows,
  rowsToOverrides,
  ruleWords,
  tenantStanding,
} from './standard-fns.ts';
import { newCondition } from './standard-form-fns.ts';
import { RULE_TEMPLATES } from './standard-templates.ts';

const standard = (over: Partial<Standard> = {}): Standard => ({
  id: 's1',
  name: 'MSP standard',
  version: 2,
  document: { format: 'tenantscope.standard/v1', name: 'MSP standard', rules: RULE_TEMPLATES.slice(0, 2) },
  updatedBy: 'p1',
  updatedAt: '2026-03-01T10:00:00Z',
  tenants: [],
  ...over,
});
const result = (statuses: StandardResult['results'][number]['status'][], version = 2): StandardResult => ({
  standardId: 's1',
  standardName: 'MSP standard',
  standardVersion: version,
  snapshotId: 'snap',
  collectedAt: '2026-03-01T09:00:00Z',
  evaluatedAt: '2026-03-01T10:00:00Z',
  summary: {},
  results: statuses.map((status, i) => ({
    ruleId: `r${i}`,
    title: `Rule ${i}`,
    severity: 'high',
    status,
    overridden: false,
    deviations: [],
  })),
});

describe('standards in words', () => {
  test.each<[unknown, string]>([
    [{ equals: false }, 'is false'],
    [{ equals: 'enabled' }, 'is “enabled”'],
    [{ oneOf: ['disabled', 'none'] }, 'is one of “disabled”, “none”'],
    [{ contains: 'mfa' }, 'includes “mfa”'],
    [{ excludes: ['a', 'b'] }, 'does not include “a”, “b”'],
    [{ min: 3 }, 'is at least 3'],
    [{ absent: true }, 'is not set'],
    [{ absent: false }, 'is set'],
  ])('%o reads “%s”', (m, want) => {
    expect(matcherWords(m)).toBe(want);
  });

  test('a rule reads as one sentence, naming which objects it looks at', () => {
    expect(ruleWords(RULE_TEMPLATES.find((t) => t.id === 'verified-domains-managed')!)).toBe(
      'Every Domain where isVerified is true: authenticationType is “Managed”.',
    );
    expect(ruleWords(RULE_TEMPLATES.find((t) => t.id === 'ca-mfa-all-users')!)).toBe(
      'At least one Conditional Access policy: state is “enabled”; conditions.users.includeUsers includes “All”; grantControls.builtInControls includes “mfa”.',
    );
    expect(
      expectedWords({
        where: { isVerified: { equals: true } },
        expect: { authenticationType: { equals: 'Managed' } },
      }),
    ).toBe('an object where isVerified is true with authenticationType is “Managed”');
  });

  test.each<[string, StandardResult | undefined, string, string]>([
    ['no result', undefined, 'notEvaluated', 'Not evaluated yet'],
    ['all pass', result(['pass', 'pass']), 'meets', 'Meets the standard'],
    ['one deviation', result(['deviation', 'pass']), 'deviates', '1 rule deviates'],
    [
      'two deviations, one unknown, one skipped',
      result(['deviation', 'deviation', 'unknown', 'skipped']),
      'deviates',
      '2 rules deviate; 1 rule could not be checked, 1 rule skipped by an override',
    ],
    [
      'only unknown',
      result(['unknown', 'pass']),
      'unknown',
      'No deviation found; 1 rule could not be checked',
    ],
    [
      'an older version',
      result(['pass'], 1),
      'outdated',
      'Meets the standard (evaluated against version 1: evaluate again)',
    ],
  ])('a tenant with %s', (_n, r, standing, words) => {
    const s = tenantStanding(standard(), r);
    expect([s.standing, s.words]).toEqual([standing, words]);
  });

  test.each([
    [[], 'No tenant is assigned: there was nothing to evaluate.'],
    [
      [
        { tenantId: 'a', snapshotId: 's', summary: { deviation: 2, pass: 1 } },
        { tenantId: 'b', snapshotId: 's', summary: { deviation: 0, pass: 3 } },
        { tenantId: 'c', snapshotId: null, summary: null },
      ],
      'Evaluated 3 tenants: 1 tenant deviates, 1 tenant has no deviation, 1 tenant has no complete snapshot yet.',
    ],
    [
      [{ tenantId: 'a', snapshotId: 's', summary: { deviation: 1 } }],
      'Evaluated 1 tenant: 1 tenant deviates.',
    ],
  ])('evaluating %o reads “%s”', (outcomes, want) => {
    expect(evaluationWords(outcomes)).toBe(want);
  });
});

describe('per-tenant overrides', () => {
  const rules = RULE_TEMPLATES.slice(0, 3);
  const titleOf = (id: string) => rules.find((r) => r.id === id)?.title ?? id;

  test('stored overrides come back unchanged through the form (a `where` set by the API is kept)', () => {
    const overrides = {
      'no-user-app-registration': { skip: true, reason: 'developer tenant' },
      'guest-invites-limited': {
        expect: {
          allowInvitesFrom: { oneOf: ['adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers'] },
        },
        where: { id: { equals: 'authorizationPolicy' } },
        reason: 'members invite partners',
      },
    };
    const rows = overridesToRows(rules, overrides);
    expect(rows.map((r) => r.mode)).toEqual(['skip', 'asWritten', 'expect']);
    expect(rowsToOverrides(rows, titleOf)).toEqual({ overrides });
  });

  test('an override without a reason, or “expect something else” without a setting, is refused in words', () => {
    const rows = overridesToRows(rules, {});
    rows[0] = { ...rows[0]!, mode: 'skip', reason: ' ' };
    rows[1] = { ...rows[1]!, mode: 'expect', reason: 'why not', expect: [newCondition()] };
    expect(rowsToOverrides(rows, titleOf)).toEqual({
      errors: [
        '“Users cannot register applications”: say why this tenant differs (the reason is kept with the override).',
        '“Users cannot consent to applications”: name the setting this tenant should have instead, or choose “Skip”.',
      ],
    });
  });
});
