/** Directory roles: who holds privileged roles, how many Global Administrators, and what they are. */
import type { CheckImpl } from '../define-check.ts';
import type { CheckContext, Evidence } from '../posture-types.ts';
import { ROLE } from '../settings.ts';
import type { Raw, SnapshotView } from '../snapshot-view.ts';
import { CA_DATASET, policies } from './ca-helpers.ts';
import {
  daysBefore,
  fail,
  lastSignIn,
  named,
  noneMayFail,
  notApplicable,
  optionalItems,
  pass,
  type User,
  userEvidence,
  usersById,
} from './common.ts';

interface RoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string;
}
interface ServicePrincipal extends Raw {
  id: string;
  appId?: string;
  displayName?: string;
  passwordCredentials?: unknown[];
}

const ROLES_PORTAL = 'Entra admin center > Identity > Roles & admins';
const ROLES_AUTOMATION =
  'GET/DELETE /roleManagement/directory/roleAssignments (Remove-MgRoleManagementDirectoryRoleAssignment); prefer PIM eligibility';

/** Checks about who the admins are also count PIM-eligible holders, when the tenant has PIM. */
export const ELIGIBLE = ['roleEligibilitySchedules'];

/**
 * Holders of privileged roles (settings.privilegedRoleIds), principal → role ids: active
 * assignments, plus eligible ones when `withEligible` (the check must declare ELIGIBLE optional).
 */
export function privilegedHolders(ctx: CheckContext, withEligible = true): Map<string, string[]> {
  const privileged = new Set(ctx.settings.thresholds.privilegedRoleIds.map((r) => r.toLowerCase()));
  const out = new Map<string, string[]>();
  const all = ctx.view.items<RoleAssignment>('roleAssignments');
  const eligible = withEligible ? optionalItems<RoleAssignment>(ctx.view, 'roleEligibilitySchedules') : [];
  for (const a of [...all, ...eligible]) {
    if (!privileged.has(a.roleDefinitionId.toLowerCase())) continue;
    const key = a.principalId.toLowerCase();
    const roles = out.get(key) ?? [];
    if (!roles.includes(a.roleDefinitionId)) roles.push(a.roleDefinitionId);
    out.set(key, roles);
  }
  return out;
}

export function globalAdmins(view: SnapshotView): string[] {
  const ids = view
    .items<RoleAssignment>('roleAssignments')
    .filter((a) => a.roleDefinitionId === ROLE.globalAdmin)
    .map((a) => a.principalId.toLowerCase());
  return [...new Set(ids)];
}

/** Evidence for a principal that may be a user, a service principal or a group. */
export function principalEvidence(
  view: SnapshotView,
  id: string,
  properties?: Record<string, unknown>,
): Evidence {
  const user = usersById(view).get(id);
  if (user) return userEvidence(user, properties);
  return { type: 'principal', id, ...(properties ? { properties } : {}) };
}

const privilegedUsers = (ctx: CheckContext): { user: User; roles: string[] }[] => {
  const users = usersById(ctx.view);
  return [...privilegedHolders(ctx)].flatMap(([id, roles]) => {
    const user = users.get(id);
    return user ? [{ user, roles }] : [];
  });
};

const remediation = { portal: ROLES_PORTAL, automation: ROLES_AUTOMATION };

