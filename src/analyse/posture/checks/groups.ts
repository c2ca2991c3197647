/**
 * Microsoft 365 groups: creation and guest settings (directory setting "Group.Unified"), public
 * groups, dynamic rules, and the Copilot-readiness oversharing checks on group membership.
 * A tenant that never saved a Group.Unified setting runs on Microsoft's template defaults
 * (Microsoft Learn, "Microsoft Entra cmdlets for configuring group settings"), used below.
 */
import type { CheckImpl } from '../define-check.ts';
import type { CheckContext, Evidence } from '../posture-types.ts';
import type { Raw } from '../snapshot-view.ts';
import { directorySetting } from './app-policies.ts';
import { fail, named, noneMayFail, notApplicable, pass } from './common.ts';

interface Group extends Raw {
  id: string;
  displayName?: string;
  groupTypes?: string[];
  visibility?: string | null;
  isAssignableToRole?: boolean | null;
  membershipRule?: string | null;
}
interface Member {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  userType?: string | null;
}

/** Group.Unified template defaults, used when the tenant has no such setting object. */
const UNIFIED_DEFAULTS: Record<string, string> = {
  EnableGroupCreation: 'true',
  GroupCreationAllowedGroupId: '',
  AllowGuestsToBeGroupOwner: 'false',
  AllowGuestsToAccessGroups: 'true',
  AllowToAddGuests: 'true',
  PrefixSuffixNamingRequirement: '',
  CustomBlockedWordsList: '',
  EnableMIPLabels: 'false',
};
const GROUPS_PORTAL = 'Entra admin center > Identity > Groups > General';
const SETTINGS_AUTOMATION =
  'POST/PATCH /groupSettings (template 62375ab9-6b52-47ed-826b-58e47e0e304b "Group.Unified"); New-MgGroupSetting';

const unified = (ctx: CheckContext, name: string): string =>
  directorySetting(ctx.view.items<Raw>('groupSettings'), 'Group.Unified', name) ??
  UNIFIED_DEFAULTS[name] ??
  '';
const settingEvidence = (values: Record<string, string>): Evidence[] => [
  { type: 'directorySetting', id: 'Group.Unified', name: 'Group.Unified', properties: values },
];

function unifiedCheck(
  id: string,
  names: string[],
  ok: (v: Record<string, string>) => boolean,
  rationale: string,
  summary: string,
): CheckImpl {
  return {
    id,
    rationale,
    remediation: { portal: GROUPS_PORTAL, automation: SETTINGS_AUTOMATION },
    notes: "Without a Group.Unified setting object, Microsoft's template defaults apply.",
    datasets: ['groupSettings'],
    evaluate: (ctx) => {
      const values = Object.fromEntries(names.map((n) => [n, unified(ctx, n)]));
      return ok(values)
        ? pass(`${summary}: yes.`, settingEvidence(values))
        : fail(`${summary}: no.`, settingEvidence(values));
    },
  };
}

const isUnified = (g: Group) => (g.groupTypes ?? []).includes('Unified');
const guestsIn = (ctx: CheckContext, groupId: string): Member[] =>
  (ctx.view.relation<Member>('groupMembers').get(groupId) ?? []).filter((m) => m.userType === 'Guest');
const guestNames = (guests: Member[]) => guests.map((m) => m.userPrincipalName ?? m.displayName ?? m.id);

