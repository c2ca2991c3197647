/** Tenant-wide settings: the authorization policy, security defaults, domains, first-party apps. */
import type { CheckImpl } from '../define-check.ts';
import type { Raw } from '../snapshot-view.ts';
import { fail, named, noneMayFail, notApplicable, pass } from './common.ts';
import { propertyCheck } from './property-check.ts';

const USER_SETTINGS = 'Entra admin center > Identity > Users > User settings';
const patchAuthz = (body: string) =>
  `PATCH https://graph.microsoft.com/v1.0/policies/authorizationPolicy ${body} (PowerShell: Update-MgPolicyAuthorizationPolicy)`;
const AUTHZ_DOC =
  'https://learn.microsoft.com/graph/api/resources/authorizationpolicy (authorizationPolicy resource)';

function authz(
  id: string,
  property: string,
  want: boolean,
  rationale: string,
  portal: string = USER_SETTINGS,
): CheckImpl {
  const last = property.split('.').pop()!;
  const body = property.startsWith('defaultUserRolePermissions.')
    ? `{"defaultUserRolePermissions":{"${last}":${want}}}`
    : `{"${last}":${want}}`;
  return propertyCheck({
    id,
    dataset: 'authorizationPolicy',
    property,
    expected: String(want),
    ok: (v) => v === want,
    rationale,
    remediation: { portal, automation: patchAuthz(body) },
    references: [AUTHZ_DOC],
    objectType: 'authorizationPolicy',
  });
}

