/** Conditional Access sessions and hygiene: exclusions, stale and broken references, named locations. */
import type { CheckImpl } from '../define-check.ts';
import type { Evidence } from '../posture-types.ts';
import { ROLE } from '../settings.ts';
import { DatasetUnavailable, type Raw } from '../snapshot-view.ts';
import { caCheck } from './ca-coverage.ts';
import {
  APP,
  blocks,
  CA_AUTOMATION,
  CA_DATASET,
  CA_PORTAL,
  type CaPolicy,
  coversRoles,
  enabledPolicies,
  includesAllUsers,
  includesGuests,
  policies,
  policyEvidence,
  undeclaredExclusions,
} from './ca-helpers.ts';
import { DAY_MS, daysBefore, fail, named, noneMayFail, notApplicable, pass, timeOf } from './common.ts';

const remediation = { portal: CA_PORTAL, automation: CA_AUTOMATION };
const HOURS: Record<string, number> = { hours: 1, days: 24 };
const frequencyHours = (p: CaPolicy): number | undefined => {
  const f = p.sessionControls?.signInFrequency;
  if (!f?.isEnabled) return undefined;
  if (f.frequencyInterval === 'everyTime') return 0;
  return f.value != null && f.type ? f.value * (HOURS[f.type] ?? 24) : undefined;
};

