import { describe, expect, test } from 'vitest';
import { evaluatePosture } from '../src/analyse/posture/evaluate.ts';
import type { CheckResult } from '../src/analyse/posture/posture-types.ts';
import { checkById } from '../src/analyse/posture/ruleset.ts';
import { scoreOf } from '../src/analyse/posture/score.ts';
import { defaultSettings, settingsForTenant } from '../src/analyse/posture/settings.ts';
import { caPolicy, snapshotOf, TENANT_ID } from '../src/analyse/posture/testing/raw.ts';

const failing = snapshotOf({ conditionalAccessPolicies: [caPolicy({ state: 'disabled' })] });
const accept = (expiresAt: string) => ({
  checkId: 'ca-mfa-all-users',
  reason: 'pilot until rollout',
  acceptedBy: 'ciso@contoso.com',
  expiresAt,
});
const run = (acceptedFindings: ReturnType<typeof accept>[], now?: Date) =>
  evaluatePosture({
    snapshot: failing,
    checks: [checkById('ca-mfa-all-users')!],
    settings: defaultSettings({ acceptedFindings }),
    ...(now ? { now } : {}),
  }).results[0]!;

describe('accepted findings', () => {
  test('an unexpired acceptance reports the finding as accepted, with its evidence, not hidden', () => {
    const r = run([accept('2027-01-01T00:00:00Z')]);
    expect(r.state).toBe('accepted');
    expect(r.acceptance).toMatchObject({ acceptedBy: 'ciso@contoso.com', expired: false });
    expect(r.evidence.length).toBeGreaterThan(0);
  });
  test('an expired acceptance fails again and says it expired', () => {
    const r = run([accept('2026-10-01T00:00:00Z')]);
    expect(r.state).toBe('fail');
    expect(r.acceptance?.expired).toBe(true);
  });
  test('expiry is measured from the evaluation time given, not the clock', () => {
    expect(run([accept('2027-01-01T00:00:00Z')], new Date('2027-02-01T00:00:00Z')).state).toBe('fail');
  });
  test('an acceptance does not change a passing check', () => {
    const passing = snapshotOf({ conditionalAccessPolicies: [caPolicy({})] });
    const r = evaluatePosture({
      snapshot: passing,
      checks: [checkById('ca-mfa-all-users')!],
      settings: defaultSettings({ acceptedFindings: [accept('2027-01-01T00:00:00Z')] }),
    }).results[0]!;
    expect(r.state).toBe('pass');
  });
});

describe('settings file', () => {
  test("per-tenant exceptions add to the shared ones; other tenants' do not apply", () => {
    const s = settingsForTenant(
      {
        breakGlass: ['a@contoso.com'],
        tenants: { [TENANT_ID]: { breakGlass: ['b@contoso.com'] }, other: { breakGlass: ['c@x.com'] } },
      } as never,
      TENANT_ID,
    );
    expect(s.breakGlass).toEqual(['a@contoso.com', 'b@contoso.com']);
    expect(s.thresholds.globalAdminMax).toBe(4);
  });
  test('an unknown key is refused', () => {
    expect(() => settingsForTenant({ thresholdz: {} } as never, TENANT_ID)).toThrow();
  });
});

describe('scores', () => {
  const r = (state: CheckResult['state'], severity: CheckResult['severity']) =>
    ({ state, severity, area: 'tenant' }) as CheckResult;
  test.each([
    ['a critical pass and a low fail weigh 10 against 1', [r('pass', 'critical'), r('fail', 'low')], 90.9],
    [
      'unknown, manual, notApplicable, notLicensed and accepted do not count',
      [
        r('pass', 'high'),
        r('unknown', 'critical'),
        r('manual', 'high'),
        r('notApplicable', 'high'),
        r('notLicensed', 'high'),
        r('accepted', 'critical'),
      ],
      100,
    ],
    ['nothing weighed gives no score rather than 0 or 100', [r('manual', 'high')], null],
  ])('%s', (_n, results, score) => {
    expect(scoreOf(results).score).toBe(score);
  });
});