export const tenantChecks: CheckImpl[] = [
  authz(
    'ten-tenant-creation-restricted',
    'defaultUserRolePermissions.allowedToCreateTenants',
    false,
    'A user who creates a tenant becomes its Global Administrator, outside your controls and audit.',
  ),
  authz(
    'ten-app-registration-restricted',
    'defaultUserRolePermissions.allowedToCreateApps',
    false,
    'App registrations created by any user can be given credentials and consent; only admins should create them (MS.AAD.5.1v1).',
  ),
  authz(
    'ten-security-group-creation-restricted',
    'defaultUserRolePermissions.allowedToCreateSecurityGroups',
    false,
    'Ungoverned security groups end up granting access to apps and data without review.',
    'Entra admin center > Identity > Groups > General',
  ),
  authz(
    'ten-bitlocker-key-self-read-blocked',
    'defaultUserRolePermissions.allowedToReadBitlockerKeysForOwnedDevice',
    false,
    'A user (or an attacker holding their session) can read the BitLocker recovery key of their device and bypass disk encryption.',
    'Entra admin center > Identity > Devices > Device settings',
  ),
  authz(
    'ten-msol-powershell-blocked',
    'blockMsolPowerShell',
    true,
    'The retired MSOnline PowerShell module lets any user read the directory and bypasses newer controls.',
  ),
  authz(
    'ten-email-verified-self-join-disabled',
    'allowEmailVerifiedUsersToJoinOrganization',
    false,
    'Viral sign-up lets anyone with a mailbox in your domain join the tenant as a member without an admin.',
  ),
  authz(
    'ten-email-subscription-signup-disabled',
    'allowedToSignUpEmailBasedSubscriptions',
    false,
    'Self-service sign-up for email-based subscriptions creates unmanaged users and trials.',
  ),
  authz(
    'ten-admin-sspr-disabled',
    'allowedToUseSSPR',
    false,
    'Self-service password reset for administrators lets a phone number or mailbox reset a privileged password.',
    'Entra admin center > Protection > Password reset',
  ),
  propertyCheck({
    id: 'gst-restricted-directory-access',
    dataset: 'authorizationPolicy',
    property: 'guestUserRoleId',
    expected: 'the Limited (10dae51f…) or Restricted (2af84b1e…) guest role',
    // Anchors disagree: Prowler/EIDSCA want Restricted only; CIS and SCuBA (MS.AAD.8.1v1) accept both.
    ok: (v) => v === '10dae51f-b6af-4016-8d66-8c2a99b929b3' || v === '2af84b1e-32c8-42b7-82bc-daa82404023b',
    rationale:
      'With member-level access, a guest can enumerate every user, group and app in the directory (MS.AAD.8.1v1).',
    notes: 'Limited and Restricted both pass (CIS, SCuBA); Prowler and EIDSCA ask for Restricted only.',
    remediation: {
      portal:
        'Entra admin center > Identity > External Identities > External collaboration settings > Guest user access',
      automation: patchAuthz('{"guestUserRoleId":"2af84b1e-32c8-42b7-82bc-daa82404023b"}'),
    },
    references: [AUTHZ_DOC],
    objectType: 'authorizationPolicy',
  }),
  propertyCheck({
    id: 'gst-invites-restricted',
    dataset: 'authorizationPolicy',
    property: 'allowInvitesFrom',
    expected: '"adminsAndGuestInviters" or "none"',
    ok: (v) => v === 'adminsAndGuestInviters' || v === 'none',
    rationale: 'When every user can invite guests, outsiders arrive without anyone deciding (MS.AAD.8.2v1).',
    remediation: {
      portal:
        'Entra admin center > Identity > External Identities > External collaboration settings > Guest invite settings',
      automation: patchAuthz('{"allowInvitesFrom":"adminsAndGuestInviters"}'),
    },
    references: [AUTHZ_DOC],
    objectType: 'authorizationPolicy',
  }),
  {
    id: 'ten-security-defaults-state',
    rationale:
      'Without Conditional Access, security defaults are the only baseline MFA; with Conditional Access in use they must be off (they cannot coexist). Anchors disagree (Maester expects them on); we accept either a CA baseline or security defaults.',
    remediation: {
      portal: 'Entra admin center > Identity > Overview > Properties > Manage security defaults',
      automation:
        'PATCH /policies/identitySecurityDefaultsEnforcementPolicy {"isEnabled":true} (Update-MgPolicyIdentitySecurityDefaultEnforcementPolicy)',
    },
    references: ['https://learn.microsoft.com/entra/fundamentals/security-defaults'],
    datasets: ['securityDefaults', 'conditionalAccessPolicies'],
    evaluate: ({ view }) => {
      const sd = view.single<Raw>('securityDefaults');
      const enabledCa = view.items<Raw>('conditionalAccessPolicies').filter((p) => p.state === 'enabled');
      const evidence = [
        named(
          'securityDefaults',
          { id: String(sd.id) },
          { isEnabled: sd.isEnabled, enabledCaPolicies: enabledCa.length },
        ),
      ];
      if (enabledCa.length > 0)
        return pass(`Conditional Access is in use (${enabledCa.length} enabled policies).`, evidence);
      return sd.isEnabled === true
        ? pass('Security defaults are on and no Conditional Access policy is enabled.', evidence)
        : fail(
            'Security defaults are off and no Conditional Access policy is enabled: nothing enforces MFA.',
            evidence,
          );
    },
  },
  {
    id: 'ten-password-never-expire',
    rationale:
      'Forced periodic password changes lead to predictable passwords; NIST SP 800-63B and Microsoft recommend no expiry with MFA (MS.AAD.6.1v1).',
    remediation: {
      portal:
        'Microsoft 365 admin center > Settings > Org settings > Security & privacy > Password expiration policy',
      automation: 'PATCH /domains/{id} {"passwordValidityPeriodInDays":2147483647} (Update-MgDomain)',
    },
    notes:
      'Like ScubaGear, null and 2147483647 both mean "never"; federated domains are skipped (their IdP decides).',
    datasets: ['domains'],
    evaluate: ({ view }) => {
      const domains = view
        .items<Raw & { id: string }>('domains')
        .filter((d) => d.isVerified !== false && d.authenticationType !== 'Federated' && d.isRoot !== false);
      if (domains.length === 0) return notApplicable('No verified managed root domain.');
      const bad = domains.filter(
        (d) => d.passwordValidityPeriodInDays != null && d.passwordValidityPeriodInDays !== 2147483647,
      );
      return noneMayFail(
        bad.map((d) =>
          named('domain', { id: d.id }, { passwordValidityPeriodInDays: d.passwordValidityPeriodInDays }),
        ),
        'managed domains make passwords expire',
        `Passwords never expire on ${domains.length} managed domains.`,
      );
    },
  },
  {
    id: 'ten-unverified-domains',
    rationale: 'Unverified domains left in the tenant are clutter at best and a takeover attempt at worst.',
    remediation: {
      portal: 'Microsoft 365 admin center > Settings > Domains',
      automation: 'DELETE /domains/{id} (Remove-MgDomain) or complete verification',
    },
    notes: 'Graph has no creation date on domains, so every unverified domain is listed.',
    datasets: ['domains'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<Raw & { id: string }>('domains')
          .filter((d) => d.isVerified === false)
          .map((d) => named('domain', { id: d.id }, { isVerified: false })),
        'domains are not verified',
        'Every domain is verified.',
      ),
  },
  {
    id: 'ten-cloud-authentication',
    minLicence: 'Free',
    notes: 'Reading domains needs no premium licence; ZTA lists P1 for its remediation path.',
    rationale:
      'Federated sign-in makes the on-premises identity provider (and its token-signing key) able to sign in as any user; cloud authentication removes that path.',
    remediation: {
      portal: 'Entra admin center > Identity > Hybrid management > Microsoft Entra Connect > Connect Sync',
      automation:
        'Convert with Update-MgDomain -AuthenticationType Managed after staged rollout; review federationConfiguration first',
    },
    datasets: ['domains'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<Raw & { id: string }>('domains')
          .filter((d) => d.authenticationType === 'Federated')
          .map((d) => named('domain', { id: d.id }, { authenticationType: 'Federated' })),
        'domains use federated authentication',
        'Every domain uses cloud authentication.',
      ),
  },
  blockedFirstPartyApp(
    'ten-azuread-powershell-blocked',
    '1b730954-1685-4b74-9bfd-dac224a7b894',
    'Azure Active Directory PowerShell',
    'The retired Azure AD PowerShell app lets any user read the directory; block it unless a named group needs it.',
  ),
  blockedFirstPartyApp(
    'ten-third-party-storage-m365-web-disabled',
    'c1f33bc0-bdb4-4248-ba9b-096807ddb43e',
    'Microsoft 365 on the web third-party storage',
    'Third-party storage (Dropbox, Box…) in Microsoft 365 on the web lets files leave the tenant outside DLP.',
  ),
];