export const caHygieneChecks: CheckImpl[] = [
  {
    id: 'ca-signin-frequency-admins',
    rationale: 'Short admin sessions limit how long a stolen token or an unlocked admin browser is useful.',
    remediation,
    notes: 'The limit is thresholds.adminSignInFrequencyMaxHours (default 4, Prowler).',
    datasets: [CA_DATASET],
    evaluate: ({ view, settings }) => {
      const max = settings.thresholds.adminSignInFrequencyMaxHours;
      const good = enabledPolicies(view).filter((p) => {
        const h = frequencyHours(p);
        return (p.conditions?.users?.includeRoles ?? []).length > 0 && h !== undefined && h <= max;
      });
      return good.length
        ? pass(`Admin sign-in frequency is enforced by ${good.map((p) => p.displayName).join(', ')}.`)
        : fail(`No enabled policy limits admin sessions to ${max} hours or less.`, [
            { type: 'tenant', id: view.tenantId, name: 'Conditional Access', properties: { maxHours: max } },
          ]);
    },
  },
  caCheck({
    id: 'ca-signin-frequency-all',
    rationale: 'A sign-in frequency for everyone bounds the life of stolen sessions.',
    what: 'sets a sign-in frequency for all users',
    qualifies: (p) => includesAllUsers(p) && frequencyHours(p) !== undefined,
  }),
  caCheck({
    id: 'ca-guest-session-lifetime',
    rationale: 'Guests should re-authenticate often; their home tenant controls are not yours.',
    what: 'sets a sign-in frequency for guests',
    qualifies: (p) => includesGuests(p) && frequencyHours(p) !== undefined,
  }),
  caCheck({
    id: 'ca-unmanaged-no-persistent-browser',
    rationale: 'Persistent browser sessions on shared or unmanaged machines keep the next person signed in.',
    what: 'sets persistent browser sessions to "never"',
    qualifies: (p) =>
      p.sessionControls?.persistentBrowser?.isEnabled === true &&
      p.sessionControls.persistentBrowser.mode === 'never',
  }),
  caCheck({
    id: 'ca-unmanaged-signin-frequency',
    rationale: 'Unmanaged devices should get short sessions.',
    what: 'sets a sign-in frequency for devices matched by a device filter',
    qualifies: (p) => Boolean(p.conditions?.devices?.deviceFilter) && frequencyHours(p) !== undefined,
  }),
  caCheck({
    id: 'ca-app-enforced-restrictions',
    rationale:
      'App-enforced restrictions give unmanaged devices browser-only, no-download access to Exchange and SharePoint.',
    what: 'uses app-enforced restrictions',
    qualifies: (p) => p.sessionControls?.applicationEnforcedRestrictions?.isEnabled === true,
  }),
  {
    id: 'ca-no-deprecated-approved-client-app',
    rationale:
      'The "Require approved client app" grant retires in 2026; policies using it will stop protecting.',
    remediation: {
      ...remediation,
      automation: `${CA_AUTOMATION}; replace approvedApplication by compliantApplication`,
    },
    datasets: [CA_DATASET],
    evaluate: ({ view }) =>
      noneMayFail(
        policies(view)
          .filter(
            (p) =>
              p.state !== 'disabled' &&
              (p.grantControls?.builtInControls ?? []).includes('approvedApplication'),
          )
          .map((p) => policyEvidence(p, { builtInControls: p.grantControls?.builtInControls })),
        'policies still require the retiring "approved client app" grant',
        'No policy uses the retiring approved-client-app grant.',
      ),
  },
  {
    id: 'ca-risk-policies-separate',
    rationale: 'A policy with both user and sign-in risk applies only when both are present; split them.',
    remediation,
    datasets: [CA_DATASET],
    evaluate: ({ view }) => {
      const risky = enabledPolicies(view).filter(
        (p) => (p.conditions?.userRiskLevels ?? []).length || (p.conditions?.signInRiskLevels ?? []).length,
      );
      if (risky.length === 0) return notApplicable('No enabled risk-based policy.');
      return noneMayFail(
        risky
          .filter(
            (p) =>
              (p.conditions?.userRiskLevels ?? []).length && (p.conditions?.signInRiskLevels ?? []).length,
          )
          .map((p) => policyEvidence(p)),
        'policies combine user risk and sign-in risk',
        'User-risk and sign-in-risk policies are separate.',
      );
    },
  },
  {
    id: 'ca-breakglass-excluded',
    rationale: 'If every policy applies to the break-glass accounts, one bad policy locks every admin out.',
    remediation,
    notes: 'Needs declared break-glass accounts; without them the check does not apply.',
    datasets: [CA_DATASET],
    evaluate: ({ view, breakGlass }) => {
      if (breakGlass.ids.size === 0 && breakGlass.unresolved.length === 0)
        return notApplicable(
          'No break-glass accounts are declared (use --break-glass or the settings file).',
        );
      if (breakGlass.unresolved.length)
        throw new DatasetUnavailable('users', 'error', 'declared break-glass UPNs could not be resolved');
      // Only policies that can apply to a break-glass account: all users, any role, or naming it.
      const applies = (p: CaPolicy) => {
        const u = p.conditions?.users ?? {};
        return (
          includesAllUsers(p) ||
          (u.includeRoles ?? []).length > 0 ||
          (u.includeUsers ?? []).some((id) => breakGlass.ids.has(id.toLowerCase()))
        );
      };
      const bad = enabledPolicies(view)
        .filter(applies)
        .filter((p) => {
          const ex = new Set(
            [...(p.conditions?.users?.excludeUsers ?? []), ...(p.conditions?.users?.excludeGroups ?? [])].map(
              (x) => x.toLowerCase(),
            ),
          );
          return [...breakGlass.ids].some((id) => !ex.has(id));
        });
      return noneMayFail(
        bad.map((p) => policyEvidence(p, { excludeUsers: p.conditions?.users?.excludeUsers })),
        'enabled policies do not exclude every break-glass account',
        'Every enabled policy excludes the declared break-glass accounts.',
      );
    },
  },
  {
    id: 'ca-exclusion-gaps',
    rationale:
      'Exclusions grow quietly ("temporary" MFA exemptions); every exclusion but break-glass deserves review.',
    remediation,
    datasets: [CA_DATASET],
    evaluate: ({ view, breakGlass }) =>
      noneMayFail(
        enabledPolicies(view)
          .map((p) => ({ p, extra: undeclaredExclusions(p, breakGlass) }))
          .filter((x) => x.extra.length > 0)
          .map(({ p, extra }) => policyEvidence(p, { undeclaredExclusions: extra })),
        'enabled policies exclude principals that are not declared break-glass accounts',
        'No enabled policy excludes anyone but declared break-glass accounts.',
      ),
  },
  {
    id: 'ca-sync-account-excluded',
    rationale:
      'In hybrid tenants the Directory Synchronization Accounts role must be excluded from all-users policies, or sync breaks (Microsoft guidance).',
    remediation,
    datasets: [CA_DATASET, 'organization'],
    evaluate: ({ view }) => {
      const org = view.items<Raw>('organization')[0];
      if (org?.onPremisesSyncEnabled !== true)
        return notApplicable('The tenant does not synchronise from on-premises.');
      return noneMayFail(
        enabledPolicies(view)
          .filter(
            (p) =>
              includesAllUsers(p) &&
              !(p.conditions?.users?.excludeRoles ?? []).includes(ROLE.directorySyncAccounts),
          )
          .map((p) => policyEvidence(p)),
        'all-users policies do not exclude the Directory Synchronization Accounts role',
        'All-users policies exclude the Directory Synchronization Accounts role.',
      );
    },
  },
  {
    id: 'ca-no-deleted-references',
    rationale: 'Policies that name deleted users or groups no longer do what their names say.',
    remediation,
    datasets: [CA_DATASET, 'users', 'groups'],
    evaluate: ({ view }) => {
      const known = new Set([
        ...view.items<{ id: string }>('users').map((u) => u.id.toLowerCase()),
        ...view.items<{ id: string }>('groups').map((g) => g.id.toLowerCase()),
      ]);
      const special = new Set(['all', 'none', 'guestsorexternalusers']);
      const bad: Evidence[] = [];
      for (const p of policies(view)) {
        const u = p.conditions?.users ?? {};
        const ids = [
          ...(u.includeUsers ?? []),
          ...(u.excludeUsers ?? []),
          ...(u.includeGroups ?? []),
          ...(u.excludeGroups ?? []),
        ];
        const missing = ids.filter((id) => !special.has(id.toLowerCase()) && !known.has(id.toLowerCase()));
        if (missing.length) bad.push(policyEvidence(p, { unresolvedIds: missing }));
      }
      return noneMayFail(
        bad,
        'policies reference users or groups that no longer exist',
        'Every referenced user and group exists.',
      );
    },
  },
  {
    id: 'ca-has-target-resources',
    rationale: 'A policy with no target resources applies to nothing.',
    remediation,
    datasets: [CA_DATASET],
    evaluate: ({ view }) =>
      noneMayFail(
        policies(view)
          .filter((p) => {
            const a = p.conditions?.applications ?? {};
            return ![
              a.includeApplications,
              a.includeUserActions,
              a.includeAuthenticationContextClassReferences,
            ].some((l) => (l ?? []).length > 0);
          })
          .map((p) => policyEvidence(p)),
        'policies target no resource',
        'Every policy targets apps, user actions or authentication contexts.',
      ),
  },
  {
    id: 'ca-rms-not-excluded',
    rationale: 'Excluding Azure Rights Management lets protected documents be opened without the policy.',
    remediation,
    datasets: [CA_DATASET],
    evaluate: ({ view }) =>
      noneMayFail(
        enabledPolicies(view)
          .filter((p) => (p.conditions?.applications?.excludeApplications ?? []).includes(APP.azureRms))
          .map((p) => policyEvidence(p)),
        'enabled policies exclude Azure Rights Management',
        'No enabled policy excludes Azure Rights Management.',
      ),
  },
  {
    id: 'ca-report-only-stale',
    rationale: 'Report-only and disabled policies left for weeks are forgotten protection.',
    remediation,
    notes: 'Age limit: thresholds.staleReportOnlyDays (default 30); createdDateTime when never modified.',
    datasets: [CA_DATASET],
    evaluate: ({ view, settings }) => {
      const limit = daysBefore(view.now, settings.thresholds.staleReportOnlyDays);
      return noneMayFail(
        policies(view)
          .filter((p) => p.state !== 'enabled')
          .filter((p) => (timeOf(p.modifiedDateTime) ?? timeOf(p.createdDateTime) ?? 0) < limit)
          .map((p) => {
            const at = timeOf(p.modifiedDateTime) ?? timeOf(p.createdDateTime) ?? 0;
            return policyEvidence(p, {
              lastChanged: p.modifiedDateTime ?? p.createdDateTime,
              daysUnchanged: Math.floor((view.now.getTime() - at) / DAY_MS),
            });
          }),
        'policies have been report-only or disabled for too long',
        'No stale report-only or disabled policy.',
      );
    },
  },
  {
    id: 'ca-block-untrusted-locations',
    rationale: 'Blocking countries you do not operate in removes a large share of attack traffic.',
    remediation,
    datasets: [CA_DATASET, 'namedLocations'],
    evaluate: ({ view }) => {
      const countries = new Set(
        view
          .items<Raw & { id: string }>('namedLocations')
          .filter((l) => String(l['@odata.type']).endsWith('countryNamedLocation'))
          .map((l) => l.id),
      );
      const good = enabledPolicies(view).filter(
        (p) => blocks(p) && (p.conditions?.locations?.includeLocations ?? []).some((id) => countries.has(id)),
      );
      return good.length
        ? pass(
            `Countries are blocked by ${good.map((p) => p.displayName).join(', ')}.`,
            good.map((p) => policyEvidence(p)),
          )
        : fail('No enabled policy blocks a country named location.', [
            {
              type: 'tenant',
              id: view.tenantId,
              name: 'Conditional Access',
              properties: { countryLocations: countries.size },
            },
          ]);
    },
  },
  {
    id: 'hyb-sync-account-location-locked',
    rationale:
      'The sync account can write every synced identity; lock its sign-ins to your sync server location.',
    remediation,
    datasets: [CA_DATASET, 'organization'],
    evaluate: ({ view }) => {
      const org = view.items<Raw>('organization')[0];
      if (org?.onPremisesSyncEnabled !== true)
        return notApplicable('The tenant does not synchronise from on-premises.');
      const good = enabledPolicies(view).filter(
        (p) => coversRoles(p, [ROLE.directorySyncAccounts]) && Boolean(p.conditions?.locations) && blocks(p),
      );
      return good.length
        ? pass(`The sync account is location-locked by ${good.map((p) => p.displayName).join(', ')}.`)
        : fail(
            'No enabled policy blocks the Directory Synchronization Accounts role outside trusted locations.',
            [
              named(
                'organization',
                { id: String(org.id), displayName: String(org.displayName ?? '') },
                { onPremisesSyncEnabled: true },
              ),
            ],
          );
    },
  },
];
