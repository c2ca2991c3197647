/** App registrations, enterprise apps, their credentials and the permissions granted to them. */
import type { CheckImpl } from '../define-check.ts';
import type { Evidence } from '../posture-types.ts';
import type { Raw } from '../snapshot-view.ts';
import { asArray, DAY_MS, named, noneMayFail, notApplicable, timeOf } from './common.ts';

interface App extends Raw {
  id: string;
  appId?: string;
  displayName?: string;
  signInAudience?: string;
  passwordCredentials?: Credential[];
  keyCredentials?: Credential[];
}
interface Credential {
  keyId?: string;
  displayName?: string | null;
  startDateTime?: string;
  endDateTime?: string;
  usage?: string;
}
interface Sp extends App {
  appOwnerOrganizationId?: string | null;
  appRoles?: { id: string; value?: string }[];
  verifiedPublisher?: { verifiedPublisherId?: string | null } | null;
  tags?: string[];
  appRoleAssignmentRequired?: boolean;
}

/** The Microsoft Services tenant that owns first-party apps (Microsoft Learn, "Verify first-party Microsoft applications"). */
export const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const APPS_PORTAL = 'Entra admin center > Identity > Applications > App registrations';
const ENT_PORTAL = 'Entra admin center > Identity > Applications > Enterprise applications';

/**
 * Application permissions that read or write mail, files and sites, or take over the directory.
 * Our own list, in the spirit of ScubaGear's RiskyAppPermissions.json (CC0).
 */
export const RISKY_PERMISSIONS = new Set([
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Send',
  'MailboxSettings.ReadWrite',
  'full_access_as_app',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'Sites.FullControl.All',
  'Sites.Manage.All',
  'Directory.ReadWrite.All',
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'Policy.ReadWrite.ConditionalAccess',
  'UserAuthenticationMethod.ReadWrite.All',
  'Chat.Read.All',
  'ChannelMessage.Read.All',
]);
export const RISKY_SCOPES = new Set([
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Send',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'Application.ReadWrite.All',
  'EWS.AccessAsUser.All',
  'full_access_as_user',
]);

const foreign = (sp: Sp, tenantId: string) =>
  Boolean(sp.appOwnerOrganizationId) &&
  sp.appOwnerOrganizationId !== tenantId &&
  sp.appOwnerOrganizationId !== MICROSOFT_TENANT;
const credentials = (a: App) => [...(a.passwordCredentials ?? []), ...(a.keyCredentials ?? [])];
const sps = (view: { items<T>(n: string): T[] }) => view.items<Sp>('servicePrincipals');

function redirectProblems(app: App): string[] {
  const uris = ['web', 'spa', 'publicClient'].flatMap((k) =>
    asArray<string>((app[k] as Raw | undefined)?.redirectUris),
  );
  return uris.filter((u) => {
    if (u.includes('*')) return true;
    if (/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(u)) return false;
    return /^http:\/\//i.test(u) || /\.azurewebsites\.net/i.test(u);
  });
}