/**
 * A first-party app is blocked when its service principal exists and is disabled or requires
 * assignment. With no service principal nothing blocks it: Entra creates one at first sign-in.
 */
function blockedFirstPartyApp(id: string, appId: string, appName: string, rationale: string): CheckImpl {
  return {
    id,
    rationale,
    remediation: {
      portal: `Entra admin center > Enterprise applications > ${appName} > Properties (Enabled for users to sign in: No)`,
      automation: `New-MgServicePrincipal -AppId ${appId}, then Update-MgServicePrincipal -AccountEnabled:$false (PATCH /servicePrincipals/{id} {"accountEnabled":false})`,
    },
    notes: 'Missing service principal counts as not blocked: Entra creates it at the first sign-in.',
    datasets: ['servicePrincipals'],
    evaluate: ({ view }) => {
      const sp = view.items<Raw & { id: string }>('servicePrincipals').find((s) => s.appId === appId);
      if (!sp)
        return fail(`${appName} has no service principal, so nothing stops users from signing in to it.`, [
          { type: 'application', id: appId, name: appName, properties: { servicePrincipal: null } },
        ]);
      const ev = [
        named('servicePrincipal', sp, {
          accountEnabled: sp.accountEnabled,
          appRoleAssignmentRequired: sp.appRoleAssignmentRequired,
        }),
      ];
      return sp.accountEnabled === false || sp.appRoleAssignmentRequired === true
        ? pass(`${appName} is blocked.`, ev)
        : fail(`${appName} is enabled for every user.`, ev);
    },
  };
}
