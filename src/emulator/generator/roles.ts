/**
 * Directory roles, role assignments and PIM: who is admin, permanently or eligible, and what
 * activating a role requires. PIM (eligibility) needs Entra ID P2, so tenants without P2 have
 * permanent assignments only — which is also what a neglected tenant looks like.
 */
import type { GraphObject } from '../contract.ts';
import { ALL_ROLES, PRIVILEGED_ROLE_IDS, ROLES, type RoleTemplate } from './catalog/roles.ts';
import type { GenContext, UserMeta } from './context.ts';
import type { Rng } from './prng.ts';
import { DAY_MS } from './time.ts';

interface Grant {
  role: RoleTemplate;
  user: UserMeta;
  kind: 'permanent' | 'eligible' | 'activated';
}

const PER_ROLE = { hardened: 1, typical: 2, neglected: 3 } as const;
const ELIGIBLE_SHARE = { hardened: 1, typical: 0.5, neglected: 0.1 } as const;

export function buildRoles(ctx: GenContext): void {
  const rng = ctx.rng.stream('roles');
  const grants = planGrants(ctx, rng);
  for (const g of grants) g.user.isAdmin = true;
  const c = ctx.model.graph.collections;
  c['roleManagement/directory/roleDefinitions'] = ALL_ROLES.map(roleDefinition);
  const active = grants.filter((g) => g.kind !== 'eligible');
  const assignmentIds = new Map<Grant, string>();
  c['roleManagement/directory/roleAssignments'] = active.map((g) => {
    const id = `${rng.base64url(43)}-1`;
    assignmentIds.set(g, id);
    return {
      id,
      principalId: g.user.id,
      principalOrganizationId: ctx.tenantId,
      directoryScopeId: '/',
      appScopeId: null,
      condition: null,
      roleDefinitionId: g.role.id,
    };
  });
  c['roleManagement/directory/roleAssignmentSchedules'] = active.map((g) => assignmentSchedule(ctx, rng, g));
  c['roleManagement/directory/roleEligibilitySchedules'] = grants
    .filter((g) => g.kind === 'eligible')
    .map((g) => eligibilitySchedule(ctx, rng, g));
  buildDirectoryRoles(ctx, rng, active);
  buildPimPolicies(ctx, rng);
  const ga = ROLES.globalAdmin.id;
  ctx.planted.globalAdmins = active.filter((g) => g.role.id === ga).map((g) => g.user.id);
  ctx.planted.permanentPrivilegedAssignments = active
    .filter((g) => g.kind === 'permanent' && PRIVILEGED_ROLE_IDS.has(g.role.id))
    .map((g) => assignmentIds.get(g)!);
  ctx.planted.notes.eligibleGlobalAdmins = grants
    .filter((g) => g.role.id === ga && g.kind === 'eligible')
    .map((g) => g.user.id);
  ctx.planted.notes.permanentGlobalAdminAssignments = active.filter(
    (g) => g.role.id === ga && g.kind === 'permanent',
  ).length;
}

