/**
 * Consent settings and the tenant-wide app management policy (Graph v1.0 authorizationPolicy,
 * groupSettings "Consent Policy Settings", tenantAppManagementPolicy).
 */
import type { CheckImpl } from '../define-check.ts';
import type { Raw } from '../snapshot-view.ts';
import { asArray, fail, named, notApplicable, pass } from './common.ts';
import { durationHours } from './pim.ts';

const CONSENT_PORTAL = 'Entra admin center > Enterprise applications > Consent and permissions';
const APP_POLICY_PORTAL = 'Entra admin center > Enterprise applications > Application policies (preview)';
const APP_POLICY_AUTOMATION =
  'PATCH /policies/defaultAppManagementPolicy (Update-MgPolicyDefaultAppManagementPolicy)';
/** The year-1 date ScubaGear requires: the restriction applies to every app, however old. */
const ALL_APPS_DATES = new Set(['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z', null, undefined]);

export function directorySetting(settings: Raw[], displayName: string, name: string): string | undefined {
  for (const s of settings) {
    if (s.displayName !== displayName) continue;
    const v = asArray<{ name: string; value: string }>(s.values).find((x) => x.name === name);
    if (v) return v.value;
  }
  return undefined;
}

interface Restriction {
  restrictionType?: string;
  maxLifetime?: string | null;
  restrictForAppsCreatedAfterDateTime?: string | null;
  state?: string;
}

function restriction(
  policy: Raw,
  kind: 'passwordCredentials' | 'keyCredentials',
  type: string,
): Restriction | undefined {
  if (policy.isEnabled !== true) return undefined;
  const r = asArray<Restriction>((policy.applicationRestrictions as Raw | undefined)?.[kind]).find(
    (x) => x.restrictionType === type,
  );
  return r && r.state !== 'disabled' ? r : undefined;
}

const policyEvidence = (policy: Raw, properties: Record<string, unknown>) => [
  named(
    'tenantAppManagementPolicy',
    { id: String(policy.id), displayName: String(policy.displayName ?? 'default') },
    properties,
  ),
];

function lifetimeCheck(
  id: string,
  kind: 'passwordCredentials' | 'keyCredentials',
  type: string,
  maxDays: (s: {
    thresholds: { secretMaxLifetimeDays: number; certificateMaxValidityDays: number };
  }) => number,
  rationale: string,
  skipIfBlocked: boolean,
): CheckImpl {
  return {
    id,
    rationale,
    remediation: { portal: APP_POLICY_PORTAL, automation: APP_POLICY_AUTOMATION },
    datasets: ['defaultAppManagementPolicy'],
    evaluate: ({ view, settings }) => {
      const policy = view.single<Raw>('defaultAppManagementPolicy');
      if (skipIfBlocked && restriction(policy, 'passwordCredentials', 'passwordAddition'))
        return notApplicable('New client secrets are blocked altogether, so their lifetime does not matter.');
      const r = restriction(policy, kind, type);
      const hours = durationHours(r?.maxLifetime ?? undefined);
      const max = maxDays(settings);
      const ev = policyEvidence(policy, { restrictionType: type, maxLifetime: r?.maxLifetime ?? null });
      return hours !== undefined && hours <= max * 24
        ? pass(`${type} is limited to ${r?.maxLifetime}.`, ev)
        : fail(`No enabled ${type} restriction of ${max} days or less.`, ev);
    },
  };
}