export const appChecks: CheckImpl[] = [
  {
    id: 'app-no-client-secrets',
    rationale:
      'Client secrets are passwords for apps; certificates or workload identity federation cannot be copied from a config file.',
    remediation: {
      portal: `${APPS_PORTAL} > Certificates & secrets`,
      automation: 'POST /applications/{id}/removePassword; add a certificate or a federated credential',
    },
    datasets: ['applications'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<App>('applications')
          .filter((a) =>
            (a.passwordCredentials ?? []).some(
              (c) => (timeOf(c.endDateTime) ?? Infinity) > view.now.getTime(),
            ),
          )
          .map((a) => named('application', a, { activeSecrets: (a.passwordCredentials ?? []).length })),
        'app registrations have active client secrets',
        'No app registration has an active client secret.',
      ),
  },
  {
    id: 'app-credentials-expiring',
    rationale:
      'Expired or soon-expiring credentials break integrations, and expired ones left in place are clutter an attacker can renew.',
    remediation: {
      portal: `${APPS_PORTAL} > Certificates & secrets`,
      automation: 'addPassword/addKey a new credential, then removePassword/removeKey the old one',
    },
    notes: 'Window: thresholds.credentialExpiryWarningDays (default 30); expired credentials are included.',
    datasets: ['applications'],
    evaluate: ({ view, settings }) => {
      const limit = view.now.getTime() + settings.thresholds.credentialExpiryWarningDays * DAY_MS;
      const bad: Evidence[] = [];
      for (const a of view.items<App>('applications'))
        for (const c of credentials(a)) {
          const end = timeOf(c.endDateTime);
          if (end !== undefined && end < limit)
            bad.push(
              named('application', a, {
                keyId: c.keyId,
                endDateTime: c.endDateTime,
                expired: end < view.now.getTime(),
              }),
            );
        }
      return noneMayFail(
        bad,
        'app credentials are expired or expire soon',
        'No app credential expires within the window.',
      );
    },
  },
  {
    id: 'app-cert-max-validity',
    rationale: 'Long-lived certificates outlive the people who know where their keys are.',
    remediation: {
      portal: `${APPS_PORTAL} > Certificates & secrets`,
      automation: 'Issue certificates of at most a year (POST /applications/{id}/addKey)',
    },
    notes: 'Anchors disagree (ZTA 180 days, SCuBA 365); thresholds.certificateMaxValidityDays, default 365.',
    datasets: ['applications'],
    evaluate: ({ view, settings }) => {
      const max = settings.thresholds.certificateMaxValidityDays;
      const bad: Evidence[] = [];
      for (const a of view.items<App>('applications'))
        for (const c of a.keyCredentials ?? []) {
          const days = ((timeOf(c.endDateTime) ?? 0) - (timeOf(c.startDateTime) ?? 0)) / DAY_MS;
          if (days > max + 1)
            bad.push(named('application', a, { keyId: c.keyId, validityDays: Math.round(days) }));
        }
      return noneMayFail(
        bad,
        `certificates are valid for more than ${max} days`,
        'Every certificate is within the validity limit.',
      );
    },
  },
  {
    id: 'app-ms-first-party-no-credentials',
    rationale:
      'Credentials added to Microsoft first-party service principals are a known persistence technique.',
    remediation: {
      portal: ENT_PORTAL,
      automation: 'POST /servicePrincipals/{id}/removePassword and removeKey',
    },
    datasets: ['servicePrincipals'],
    evaluate: ({ view }) =>
      noneMayFail(
        sps(view)
          .filter((s) => s.appOwnerOrganizationId === MICROSOFT_TENANT && credentials(s).length > 0)
          .map((s) => named('servicePrincipal', s, { credentials: credentials(s).length })),
        'Microsoft first-party service principals carry credentials',
        'No first-party service principal carries credentials.',
      ),
  },
  {
    id: 'app-sp-no-credentials',
    rationale:
      'Credentials belong on the app registration, where they are visible; secrets on service principals are easy to miss.',
    remediation: { portal: ENT_PORTAL, automation: 'POST /servicePrincipals/{id}/removePassword' },
    notes: 'SAML token-signing certificates (usage "Sign") are expected and skipped.',
    datasets: ['servicePrincipals'],
    evaluate: ({ view }) =>
      noneMayFail(
        sps(view)
          .filter((s) => s.appOwnerOrganizationId !== MICROSOFT_TENANT)
          .filter(
            (s) =>
              (s.passwordCredentials ?? []).length > 0 ||
              (s.keyCredentials ?? []).some((k) => k.usage !== 'Sign'),
          )
          .map((s) =>
            named('servicePrincipal', s, { passwordCredentials: (s.passwordCredentials ?? []).length }),
          ),
        'service principals carry their own credentials',
        'No service principal carries its own credentials.',
      ),
  },
  {
    id: 'app-high-priv-app-permissions',
    rationale:
      'An app with Mail.Read, Files.ReadWrite.All or directory-write permissions reads or changes everything, with no user present.',
    remediation: {
      portal: `${ENT_PORTAL} > (app) > Permissions`,
      automation: 'DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}',
    },
    notes:
      'Only grants on Microsoft Graph, Exchange Online and SharePoint are collected (appRoleAssignedTo). Microsoft-owned clients are skipped.',
    datasets: ['servicePrincipals', 'appRoleAssignedTo'],
    evaluate: ({ view }) => {
      const byId = new Map(sps(view).map((s) => [s.id, s]));
      const bad: Evidence[] = [];
      for (const [resourceId, grants] of view.relation<Raw>('appRoleAssignedTo')) {
        const roles = new Map((byId.get(resourceId)?.appRoles ?? []).map((r) => [r.id, r.value]));
        for (const g of grants) {
          const value = roles.get(String(g.appRoleId));
          const client = byId.get(String(g.principalId));
          if (!value || !RISKY_PERMISSIONS.has(value) || client?.appOwnerOrganizationId === MICROSOFT_TENANT)
            continue;
          bad.push({
            type: 'servicePrincipal',
            id: String(g.principalId),
            name: String(g.principalDisplayName ?? client?.displayName ?? g.principalId),
            properties: { permission: value, resource: g.resourceDisplayName, assignmentId: g.id },
          });
        }
      }
      return noneMayFail(
        bad,
        'high-privilege application permissions are granted',
        'No high-privilege application permission is granted.',
      );
    },
  },
  {
    id: 'app-delegated-admin-grants-risky',
    rationale:
      'A tenant-wide delegated grant of a risky scope lets the app act as any user who signs in to it.',
    remediation: {
      portal: `${ENT_PORTAL} > (app) > Permissions`,
      automation: 'DELETE /oauth2PermissionGrants/{id}',
    },
    datasets: ['oauth2PermissionGrants', 'servicePrincipals'],
    evaluate: ({ view }) => {
      const byId = new Map(sps(view).map((s) => [s.id, s]));
      return noneMayFail(
        view
          .items<Raw & { id: string }>('oauth2PermissionGrants')
          .filter((g) => g.consentType === 'AllPrincipals')
          .map((g) => ({
            g,
            risky: String(g.scope ?? '')
              .split(' ')
              .filter((s) => RISKY_SCOPES.has(s)),
          }))
          .filter((x) => x.risky.length > 0)
          .map(({ g, risky }) => ({
            type: 'oauth2PermissionGrant',
            id: g.id,
            name: byId.get(String(g.clientId))?.displayName ?? String(g.clientId),
            properties: { riskyScopes: risky, consentType: 'AllPrincipals' },
          })),
        'tenant-wide delegated grants include risky scopes',
        'No tenant-wide delegated grant includes a risky scope.',
      );
    },
  },
  {
    id: 'app-user-consented-risky-scopes',
    rationale: 'Users consenting risky scopes to unverified third-party apps is how consent phishing works.',
    remediation: {
      portal: `${ENT_PORTAL} > (app) > Permissions > User consent`,
      automation: 'DELETE /oauth2PermissionGrants/{id}',
    },
    datasets: ['oauth2PermissionGrants', 'servicePrincipals'],
    evaluate: ({ view }) => {
      const byId = new Map(sps(view).map((s) => [s.id, s]));
      return noneMayFail(
        view
          .items<Raw & { id: string }>('oauth2PermissionGrants')
          .filter((g) => g.consentType === 'Principal')
          .map((g) => ({
            g,
            sp: byId.get(String(g.clientId)),
            risky: String(g.scope ?? '')
              .split(' ')
              .filter((s) => RISKY_SCOPES.has(s)),
          }))
          .filter(
            (x) =>
              x.risky.length > 0 &&
              x.sp &&
              foreign(x.sp, view.tenantId) &&
              !x.sp.verifiedPublisher?.verifiedPublisherId,
          )
          .map(({ g, sp, risky }) => ({
            type: 'oauth2PermissionGrant',
            id: g.id,
            name: sp?.displayName ?? '',
            properties: { riskyScopes: risky, principalId: g.principalId },
          })),
        'users consented risky scopes to unverified third-party apps',
        'No user consented a risky scope to an unverified third-party app.',
      );
    },
  },
  {
    id: 'app-assignment-required',
    rationale:
      'Without "assignment required", every user in the tenant can sign in to (and consent data to) a third-party app.',
    remediation: {
      portal: `${ENT_PORTAL} > (app) > Properties > Assignment required: Yes`,
      automation: 'PATCH /servicePrincipals/{id} {"appRoleAssignmentRequired":true}',
    },
    notes: 'Only third-party multi-tenant apps (owned by neither this tenant nor Microsoft) are checked.',
    datasets: ['servicePrincipals'],
    evaluate: ({ view }) =>
      noneMayFail(
        sps(view)
          .filter((s) => foreign(s, view.tenantId) && s.appRoleAssignmentRequired !== true)
          .map((s) =>
            named('servicePrincipal', s, { appRoleAssignmentRequired: s.appRoleAssignmentRequired ?? false }),
          ),
        'third-party apps do not require assignment',
        'Every third-party app requires assignment.',
      ),
  },
  {
    id: 'app-multitenant-unverified-review',
    rationale: 'Third-party apps without a verified publisher have no accountable vendor behind them.',
    remediation: { portal: ENT_PORTAL, automation: 'Review and remove: DELETE /servicePrincipals/{id}' },
    datasets: ['servicePrincipals'],
    evaluate: ({ view }) =>
      noneMayFail(
        sps(view)
          .filter((s) => foreign(s, view.tenantId) && !s.verifiedPublisher?.verifiedPublisherId)
          .map((s) => named('servicePrincipal', s, { verifiedPublisher: null })),
        'third-party apps have no verified publisher',
        'Every third-party app has a verified publisher.',
      ),
  },
  {
    id: 'app-instance-property-lock',
    rationale:
      'Without app instance property lock, a tenant hosting your multi-tenant app can add credentials to its service principal.',
    remediation: {
      portal: `${APPS_PORTAL} > (app) > Authentication > App instance property lock`,
      automation:
        'PATCH /applications/{id} {"servicePrincipalLockConfiguration":{"isEnabled":true,"allProperties":true}}',
    },
    datasets: ['applications'],
    evaluate: ({ view }) => {
      const multi = view
        .items<App>('applications')
        .filter((a) => a.signInAudience && a.signInAudience !== 'AzureADMyOrg');
      if (multi.length === 0) return notApplicable('No multi-tenant app registration.');
      return noneMayFail(
        multi
          .filter((a) => {
            const l = a.servicePrincipalLockConfiguration as Raw | undefined;
            return !(l?.isEnabled && l.allProperties);
          })
          .map((a) =>
            named('application', a, {
              servicePrincipalLockConfiguration: a.servicePrincipalLockConfiguration ?? null,
            }),
          ),
        'multi-tenant apps lack app instance property lock',
        'Every multi-tenant app has its properties locked.',
      );
    },
  },
  {
    id: 'app-safe-redirect-uris',
    rationale:
      "Wildcard, plain-http or shared-hosting redirect URIs let an attacker receive your users' tokens.",
    remediation: {
      portal: `${APPS_PORTAL} > (app) > Authentication`,
      automation: 'PATCH /applications/{id} {"web":{"redirectUris":[…]}}',
    },
    notes:
      'Flags wildcards, http:// other than localhost, and *.azurewebsites.net (ZTA: claimable hostnames).',
    datasets: ['applications'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<App>('applications')
          .map((a) => ({ a, bad: redirectProblems(a) }))
          .filter((x) => x.bad.length)
          .map(({ a, bad }) => named('application', a, { redirectUris: bad })),
        'apps have unsafe redirect URIs',
        'No unsafe redirect URI.',
      ),
  },
  {
    id: 'app-implicit-grant-disabled',
    rationale:
      'The implicit grant returns access tokens in the URL fragment; use the authorization code flow with PKCE.',
    remediation: {
      portal: `${APPS_PORTAL} > (app) > Authentication > Implicit grant`,
      automation:
        'PATCH /applications/{id} {"web":{"implicitGrantSettings":{"enableAccessTokenIssuance":false}}}',
    },
    datasets: ['applications'],
    evaluate: ({ view }) =>
      noneMayFail(
        view
          .items<App>('applications')
          .filter(
            (a) =>
              ((a.web as Raw | undefined)?.implicitGrantSettings as Raw | undefined)
                ?.enableAccessTokenIssuance === true,
          )
          .map((a) => named('application', a, { enableAccessTokenIssuance: true })),
        'apps issue access tokens through the implicit grant',
        'No app uses the implicit grant for access tokens.',
      ),
  },
];
