import { describe, expect, test } from 'vitest';
import { runOne } from '../src/analyse/posture/testing/raw.ts';

/** authorizationPolicy.get.json shape */
const authz = (over: Record<string, unknown> = {}, perms: Record<string, unknown> = {}) => ({
  id: 'authorizationPolicy',
  allowInvitesFrom: 'adminsAndGuestInviters',
  allowedToSignUpEmailBasedSubscriptions: false,
  allowedToUseSSPR: false,
  allowEmailVerifiedUsersToJoinOrganization: false,
  blockMsolPowerShell: true,
  guestUserRoleId: '2af84b1e-32c8-42b7-82bc-daa82404023b',
  defaultUserRolePermissions: {
    allowedToCreateApps: false,
    allowedToCreateSecurityGroups: false,
    allowedToCreateTenants: false,
    allowedToReadBitlockerKeysForOwnedDevice: false,
    allowedToReadOtherUsers: true,
    permissionGrantPoliciesAssigned: [],
    ...perms,
  },
  ...over,
});
/** sharepointSettings.get.json shape (subset) */
const spo = (over: Record<string, unknown> = {}) => ({
  sharingCapability: 'existingExternalUserSharingOnly',
  sharingDomainRestrictionMode: 'allowList',
  sharingAllowedDomainList: ['fabrikam.com'],
  sharingBlockedDomainList: [],
  isResharingByExternalUsersEnabled: false,
  isLegacyAuthProtocolsEnabled: false,
  ...over,
});
const methods = (configs: Record<string, unknown>[]) => ({
  id: 'authenticationMethodsPolicy',
  policyMigrationState: 'migrationComplete',
  authenticationMethodConfigurations: configs,
});