function planGrants(ctx: GenContext, rng: Rng): Grant[] {
  const pim = ctx.plan === 'P2';
  const it = ctx.users.filter((u) => u.kind === 'member' && u.enabled && u.department === 'IT');
  const pool = it.length > 0 ? it : ctx.users.filter((u) => u.kind === 'member');
  const grants: Grant[] = ctx.breakGlass.map((user) => ({
    role: ROLES.globalAdmin,
    user,
    kind: 'permanent' as const,
  }));
  // Global Administrators besides break-glass: the admin, then IT staff, and in a neglected
  // tenant also a service account, a leaver and a guest.
  const gaCount = ctx.knobs.permanentGlobalAdmins;
  if (gaCount === 0 && pim) grants.push({ role: ROLES.globalAdmin, user: ctx.admin, kind: 'eligible' });
  else grants.push({ role: ROLES.globalAdmin, user: ctx.admin, kind: 'permanent' });
  const extra: UserMeta[] = [];
  if (ctx.profile === 'neglected') {
    const pickKind = (pred: (u: UserMeta) => boolean) => ctx.users.find((u) => pred(u) && !extra.includes(u));
    for (const u of [
      pickKind((u) => u.kind === 'service'),
      pickKind((u) => u.kind === 'member' && !u.enabled),
      pickKind((u) => u.kind === 'guest'),
    ]) {
      if (u) extra.push(u);
    }
  }
  for (const u of rng.shuffle([...pool])) if (extra.length < gaCount - 1 && !extra.includes(u)) extra.push(u);
  for (const user of extra.slice(0, Math.max(0, gaCount - 1)))
    grants.push({ role: ROLES.globalAdmin, user, kind: 'permanent' });

  for (const role of ALL_ROLES) {
    if (role === ROLES.globalAdmin) continue;
    for (const user of rng.shuffle([...pool]).slice(0, PER_ROLE[ctx.profile])) {
      const eligible = pim && rng.chance(ELIGIBLE_SHARE[ctx.profile]);
      grants.push({ role, user, kind: eligible ? 'eligible' : 'permanent' });
    }
  }
  // With PIM, one eligible admin has activated Security Administrator for a few hours.
  const activatable = grants.find((g) => g.kind === 'eligible' && g.role === ROLES.securityAdmin);
  if (activatable) grants.push({ ...activatable, kind: 'activated' });
  return grants;
}

function roleDefinition(r: RoleTemplate): GraphObject {
  return {
    id: r.id,
    description: r.description,
    displayName: r.displayName,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ['/'],
    templateId: r.id,
    version: '1',
    rolePermissions: [{ allowedResourceActions: r.actions, condition: null, excludedResourceActions: [] }],
  };
}

function scheduleInfo(ctx: GenContext, rng: Rng, g: Grant, start: number) {
  const now = ctx.clock.asOfMs;
  if (g.kind === 'activated') {
    return {
      startDateTime: ctx.clock.iso(now - 2 * 3_600_000),
      recurrence: null,
      expiration: {
        type: 'afterDuration',
        endDateTime: ctx.clock.iso(now + 6 * 3_600_000),
        duration: 'PT8H',
      },
    };
  }
  const expires = g.kind === 'eligible' && ctx.profile === 'hardened';
  return {
    startDateTime: ctx.clock.iso(start),
    recurrence: null,
    expiration: expires
      ? { type: 'afterDateTime', endDateTime: ctx.clock.iso(now + rng.int(30, 300) * DAY_MS), duration: null }
      : { type: 'noExpiration', endDateTime: null, duration: null },
  };
}

function assignmentSchedule(ctx: GenContext, rng: Rng, g: Grant): GraphObject {
  const id = rng.guid();
  const start = ctx.clock.asOfMs - rng.float(10, 900) * DAY_MS;
  return {
    id,
    principalId: g.user.id,
    roleDefinitionId: g.role.id,
    directoryScopeId: '/',
    appScopeId: null,
    createdUsing: id,
    createdDateTime: ctx.clock.iso(start),
    modifiedDateTime: null,
    status: 'Provisioned',
    assignmentType: g.kind === 'activated' ? 'Activated' : 'Assigned',
    memberType: 'Direct',
    scheduleInfo: scheduleInfo(ctx, rng, g, start),
  };
}

function eligibilitySchedule(ctx: GenContext, rng: Rng, g: Grant): GraphObject {
  const id = rng.guid();
  const start = ctx.clock.asOfMs - rng.float(10, 900) * DAY_MS;
  return {
    id,
    principalId: g.user.id,
    roleDefinitionId: g.role.id,
    directoryScopeId: '/',
    appScopeId: null,
    createdUsing: id,
    createdDateTime: ctx.clock.iso(start),
    modifiedDateTime: null,
    status: 'Provisioned',
    memberType: 'Direct',
    scheduleInfo: scheduleInfo(ctx, rng, g, start),
  };
}

