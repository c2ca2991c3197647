import { describe, expect, test } from 'vitest';
import { caPolicy, runOne } from '../src/analyse/posture/testing/raw.ts';

const BG = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const GROUP = '33333333-3333-4333-8333-333333333333';
const legacy = {
  conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] },
  grant: { operator: 'OR', builtInControls: ['block'] },
};

describe('Conditional Access checks', () => {
  test.each([
    [
      'an enabled all-users all-apps MFA policy passes MFA-for-all',
      'ca-mfa-all-users',
      [caPolicy({})],
      [],
      'pass',
    ],
    [
      'a policy excluding a declared break-glass account still passes MFA-for-all',
      'ca-mfa-all-users',
      [caPolicy({ users: { excludeUsers: [BG] } })],
      [BG],
      'pass',
    ],
    [
      'a policy excluding an undeclared user fails MFA-for-all',
      'ca-mfa-all-users',
      [caPolicy({ users: { excludeUsers: [OTHER] } })],
      [BG],
      'fail',
    ],
    [
      'a policy excluding a group fails MFA-for-all unless the group is declared',
      'ca-mfa-all-users',
      [caPolicy({ users: { excludeGroups: [GROUP] } })],
      [BG],
      'fail',
    ],
    [
      'a declared break-glass group may be excluded',
      'ca-mfa-all-users',
      [caPolicy({ users: { excludeGroups: [GROUP] } })],
      [GROUP],
      'pass',
    ],
    [
      'a report-only MFA policy enforces nothing',
      'ca-mfa-all-users',
      [caPolicy({ state: 'enabledForReportingButNotEnforced' })],
      [],
      'fail',
    ],
    [
      'an MFA policy narrowed by sign-in risk does not cover everyone',
      'ca-mfa-all-users',
      [caPolicy({ conditions: { signInRiskLevels: ['high'] } })],
      [],
      'fail',
    ],
    [
      'an MFA policy that trusted locations bypass does not cover everyone',
      'ca-mfa-all-users',
      [
        caPolicy({
          conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } },
        }),
      ],
      [],
      'fail',
    ],
    [
      '"mfa OR compliant device" lets users skip MFA',
      'ca-mfa-all-users',
      [caPolicy({ grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } })],
      [],
      'fail',
    ],
    ['an all-users MFA policy also covers administrators', 'ca-mfa-admins', [caPolicy({})], [], 'pass'],
    [
      'an MFA policy for Global Administrators only misses the other privileged roles',
      'ca-mfa-admins',
      [caPolicy({ users: { includeUsers: [], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] } })],
      [],
      'fail',
    ],
    [
      'blocking EAS and other clients for all users blocks legacy authentication',
      'ca-block-legacy-auth',
      [caPolicy(legacy)],
      [],
      'pass',
    ],
    [
      'blocking only "other" clients leaves Exchange ActiveSync open',
      'ca-block-legacy-auth',
      [caPolicy({ ...legacy, conditions: { clientAppTypes: ['other'] } })],
      [],
      'fail',
    ],
    ['no policy at all fails legacy-auth blocking', 'ca-block-legacy-auth', [], [], 'fail'],
    [
      'the built-in phishing-resistant strength for everyone passes',
      'ca-phish-resistant-all',
      [
        caPolicy({
          grant: {
            operator: 'OR',
            builtInControls: [],
            authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' },
          },
        }),
      ],
      [],
      'pass',
    ],
    ['plain MFA is not phishing-resistant', 'ca-phish-resistant-all', [caPolicy({})], [], 'fail'],
    [
      'blocking the device code flow passes',
      'ca-device-code-flow-blocked',
      [
        caPolicy({
          conditions: { authenticationFlows: { transferMethods: 'deviceCodeFlow' } },
          grant: { operator: 'OR', builtInControls: ['block'] },
        }),
      ],
      [],
      'pass',
    ],
    [
      'a policy still using approved client app fails',
      'ca-no-deprecated-approved-client-app',
      [caPolicy({ grant: { operator: 'OR', builtInControls: ['approvedApplication'] } })],
      [],
      'fail',
    ],
    [
      'one policy with both risk kinds fails separation',
      'ca-risk-policies-separate',
      [caPolicy({ conditions: { userRiskLevels: ['high'], signInRiskLevels: ['high'] } })],
      [],
      'fail',
    ],
    [
      'separation does not apply without risk policies',
      'ca-risk-policies-separate',
      [caPolicy({})],
      [],
      'notApplicable',
    ],
    [
      'an exclusion beyond break-glass is an exclusion gap',
      'ca-exclusion-gaps',
      [caPolicy({ users: { excludeUsers: [BG, OTHER] } })],
      [BG],
      'fail',
    ],
    [
      'break-glass exclusion is not applicable when none is declared',
      'ca-breakglass-excluded',
      [caPolicy({})],
      [],
      'notApplicable',
    ],
    [
      'a policy that does not exclude the declared break-glass account fails',
      'ca-breakglass-excluded',
      [caPolicy({})],
      [BG],
      'fail',
    ],
    [
      'a guests-only policy need not exclude break-glass accounts',
      'ca-breakglass-excluded',
      [caPolicy({ users: { includeUsers: ['GuestsOrExternalUsers'] } })],
      [BG],
      'pass',
    ],
  ])('%s', (_name, id, policies, breakGlass, state) => {
    const r = runOne(id, { conditionalAccessPolicies: policies }, { settings: { breakGlass } });
    expect(r.state).toBe(state);
    if (state === 'fail') expect(r.evidence.length).toBeGreaterThan(0);
  });

  test.each([
    [
      'a tenant without Entra ID P1 gets notLicensed, never a fail',
      'Free',
      { conditionalAccessPolicies: [] },
      'notLicensed',
    ],
    [
      'a P1 tenant gets notLicensed for the P2 risk policies',
      'P1',
      { conditionalAccessPolicies: [] },
      'notLicensed',
    ],
    [
      'an unreadable policy list gives unknown, never a pass',
      'P2',
      { conditionalAccessPolicies: { status: 'error' as const } },
      'unknown',
    ],
  ])('%s', (_name, plan, datasets, state) => {
    const id = plan === 'P1' ? 'ca-user-risk-policy' : 'ca-mfa-all-users';
    expect(runOne(id, datasets, { plan: plan as 'Free' | 'P1' | 'P2' }).state).toBe(state);
  });

  test('a failing premium check is unknown when subscribedSkus could not be read', () => {
    const r = runOne('ca-mfa-all-users', {
      conditionalAccessPolicies: [],
      subscribedSkus: { status: 'forbidden' },
    });
    expect(r.state).toBe('unknown');
    expect(r.reason).toMatch(/licences could not be read/);
  });

  test('a declared break-glass UPN is resolved through users', () => {
    const users = [
      { id: BG, userPrincipalName: 'bg1@contoso.com', userType: 'Member', accountEnabled: true },
    ];
    const policies = [caPolicy({ users: { excludeUsers: [BG] } })];
    expect(
      runOne(
        'ca-mfa-all-users',
        { conditionalAccessPolicies: policies, users },
        { settings: { breakGlass: ['BG1@contoso.com'] } },
      ).state,
    ).toBe('pass');
    // users unreadable: the exclusion cannot be attributed, so the result is unknown, not fail
    const r = runOne(
      'ca-mfa-all-users',
      { conditionalAccessPolicies: policies, users: { status: 'error' } },
      { settings: { breakGlass: ['bg1@contoso.com'] } },
    );
    expect(r.state).toBe('unknown');
  });
});