export const roleChecks: CheckImpl[] = [
  {
    id: 'rol-global-admin-count',
    rationale:
      'Too few Global Administrators risks lock-out; too many multiplies the targets. Anchors disagree: CIS 2–4, SCuBA 2–8 (MS.AAD.7.1v1), Secure Score "more than one".',
    remediation,
    notes:
      "We take CIS's 2–4 (thresholds.globalAdminMin / globalAdminMax). Counted: principals with an active Global Administrator assignment, break-glass included; eligible-only (PIM) holders are not standing admins and are not counted.",
    datasets: ['roleAssignments', 'users'],
    evaluate: ({ view, settings }) => {
      const { globalAdminMin: min, globalAdminMax: max } = settings.thresholds;
      const gas = globalAdmins(view);
      const evidence = gas.map((id) => principalEvidence(view, id, { role: 'Global Administrator' }));
      const text = `${gas.length} Global Administrators (allowed ${min}–${max}).`;
      return gas.length >= min && gas.length <= max ? pass(text, evidence) : fail(text, evidence);
    },
  },
  {
    id: 'rol-ga-ratio',
    rationale:
      'Most admin work needs a narrower role; Global Administrators should not outnumber the other privileged admins (MS.AAD.7.2v1).',
    remediation,
    notes:
      "SCuBA's rule: the number of Global Administrators must not exceed the number of other privileged-role holders; PIM-eligible holders count, as in ScubaGear.",
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'users'],
    evaluate: (ctx) => {
      const holders = privilegedHolders(ctx);
      const gas = new Set(
        [...holders].filter(([, roles]) => roles.includes(ROLE.globalAdmin)).map(([id]) => id),
      );
      const others = [...holders.keys()].filter((id) => !gas.has(id));
      const text = `${gas.size} Global Administrators, ${others.length} other privileged admins.`;
      return gas.size <= others.length
        ? pass(text)
        : fail(
            text,
            [...gas].map((id) => principalEvidence(ctx.view, id, { role: 'Global Administrator' })),
          );
    },
  },
  {
    id: 'rol-admins-cloud-only',
    rationale:
      'A synced admin can be taken over from on-premises Active Directory; privileged accounts must be cloud-only (MS.AAD.7.3v1).',
    remediation: {
      portal: ROLES_PORTAL,
      automation: 'Create cloud-only admin accounts (New-MgUser) and move the roles',
    },
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'users'],
    evaluate: (ctx) =>
      noneMayFail(
        privilegedUsers(ctx)
          .filter((x) => x.user.onPremisesSyncEnabled === true)
          .map((x) => userEvidence(x.user, { onPremisesSyncEnabled: true, roles: x.roles })),
        'privileged users are synchronised from on-premises',
        'Every privileged user is cloud-only.',
      ),
  },
  {
    id: 'gst-no-privileged-roles',
    rationale:
      'A guest holding an admin role is an account from another organisation, with its controls, running yours.',
    remediation,
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'users'],
    evaluate: (ctx) =>
      noneMayFail(
        privilegedUsers(ctx)
          .filter((x) => x.user.userType === 'Guest')
          .map((x) => userEvidence(x.user, { userType: 'Guest', roles: x.roles })),
        'guests hold privileged roles',
        'No guest holds a privileged role.',
      ),
  },
  {
    id: 'rol-admins-reduced-licence',
    rationale:
      'Admin accounts with mailboxes and Teams get phished; daily work belongs to a separate, unprivileged account.',
    remediation: {
      portal: 'Microsoft 365 admin center > Users > Active users > Licences and apps',
      automation: 'POST /users/{id}/assignLicense (Set-MgUserLicense) to remove productivity SKUs',
    },
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'users', 'subscribedSkus'],
    evaluate: (ctx) => {
      const productive = new Set(
        ctx.view
          .items<Raw & { skuId: string; servicePlans?: { servicePlanName?: string }[] }>('subscribedSkus')
          .filter((s) =>
            (s.servicePlans ?? []).some((p) =>
              /^(EXCHANGE_S_|SHAREPOINT|TEAMS1|MCOSTANDARD)/.test(p.servicePlanName ?? ''),
            ),
          )
          .map((s) => s.skuId),
      );
      return noneMayFail(
        privilegedUsers(ctx)
          .filter((x) => (x.user.assignedLicenses ?? []).some((l) => productive.has(l.skuId)))
          .map((x) =>
            userEvidence(x.user, {
              roles: x.roles,
              assignedLicenses: x.user.assignedLicenses?.map((l) => l.skuId),
            }),
          ),
        'privileged users hold mailbox/Teams/SharePoint licences',
        'No privileged user holds a productivity licence.',
      );
    },
  },
  {
    id: 'rol-stale-privileged',
    minLicence: 'P1',
    rationale: 'Privileged accounts nobody uses are standing risk without an owner watching.',
    remediation,
    notes: 'Declared break-glass accounts are expected to sit unused and are skipped (Maester #863).',
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'users', 'userSignInActivity'],
    evaluate: (ctx) => {
      const { view, settings, breakGlass } = ctx;
      const limit = daysBefore(view.now, settings.thresholds.inactiveDays);
      const last = lastSignIn(view);
      return noneMayFail(
        privilegedUsers(ctx)
          .filter((x) => !breakGlass.ids.has(x.user.id.toLowerCase()) && x.user.accountEnabled !== false)
          .filter((x) => (last.get(x.user.id.toLowerCase()) ?? 0) < limit)
          .map((x) => {
            const t = last.get(x.user.id.toLowerCase());
            return userEvidence(x.user, { roles: x.roles, lastSignIn: t ? new Date(t).toISOString() : null });
          }),
        `privileged users have not signed in for ${settings.thresholds.inactiveDays} days`,
        'Every privileged user signed in recently.',
      );
    },
  },
  {
    id: 'rol-workload-no-privileged-roles',
    rationale:
      'A service principal in a privileged role is an admin whose credentials sit in code or a vault and never do MFA.',
    remediation,
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'servicePrincipals'],
    evaluate: (ctx) => {
      const sps = new Map(
        ctx.view.items<ServicePrincipal>('servicePrincipals').map((s) => [s.id.toLowerCase(), s]),
      );
      return noneMayFail(
        [...privilegedHolders(ctx)]
          .filter(([id]) => sps.has(id))
          .map(([id, roles]) => named('servicePrincipal', sps.get(id)!, { roles })),
        'service principals hold privileged roles',
        'No service principal holds a privileged role.',
      );
    },
  },
  {
    id: 'rol-sp-secret-tier0',
    rationale:
      'A client secret on a privileged service principal is a tenant-takeover password stored somewhere you cannot see.',
    remediation: {
      portal: 'Entra admin center > App registrations > Certificates & secrets',
      automation:
        'DELETE secrets with POST /applications/{id}/removePassword; use certificates or managed identities',
    },
    optionalDatasets: ELIGIBLE,
    datasets: ['roleAssignments', 'servicePrincipals', 'applications'],
    evaluate: (ctx) => {
      const sps = new Map(
        ctx.view.items<ServicePrincipal>('servicePrincipals').map((s) => [s.id.toLowerCase(), s]),
      );
      const apps = new Map(ctx.view.items<ServicePrincipal>('applications').map((a) => [a.appId, a]));
      const bad: Evidence[] = [];
      for (const [id, roles] of privilegedHolders(ctx)) {
        const sp = sps.get(id);
        if (!sp) continue;
        const secrets =
          (sp.passwordCredentials?.length ?? 0) + (apps.get(sp.appId)?.passwordCredentials?.length ?? 0);
        if (secrets > 0) bad.push(named('servicePrincipal', sp, { roles, secrets }));
      }
      return noneMayFail(
        bad,
        'privileged service principals have client secrets',
        'No privileged service principal has a client secret.',
      );
    },
  },
  {
    id: 'rol-ca-groups-protected',
    rationale:
      'Whoever can change the membership of a group used by Conditional Access can exempt anyone; use role-assignable groups.',
    remediation: {
      portal: 'Entra admin center > Groups (create as "Microsoft Entra roles can be assigned to the group")',
      automation: 'POST /groups {"isAssignableToRole":true,…} and move the members',
    },
    datasets: [CA_DATASET, 'groups'],
    evaluate: ({ view }) => {
      const groups = new Map(view.items<Raw & { id: string }>('groups').map((g) => [g.id.toLowerCase(), g]));
      const referenced = new Set<string>();
      for (const p of policies(view))
        for (const id of [
          ...(p.conditions?.users?.includeGroups ?? []),
          ...(p.conditions?.users?.excludeGroups ?? []),
        ])
          referenced.add(id.toLowerCase());
      if (referenced.size === 0) return notApplicable('No Conditional Access policy references a group.');
      const bad = [...referenced]
        .map((id) => groups.get(id))
        .filter((g): g is Raw & { id: string } => g !== undefined && g.isAssignableToRole !== true)
        .map((g) =>
          named('group', g as { id: string }, { isAssignableToRole: g.isAssignableToRole ?? false }),
        );
      return noneMayFail(
        bad,
        'groups used by Conditional Access are not role-assignable',
        'Every group used by Conditional Access is role-assignable.',
      );
    },
  },
];
