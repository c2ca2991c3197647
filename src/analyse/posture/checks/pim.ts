/**
 * Privileged Identity Management (Entra ID P2): standing assignments and what activating a role
 * requires. Rule ids and shapes: Microsoft Learn "Rules in PIM - mapping guide"
 * (unifiedRoleManagementPolicyRule ids such as Approval_EndUser_Assignment).
 */
import type { CheckImpl } from '../define-check.ts';
import type { CheckContext, Evidence } from '../posture-types.ts';
import { ROLE } from '../settings.ts';
import type { Raw, SnapshotView } from '../snapshot-view.ts';
import { noneMayFail, notApplicable, pass } from './common.ts';
import { principalEvidence } from './roles.ts';

interface Rule extends Raw {
  id: string;
  setting?: { isApprovalRequired?: boolean };
  enabledRules?: string[];
  isEnabled?: boolean;
  maximumDuration?: string;
  notificationRecipients?: string[];
}
interface PolicyAssignment {
  id: string;
  roleDefinitionId: string;
  policy?: { id?: string; rules?: Rule[] } | null;
}
interface Schedule {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  assignmentType?: string;
  scheduleInfo?: { expiration?: { type?: string; endDateTime?: string | null } | null } | null;
}

const PIM_PORTAL =
  'Entra admin center > Identity governance > Privileged Identity Management > Microsoft Entra roles > Settings';
const PIM_AUTOMATION =
  'PATCH /policies/roleManagementPolicies/{id}/rules/{ruleId} (Update-MgPolicyRoleManagementPolicyRule)';
const remediation = { portal: PIM_PORTAL, automation: PIM_AUTOMATION };
const ROLE_NAMES: Record<string, string> = {
  [ROLE.globalAdmin]: 'Global Administrator',
  [ROLE.privilegedRoleAdmin]: 'Privileged Role Administrator',
};

function rulesByRole(view: SnapshotView): Map<string, Rule[]> {
  return view.memo(
    'pimRules',
    (v) =>
      new Map(
        v
          .items<PolicyAssignment>('roleManagementPolicyAssignments')
          .map((a) => [a.roleDefinitionId.toLowerCase(), a.policy?.rules ?? []]),
      ),
  );
}

const rule = (rules: Rule[], id: string) => rules.find((r) => r.id === id);
const roleEvidence = (roleId: string, properties: Record<string, unknown>): Evidence => ({
  type: 'roleManagementPolicy',
  id: roleId,
  name: ROLE_NAMES[roleId] ?? roleId,
  properties,
});

/** Hours in an ISO 8601 duration such as PT8H or P1D (days and hours only, as PIM writes them). */
export function durationHours(d: string | undefined): number | undefined {
  const m = d ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(d) : null;
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60;
}

/** One PIM rule judged for each role in `roles`; roles without a policy in the snapshot are skipped. */
function perRole(
  id: string,
  rationale: string,
  roles: (ctx: CheckContext) => string[],
  judge: (rules: Rule[]) => Record<string, unknown> | undefined,
  what: string,
): CheckImpl {
  return {
    id,
    rationale,
    remediation,
    datasets: ['roleManagementPolicyAssignments'],
    evaluate: (ctx) => {
      const byRole = rulesByRole(ctx.view);
      const present = roles(ctx).filter((r) => byRole.has(r.toLowerCase()));
      if (present.length === 0) return notApplicable('No PIM policy for these roles is in the snapshot.');
      const bad = present.flatMap((r) => {
        const wrong = judge(byRole.get(r.toLowerCase())!);
        return wrong ? [roleEvidence(r, wrong)] : [];
      });
      return noneMayFail(bad, what, `All ${present.length} role policies comply.`);
    },
  };
}

const privileged = (ctx: CheckContext) => ctx.settings.thresholds.privilegedRoleIds;
const approval = (rules: Rule[]) => {
  const r = rule(rules, 'Approval_EndUser_Assignment');
  return r?.setting?.isApprovalRequired === true
    ? undefined
    : { isApprovalRequired: r?.setting?.isApprovalRequired ?? null };
};
const recipients = (ids: string[]) => (rules: Rule[]) => {
  const missing = ids.filter((id) => (rule(rules, id)?.notificationRecipients ?? []).length === 0);
  return missing.length ? { rulesWithoutRecipients: missing } : undefined;
};