export const groupChecks: CheckImpl[] = [
  unifiedCheck(
    'grp-creation-restricted',
    ['EnableGroupCreation', 'GroupCreationAllowedGroupId'],
    (v) => v.EnableGroupCreation?.toLowerCase() === 'false' && Boolean(v.GroupCreationAllowedGroupId),
    'When anyone can create Microsoft 365 groups, teams and sites multiply without owners or classification.',
    'Group creation is limited to a named group',
  ),
  unifiedCheck(
    'grp-guests-not-owners',
    ['AllowGuestsToBeGroupOwner'],
    (v) => v.AllowGuestsToBeGroupOwner?.toLowerCase() !== 'true',
    'A guest owner controls membership of your group and its data.',
    'Guests cannot own groups',
  ),
  unifiedCheck(
    'grp-naming-policy',
    ['PrefixSuffixNamingRequirement', 'CustomBlockedWordsList'],
    (v) => Boolean(v.PrefixSuffixNamingRequirement || v.CustomBlockedWordsList),
    'A naming policy keeps groups recognisable and blocks misleading names ("CEO", "Payroll").',
    'A group naming policy is set',
  ),
  unifiedCheck(
    'grp-sensitivity-labels-enabled',
    ['EnableMIPLabels'],
    (v) => v.EnableMIPLabels?.toLowerCase() === 'true',
    'Sensitivity labels on groups carry privacy and guest rules to the group and its site.',
    'Sensitivity labels can be applied to groups',
  ),
  {
    ...unifiedCheck(
      'grp-guest-access-setting',
      ['AllowGuestsToAccessGroups', 'AllowToAddGuests'],
      () => true,
      'Know whether guests can be added to and access Microsoft 365 groups.',
      'Guest access settings read',
    ),
  },
  {
    id: 'grp-public-groups-approved',
    rationale: 'Anyone in the organisation can join a public group and read its files and conversations.',
    remediation: {
      portal: 'Microsoft 365 admin center > Teams & groups > Active teams & groups > (group) > Privacy',
      automation: 'PATCH /groups/{id} {"visibility":"Private"}',
    },
    notes: 'Approved public groups: thresholds.approvedPublicGroups (ids or display names).',
    datasets: ['groups'],
    evaluate: ({ view, settings }) => {
      const approved = new Set(settings.thresholds.approvedPublicGroups.map((x) => x.toLowerCase()));
      return noneMayFail(
        view
          .items<Group>('groups')
          .filter(
            (g) =>
              isUnified(g) &&
              g.visibility === 'Public' &&
              !approved.has(g.id.toLowerCase()) &&
              !approved.has((g.displayName ?? '').toLowerCase()),
          )
          .map((g) => named('group', g, { visibility: 'Public' })),
        'public Microsoft 365 groups are not on the approved list',
        'Every public group is approved.',
      );
    },
  },
  {
    id: 'grp-dynamic-memberof-retiring',
    rationale:
      'Dynamic rules using memberOf are a preview feature with known limits; rules depending on it may stop updating.',
    remediation: {
      portal: 'Entra admin center > Groups > (group) > Dynamic membership rules',
      automation: 'PATCH /groups/{id} {"membershipRule":"…"}',
    },
    datasets: ['groups'],
    evaluate: ({ view }) => {
      const dynamic = view
        .items<Group>('groups')
        .filter((g) => (g.groupTypes ?? []).includes('DynamicMembership'));
      if (dynamic.length === 0) return notApplicable('No dynamic groups.');
      return noneMayFail(
        dynamic
          .filter((g) => /memberof/i.test(g.membershipRule ?? ''))
          .map((g) => named('group', g, { membershipRule: g.membershipRule })),
        'dynamic groups use memberOf',
        'No dynamic rule uses memberOf.',
      );
    },
  },
  {
    id: 'gst-dynamic-guest-group',
    rationale:
      'A dynamic group of all guests lets policies and access reviews target guests without lists going stale.',
    remediation: {
      portal: 'Entra admin center > Groups > New group (Dynamic User)',
      automation:
        'POST /groups {"groupTypes":["DynamicMembership"],"membershipRule":"(user.userType -eq \\"Guest\\")",…}',
    },
    datasets: ['groups'],
    evaluate: ({ view }) => {
      const found = view
        .items<Group>('groups')
        .filter(
          (g) =>
            (g.groupTypes ?? []).includes('DynamicMembership') &&
            /user\.userType\s+-eq\s+"?Guest"?/i.test(g.membershipRule ?? ''),
        );
      return found.length
        ? pass(
            `Dynamic guest group: ${found.map((g) => g.displayName).join(', ')}.`,
            found.map((g) => named('group', g)),
          )
        : fail('No dynamic group collects guests.', [
            { type: 'tenant', id: view.tenantId, name: 'Groups', properties: { dynamicGuestGroups: 0 } },
          ]);
    },
  },
  {
    id: 'grp-guest-members-inventory',
    rationale: 'Know which groups guests belong to; each is a path for data to leave.',
    remediation: {
      portal: 'Microsoft 365 admin center > Teams & groups',
      automation: "GET /groups/{id}/members?$filter=userType eq 'Guest'",
    },
    datasets: ['groups', 'groupMembers'],
    evaluate: (ctx) => {
      const rows = ctx.view
        .items<Group>('groups')
        .map((g) => ({ g, guests: guestsIn(ctx, g.id) }))
        .filter((x) => x.guests.length);
      return pass(
        `${rows.length} groups have guest members.`,
        rows.map(({ g, guests }) => named('group', g, { guests: guests.length })),
      );
    },
  },
  {
    id: 'cop-public-groups-with-guests',
    rationale:
      "Copilot answers from everything a user can open. A public group holding guests exposes the whole organisation's view of that group to outsiders, and its content to every member.",
    remediation: {
      portal: 'Microsoft 365 admin center > Teams & groups > (group) > Privacy: Private; review guests',
      automation: 'PATCH /groups/{id} {"visibility":"Private"}; DELETE /groups/{id}/members/{guestId}/$ref',
    },
    datasets: ['groups', 'groupMembers'],
    evaluate: (ctx) =>
      noneMayFail(
        ctx.view
          .items<Group>('groups')
          .filter((g) => isUnified(g) && g.visibility === 'Public')
          .map((g) => ({ g, guests: guestsIn(ctx, g.id) }))
          .filter((x) => x.guests.length)
          .map(({ g, guests }) => named('group', g, { visibility: 'Public', guests: guestNames(guests) })),
        'public Microsoft 365 groups have guest members',
        'No public group has guest members.',
      ),
  },
  {
    id: 'cop-guests-in-sensitive-groups',
    rationale:
      'Guests inside role-assignable or sensitive (finance, legal, HR…) groups see what those groups see, and Copilot will summarise it for them.',
    remediation: {
      portal: 'Entra admin center > Groups > (group) > Members',
      automation: 'DELETE /groups/{id}/members/{guestId}/$ref',
    },
    notes:
      'Sensitive: isAssignableToRole, or a display name containing a word of thresholds.sensitiveGroupKeywords.',
    datasets: ['groups', 'groupMembers'],
    evaluate: (ctx) => {
      const words = ctx.settings.thresholds.sensitiveGroupKeywords.map((w) => w.toLowerCase());
      const sensitive = (g: Group) => {
        const tokens = (g.displayName ?? '').toLowerCase().split(/[^a-z0-9]+/);
        const name = (g.displayName ?? '').toLowerCase();
        return (
          g.isAssignableToRole === true ||
          words.some((w) => (w.includes(' ') ? name.includes(w) : tokens.includes(w)))
        );
      };
      return noneMayFail(
        ctx.view
          .items<Group>('groups')
          .filter(sensitive)
          .map((g) => ({ g, guests: guestsIn(ctx, g.id) }))
          .filter((x) => x.guests.length)
          .map(({ g, guests }) =>
            named('group', g, {
              isAssignableToRole: g.isAssignableToRole ?? false,
              guests: guestNames(guests),
            }),
          ),
        'sensitive groups have guest members',
        'No sensitive group has guest members.',
      );
    },
  },
];