describe('tenant-wide setting checks', () => {
  test.each([
    [
      'users who cannot create apps pass app-registration',
      'ten-app-registration-restricted',
      authz(),
      'pass',
    ],
    [
      'users who can create apps fail app-registration',
      'ten-app-registration-restricted',
      authz({}, { allowedToCreateApps: true }),
      'fail',
    ],
    [
      'limited and restricted guest roles both pass (CIS and SCuBA)',
      'gst-restricted-directory-access',
      authz({ guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3' }),
      'pass',
    ],
    [
      'guests with member access fail',
      'gst-restricted-directory-access',
      authz({ guestUserRoleId: 'a0b1b346-4d3e-4e8b-98f8-753987be4970' }),
      'fail',
    ],
    [
      'everyone may invite guests fails',
      'gst-invites-restricted',
      authz({ allowInvitesFrom: 'everyone' }),
      'fail',
    ],
    ['no user consent passes', 'app-user-consent-restricted', authz(), 'pass'],
    [
      'legacy user consent fails',
      'app-user-consent-restricted',
      authz(
        {},
        { permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'] },
      ),
      'fail',
    ],
  ])('%s', (_n, id, policy, state) => {
    const r = runOne(id, { authorizationPolicy: [policy] });
    expect(r.state).toBe(state);
    if (state === 'fail') expect(r.evidence[0]?.type).toBe('authorizationPolicy');
  });

  test('the low-impact consent policy passes only when the setting allows it', () => {
    const p = authz(
      {},
      { permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-low'] },
    );
    expect(runOne('app-user-consent-restricted', { authorizationPolicy: [p] }).state).toBe('fail');
    const relaxed = { thresholds: { allowLowImpactUserConsent: true } } as never;
    expect(
      runOne('app-user-consent-restricted', { authorizationPolicy: [p] }, { settings: relaxed }).state,
    ).toBe('pass');
  });

  test.each([
    [
      'managed domains that never expire pass',
      [
        {
          id: 'contoso.com',
          authenticationType: 'Managed',
          isVerified: true,
          isRoot: true,
          passwordValidityPeriodInDays: 2147483647,
        },
      ],
      'pass',
    ],
    [
      'null counts as never, like ScubaGear',
      [
        {
          id: 'contoso.com',
          authenticationType: 'Managed',
          isVerified: true,
          isRoot: true,
          passwordValidityPeriodInDays: null,
        },
      ],
      'pass',
    ],
    [
      'a 90-day expiry fails',
      [
        {
          id: 'contoso.com',
          authenticationType: 'Managed',
          isVerified: true,
          isRoot: true,
          passwordValidityPeriodInDays: 90,
        },
      ],
      'fail',
    ],
    [
      'federated-only tenants are not applicable',
      [{ id: 'contoso.com', authenticationType: 'Federated', isVerified: true, isRoot: true }],
      'notApplicable',
    ],
  ])('password expiry: %s', (_n, domains, state) => {
    expect(runOne('ten-password-never-expire', { domains }).state).toBe(state);
  });

  test.each([
    ['security defaults on without CA pass', [{ id: 'sd', isEnabled: true }], [], 'pass'],
    ['security defaults off without CA fail', [{ id: 'sd', isEnabled: false }], [], 'fail'],
    [
      'an unreadable CA list makes the result unknown',
      [{ id: 'sd', isEnabled: false }],
      { status: 'error' as const },
      'unknown',
    ],
  ])('%s', (_n, sd, ca, state) => {
    expect(
      runOne('ten-security-defaults-state', { securityDefaults: sd, conditionalAccessPolicies: ca }).state,
    ).toBe(state);
  });
});

describe('SharePoint sharing checks', () => {
  test.each([
    ['existing guests only passes external sharing', 'spo-external-sharing-restricted', spo(), 'pass'],
    [
      '"Anyone" sharing fails',
      'spo-external-sharing-restricted',
      spo({ sharingCapability: 'externalUserAndGuestSharing' }),
      'fail',
    ],
    ['a non-empty allow list passes domain restriction', 'spo-sharing-domain-restriction', spo(), 'pass'],
    [
      'an empty allow list fails domain restriction',
      'spo-sharing-domain-restriction',
      spo({ sharingAllowedDomainList: [] }),
      'fail',
    ],
    [
      'domain restriction is not applicable when sharing is off',
      'spo-sharing-domain-restriction',
      spo({ sharingCapability: 'disabled' }),
      'notApplicable',
    ],
    ['legacy auth on fails', 'spo-legacy-auth-disabled', spo({ isLegacyAuthProtocolsEnabled: true }), 'fail'],
  ])('%s', (_n, id, settings, state) => {
    expect(runOne(id, { sharepointSettings: [settings] }).state).toBe(state);
  });

  test('unreadable sharing settings give unknown', () => {
    expect(
      runOne('spo-external-sharing-restricted', { sharepointSettings: { status: 'forbidden' } }).state,
    ).toBe('unknown');
  });

  test('per-site sharing links are manual and say why (Sites.FullControl.All is not read-only)', () => {
    const r = runOne('cop-site-sharing-links', {});
    expect(r.state).toBe('manual');
    expect(r.summary).toMatch(/Sites\.FullControl\.All/);
  });
});

describe('authentication method checks', () => {
  const sms = (state: string) => ({
    '@odata.type': '#microsoft.graph.smsAuthenticationMethodConfiguration',
    id: 'Sms',
    state,
    includeTargets: [{ targetType: 'group', id: 'all_users', isUsableForSignIn: false }],
  });
  test.each([
    ['SMS and voice disabled passes', 'amp-sms-voice-disabled', [sms('disabled')], 'pass'],
    ['SMS enabled fails', 'amp-sms-voice-disabled', [sms('enabled')], 'fail'],
    [
      'SMS sign-in is not applicable when SMS is off',
      'amp-sms-signin-disabled',
      [sms('disabled')],
      'notApplicable',
    ],
    ['SMS enabled but not usable for sign-in passes', 'amp-sms-signin-disabled', [sms('enabled')], 'pass'],
    ['FIDO2 missing from the policy fails FIDO2 enabled', 'amp-fido2-enabled', [], 'fail'],
  ])('%s', (_n, id, configs, state) => {
    expect(runOne(id, { authenticationMethodsPolicy: [methods(configs)] }).state).toBe(state);
  });
});