export const pimChecks: CheckImpl[] = [
  perRole(
    'rol-ga-activation-approval',
    'Activating Global Administrator should need a second person (MS.AAD.7.6v1).',
    () => [ROLE.globalAdmin],
    approval,
    'roles can be activated without approval',
  ),
  perRole(
    'rol-pra-activation-approval',
    'Privileged Role Administrator can grant any role, so its activation needs approval too.',
    () => [ROLE.privilegedRoleAdmin],
    approval,
    'roles can be activated without approval',
  ),
  perRole(
    'rol-activation-mfa-justification',
    'Activation should prove who asks (MFA or an authentication context) and why (justification).',
    privileged,
    (rules) => {
      const enabled = rule(rules, 'Enablement_EndUser_Assignment')?.enabledRules ?? [];
      const context = rule(rules, 'AuthenticationContext_EndUser_Assignment')?.isEnabled === true;
      return (enabled.includes('MultiFactorAuthentication') || context) && enabled.includes('Justification')
        ? undefined
        : { enabledRules: enabled, authenticationContext: context };
    },
    'privileged roles can be activated without MFA and justification',
  ),
  perRole(
    'rol-activation-duration',
    'Activations longer than a working day turn just-in-time access back into standing access.',
    privileged,
    (rules) => {
      const d = rule(rules, 'Expiration_EndUser_Assignment')?.maximumDuration;
      const h = durationHours(d);
      return h !== undefined && h <= 8 ? undefined : { maximumDuration: d ?? null };
    },
    'privileged roles can be activated for more than 8 hours',
  ),
  perRole(
    'rol-assignment-alerts',
    'Someone must hear about every new eligible or active privileged assignment (MS.AAD.7.7v1).',
    privileged,
    recipients(['Notification_Admin_Admin_Assignment', 'Notification_Admin_Admin_Eligibility']),
    'privileged roles send no assignment alert to a named recipient',
  ),
  perRole(
    'rol-ga-activation-alert',
    'Every Global Administrator activation should alert a monitored mailbox (MS.AAD.7.8v1).',
    () => [ROLE.globalAdmin],
    recipients(['Notification_Admin_EndUser_Assignment']),
    'roles send no activation alert to a named recipient',
  ),
  perRole(
    'rol-priv-activation-alert',
    'Activations of the other privileged roles should alert too (MS.AAD.7.9v1).',
    (ctx) => privileged(ctx).filter((r) => r !== ROLE.globalAdmin),
    recipients(['Notification_Admin_EndUser_Assignment']),
    'privileged roles send no activation alert to a named recipient',
  ),
  {
    id: 'rol-no-permanent-active-privileged',
    rationale:
      'Standing privileged access is always available to an attacker; use eligible assignments (MS.AAD.7.4v1).',
    remediation: {
      portal: `${PIM_PORTAL} > Assignments`,
      automation:
        'POST /roleManagement/directory/roleEligibilityScheduleRequests, then remove the active assignment',
    },
    notes: "Declared break-glass accounts are exempt, as ScubaGear's RoleExclusions allow.",
    datasets: ['roleAssignmentSchedules', 'users'],
    evaluate: (ctx) => {
      const priv = new Set(privileged(ctx).map((r) => r.toLowerCase()));
      const bad = ctx.view
        .items<Schedule>('roleAssignmentSchedules')
        .filter((s) => priv.has(s.roleDefinitionId.toLowerCase()) && s.assignmentType !== 'Activated')
        .filter(
          (s) =>
            !s.scheduleInfo?.expiration?.endDateTime && s.scheduleInfo?.expiration?.type !== 'afterDuration',
        )
        .filter((s) => !ctx.breakGlass.ids.has(s.principalId.toLowerCase()))
        .map((s) =>
          principalEvidence(ctx.view, s.principalId.toLowerCase(), {
            roleDefinitionId: s.roleDefinitionId,
            expiration: 'noExpiration',
          }),
        );
      return noneMayFail(
        bad,
        'permanent active privileged assignments',
        'No permanent active privileged assignment (break-glass exempt).',
      );
    },
  },
  {
    id: 'rol-assignments-via-pim-only',
    rationale: 'Assignments made outside PIM skip its approval, expiry and alerting (MS.AAD.7.5v1).',
    remediation: {
      portal: `${PIM_PORTAL} > Assignments`,
      automation: 'Re-create the assignment through roleAssignmentScheduleRequests',
    },
    datasets: ['roleAssignments', 'roleAssignmentSchedules', 'users'],
    evaluate: (ctx) => {
      const priv = new Set(privileged(ctx).map((r) => r.toLowerCase()));
      const key = (p: string, r: string) => `${p.toLowerCase()}|${r.toLowerCase()}`;
      const scheduled = new Set(
        ctx.view
          .items<Schedule>('roleAssignmentSchedules')
          .map((s) => key(s.principalId, s.roleDefinitionId)),
      );
      const bad = ctx.view
        .items<Schedule>('roleAssignments')
        .filter(
          (a) =>
            priv.has(a.roleDefinitionId.toLowerCase()) &&
            !scheduled.has(key(a.principalId, a.roleDefinitionId)),
        )
        .filter((a) => !ctx.breakGlass.ids.has(a.principalId.toLowerCase()))
        .map((a) =>
          principalEvidence(ctx.view, a.principalId.toLowerCase(), { roleDefinitionId: a.roleDefinitionId }),
        );
      return bad.length
        ? noneMayFail(bad, 'privileged assignments were made outside PIM', '')
        : pass('Every privileged assignment has a PIM schedule.');
    },
  },
];
