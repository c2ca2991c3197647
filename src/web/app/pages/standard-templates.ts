/**
 * Common rules a technician adds with one click instead of looking up Graph property names. The
 * paths are those of the Graph resources drift reads (authorizationPolicy, conditionalAccessPolicy,
 * authenticationMethodsPolicy, sharepointSettings, adminReportSettings, domain) and match the
 * posture checks' reading of them; each becomes ordinary rows in the editor, to adjust freely.
 */
import type { RuleDoc } from './standard-form-fns.ts';

/** Microsoft's built-in guest role ids ("Restrict guest access permissions", Entra docs). */
const RESTRICTED_GUEST_ROLE = '2af84b1e-32c8-42b7-82bc-daa82404023b';

export const RULE_TEMPLATES: readonly RuleDoc[] = [
  {
    id: 'no-user-app-registration',
    title: 'Users cannot register applications',
    severity: 'high',
    objectKind: 'authorizationPolicy',
    expect: { 'defaultUserRolePermissions.allowedToCreateApps': { equals: false } },
  },
  {
    id: 'no-user-consent',
    title: 'Users cannot consent to applications',
    severity: 'high',
    objectKind: 'authorizationPolicy',
    expect: { 'defaultUserRolePermissions.permissionGrantPoliciesAssigned': { absent: true } },
  },
  {
    id: 'guest-invites-limited',
    title: 'Only admins and guest inviters can invite guests',
    severity: 'medium',
    objectKind: 'authorizationPolicy',
    expect: { allowInvitesFrom: { oneOf: ['adminsAndGuestInviters', 'none'] } },
  },
  {
    id: 'guest-access-restricted',
    title: 'Guests have the most restricted access',
    severity: 'medium',
    objectKind: 'authorizationPolicy',
    expect: { guestUserRoleId: { equals: RESTRICTED_GUEST_ROLE } },
  },
  {
    id: 'ca-mfa-all-users',
    title: 'Conditional Access requires MFA for all users',
    severity: 'high',
    objectKind: 'conditionalAccessPolicy',
    match: 'any',
    expect: {
      state: { equals: 'enabled' },
      'conditions.users.includeUsers': { contains: 'All' },
      'grantControls.builtInControls': { contains: 'mfa' },
    },
  },
  {
    id: 'ca-block-legacy-auth',
    title: 'Conditional Access blocks legacy authentication',
    severity: 'high',
    objectKind: 'conditionalAccessPolicy',
    match: 'any',
    expect: {
      state: { equals: 'enabled' },
      'conditions.clientAppTypes': { contains: ['exchangeActiveSync', 'other'] },
      'grantControls.builtInControls': { contains: 'block' },
    },
  },
  {
    id: 'sms-sign-in-off',
    title: 'SMS sign-in is turned off',
    severity: 'medium',
    objectKind: 'authenticationMethodsPolicy',
    expect: { 'authenticationMethodConfigurations[Sms].state': { equals: 'disabled' } },
  },
  {
    id: 'security-defaults-on',
    title: 'Security defaults are on (tenants without Conditional Access)',
    severity: 'medium',
    objectKind: 'securityDefaults',
    expect: { isEnabled: { equals: true } },
  },
  {
    id: 'sharepoint-sharing-limited',
    title: 'SharePoint shares only with existing guests, or not at all',
    severity: 'medium',
    objectKind: 'sharepointSettings',
    expect: { sharingCapability: { oneOf: ['disabled', 'existingExternalUserSharingOnly'] } },
  },
  {
    id: 'verified-domains-managed',
    title: 'Verified domains are managed, not federated',
    severity: 'medium',
    objectKind: 'domain',
    match: 'all',
    where: { isVerified: { equals: true } },
    expect: { authenticationType: { equals: 'Managed' } },
  },
  {
    id: 'report-names-concealed',
    title: 'Usage reports hide user names',
    severity: 'low',
    objectKind: 'reportSettings',
    expect: { displayConcealedNames: { equals: true } },
  },
];