/** Only activated roles (those with active members) appear in `/directoryRoles`. */
function buildDirectoryRoles(ctx: GenContext, rng: Rng, active: Grant[]): void {
  const out: GraphObject[] = [];
  for (const role of ALL_ROLES) {
    const members = [...new Set(active.filter((g) => g.role === role).map((g) => g.user.id))];
    if (members.length === 0) continue;
    const id = rng.guid();
    ctx.model.graph.directoryRoleMembers[id] = members;
    out.push({
      id,
      deletedDateTime: null,
      description: role.description,
      displayName: role.displayName,
      roleTemplateId: role.id,
    });
  }
  ctx.model.graph.collections.directoryRoles = out;
}

/** One PIM policy per role (`Directory_{tenant}_{guid}`), shaped like Graph's unifiedRoleManagementPolicy. */
function buildPimPolicies(ctx: GenContext, rng: Rng): void {
  const policies: GraphObject[] = [];
  const assignments: GraphObject[] = [];
  const approval: string[] = [];
  const noMfa: string[] = [];
  for (const role of ALL_ROLES) {
    const id = `Directory_${ctx.tenantId}_${rng.guid()}`;
    const needsApproval =
      ctx.profile === 'hardened' && (role === ROLES.globalAdmin || role === ROLES.privilegedRoleAdmin);
    const mfa = ctx.profile !== 'neglected';
    if (needsApproval) approval.push(role.id);
    if (!mfa) noMfa.push(role.id);
    policies.push({
      id,
      displayName: 'Directory',
      description: 'Directory',
      isOrganizationDefault: false,
      scopeId: '/',
      scopeType: 'DirectoryRole',
      lastModifiedDateTime: ctx.clock.daysAgo(rng.float(5, 400)),
      lastModifiedBy: null,
      rules: pimRules(ctx, mfa, needsApproval),
    });
    assignments.push({
      id: `${id}_${role.id}`,
      policyId: id,
      scopeId: '/',
      scopeType: 'DirectoryRole',
      roleDefinitionId: role.id,
    });
  }
  ctx.model.graph.collections['policies/roleManagementPolicies'] = policies;
  ctx.model.graph.collections['policies/roleManagementPolicyAssignments'] = assignments;
  ctx.planted.notes.pimRolesRequiringApproval = approval;
  ctx.planted.notes.pimRolesWithoutMfaOnActivation = noMfa;
}

function pimRules(ctx: GenContext, mfa: boolean, approval: boolean): unknown[] {
  const target = (caller: string, level: string) => ({
    caller,
    operations: ['All'],
    level,
    inheritableSettings: [],
    enforcedSettings: [],
  });
  const t = '#microsoft.graph.unifiedRoleManagementPolicy';
  return [
    {
      '@odata.type': `${t}ExpirationRule`,
      id: 'Expiration_Admin_Eligibility',
      isExpirationRequired: ctx.profile === 'hardened',
      maximumDuration: 'P180D',
      target: target('Admin', 'Eligibility'),
    },
    {
      '@odata.type': `${t}ExpirationRule`,
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: ctx.profile === 'neglected' ? 'PT24H' : 'PT8H',
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': `${t}EnablementRule`,
      id: 'Enablement_EndUser_Assignment',
      enabledRules: mfa ? ['MultiFactorAuthentication', 'Justification'] : ['Justification'],
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': `${t}ApprovalRule`,
      id: 'Approval_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      setting: {
        isApprovalRequired: approval,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: approval
              ? [
                  {
                    '@odata.type': '#microsoft.graph.singleUser',
                    isBackup: false,
                    userId: ctx.admin.id,
                    description: ctx.admin.displayName,
                  },
                ]
              : [],
            escalationApprovers: [],
          },
        ],
      },
    },
  ];
}