export const appPolicyChecks: CheckImpl[] = [
  {
    id: 'app-user-consent-restricted',
    rationale:
      'Illicit consent grants are a top phishing technique: a user approves an app that then reads their mail (MS.AAD.5.2v1).',
    remediation: {
      portal: `${CONSENT_PORTAL} > User consent settings`,
      automation:
        'PATCH /policies/authorizationPolicy {"defaultUserRolePermissions":{"permissionGrantPoliciesAssigned":[]}}',
    },
    notes:
      'Anchors disagree: CIS allows no user consent; EIDSCA accepts microsoft-user-default-low. Default is CIS; set thresholds.allowLowImpactUserConsent to accept the low-impact policy.',
    datasets: ['authorizationPolicy'],
    evaluate: ({ view, settings }) => {
      const p = view.single<Raw>('authorizationPolicy');
      const assigned = asArray<string>(
        (p.defaultUserRolePermissions as Raw | undefined)?.permissionGrantPoliciesAssigned,
      );
      const self = assigned.filter((x) => x.startsWith('ManagePermissionGrantsForSelf.'));
      const allowed = settings.thresholds.allowLowImpactUserConsent
        ? ['ManagePermissionGrantsForSelf.microsoft-user-default-low']
        : [];
      const bad = self.filter((x) => !allowed.includes(x));
      const ev = [
        named('authorizationPolicy', { id: String(p.id) }, { permissionGrantPoliciesAssigned: assigned }),
      ];
      return bad.length
        ? fail(`Users may consent to apps (${bad.join(', ')}).`, ev)
        : pass('Users cannot consent to apps beyond what is allowed.', ev);
    },
  },
  {
    id: 'app-risky-consent-blocked',
    rationale: 'Even where users may consent, apps Microsoft flags as risky must need an admin.',
    remediation: {
      portal: `${CONSENT_PORTAL}`,
      automation: 'PATCH /policies/authorizationPolicy {"allowUserConsentForRiskyApps":false}',
    },
    datasets: ['authorizationPolicy'],
    evaluate: ({ view }) => {
      const p = view.single<Raw>('authorizationPolicy');
      const ev = [
        named(
          'authorizationPolicy',
          { id: String(p.id) },
          { allowUserConsentForRiskyApps: p.allowUserConsentForRiskyApps ?? null },
        ),
      ];
      return p.allowUserConsentForRiskyApps === true
        ? fail('Users may consent to risky apps.', ev)
        : pass('User consent to risky apps is blocked.', ev);
    },
  },
  {
    id: 'app-group-owner-consent-disabled',
    rationale: "Group owners granting apps access to their group's data bypass the admin review.",
    remediation: {
      portal: `${CONSENT_PORTAL} > User consent settings (group owner consent)`,
      automation:
        'Remove ManagePermissionGrantsForOwnedResource.* from authorizationPolicy permissionGrantPoliciesAssigned',
    },
    datasets: ['authorizationPolicy', 'groupSettings'],
    evaluate: ({ view }) => {
      const p = view.single<Raw>('authorizationPolicy');
      const owned = asArray<string>(
        (p.defaultUserRolePermissions as Raw | undefined)?.permissionGrantPoliciesAssigned,
      ).filter((x) => x.startsWith('ManagePermissionGrantsForOwnedResource.'));
      const legacy = directorySetting(
        view.items<Raw>('groupSettings'),
        'Consent Policy Settings',
        'EnableGroupSpecificConsent',
      );
      const ev = [
        named(
          'authorizationPolicy',
          { id: String(p.id) },
          { ownedResourcePolicies: owned, EnableGroupSpecificConsent: legacy ?? null },
        ),
      ];
      return owned.length || legacy?.toLowerCase() === 'true'
        ? fail('Group owners may consent to apps for their groups.', ev)
        : pass('Group owner consent is off.', ev);
    },
  },
  {
    id: 'app-admin-consent-workflow',
    rationale:
      'With user consent off, users need a way to ask; the admin consent workflow keeps them from shadow IT (MS.AAD.5.3v1).',
    remediation: {
      portal: `${CONSENT_PORTAL} > Admin consent settings`,
      automation: 'PUT /policies/adminConsentRequestPolicy {"isEnabled":true,"reviewers":[…]}',
    },
    notes:
      'Read, as ScubaGear does, from the "Consent Policy Settings" directory setting EnableAdminConsentRequests; the reviewers list (adminConsentRequestPolicy) is not collected.',
    datasets: ['groupSettings'],
    evaluate: ({ view }) => {
      const v = directorySetting(
        view.items<Raw>('groupSettings'),
        'Consent Policy Settings',
        'EnableAdminConsentRequests',
      );
      const ev = [
        {
          type: 'directorySetting',
          id: 'Consent Policy Settings',
          name: 'Consent Policy Settings',
          properties: { EnableAdminConsentRequests: v ?? null },
        },
      ];
      return v?.toLowerCase() === 'true'
        ? pass('The admin consent workflow is on.', ev)
        : fail('The admin consent workflow is not on.', ev);
    },
  },
  {
    id: 'app-default-mgmt-policy-enabled',
    minLicence: 'Free',
    rationale:
      'The tenant-wide app management policy is where credential restrictions for every app are set.',
    remediation: { portal: APP_POLICY_PORTAL, automation: APP_POLICY_AUTOMATION },
    datasets: ['defaultAppManagementPolicy'],
    evaluate: ({ view }) => {
      const p = view.single<Raw>('defaultAppManagementPolicy');
      const count = ['passwordCredentials', 'keyCredentials'].reduce(
        (n, k) => n + asArray((p.applicationRestrictions as Raw | undefined)?.[k]).length,
        0,
      );
      const ev = policyEvidence(p, { isEnabled: p.isEnabled ?? null, applicationRestrictions: count });
      return p.isEnabled === true && count > 0
        ? pass('The default app management policy is on with restrictions.', ev)
        : fail('The default app management policy is off or empty.', ev);
    },
  },
  {
    id: 'app-block-password-addition',
    minLicence: 'Free',
    rationale:
      'Client secrets leak from code and config; block new ones and use certificates or managed identities (MS.AAD.5.5v1).',
    remediation: { portal: APP_POLICY_PORTAL, automation: APP_POLICY_AUTOMATION },
    notes:
      'Like ScubaGear, the restriction must apply to every app: restrictForAppsCreatedAfterDateTime must be 0001-01-01 (or unset).',
    datasets: ['defaultAppManagementPolicy'],
    evaluate: ({ view }) => {
      const p = view.single<Raw>('defaultAppManagementPolicy');
      const r = restriction(p, 'passwordCredentials', 'passwordAddition');
      const ev = policyEvidence(p, {
        isEnabled: p.isEnabled ?? null,
        restrictForAppsCreatedAfterDateTime: r?.restrictForAppsCreatedAfterDateTime ?? null,
      });
      if (!r) return fail('New client secrets are not blocked.', ev);
      return ALL_APPS_DATES.has(r.restrictForAppsCreatedAfterDateTime ?? undefined)
        ? pass('New client secrets are blocked for every app.', ev)
        : fail(
            `New client secrets are blocked only for apps created after ${r.restrictForAppsCreatedAfterDateTime}.`,
            ev,
          );
    },
  },
  lifetimeCheck(
    'app-password-lifetime-max',
    'passwordCredentials',
    'passwordLifetime',
    (s) => s.thresholds.secretMaxLifetimeDays,
    'Short-lived secrets limit how long a leaked one works (MS.AAD.5.6v1).',
    true,
  ),
  lifetimeCheck(
    'app-cert-lifetime-max',
    'keyCredentials',
    'asymmetricKeyLifetime',
    (s) => s.thresholds.certificateMaxValidityDays,
    'Certificates should be rotated at least yearly (MS.AAD.5.7v1).',
    false,
  ),
  {
    id: 'app-block-custom-passwords',
    minLicence: 'Free',
    rationale: 'Custom (user-chosen) app passwords are weaker than generated ones.',
    remediation: { portal: APP_POLICY_PORTAL, automation: APP_POLICY_AUTOMATION },
    datasets: ['defaultAppManagementPolicy'],
    evaluate: ({ view }) => {
      const p = view.single<Raw>('defaultAppManagementPolicy');
      const r = restriction(p, 'passwordCredentials', 'customPasswordAddition');
      const blocked = Boolean(r) || Boolean(restriction(p, 'passwordCredentials', 'passwordAddition'));
      const ev = policyEvidence(p, { customPasswordAddition: r ? 'restricted' : null });
      return blocked
        ? pass('Custom passwords cannot be added.', ev)
        : fail('Custom passwords can be added to apps.', ev);
    },
  },
];
