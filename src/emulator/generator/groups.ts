/**
 * `/groups` with members and owners: licence groups, an "all users" dynamic group, one M365
 * group per department, project groups (public or private, some with guests), security groups,
 * a role-assignable admin group and a Conditional Access exclusion group.
 */
import type { GraphObject } from '../contract.ts';
import { DEPARTMENTS, SITE_TOPICS } from './catalog/names.ts';
import { SKUS } from './catalog/skus.ts';
import type { GenContext, UserMeta } from './context.ts';
import type { Rng } from './prng.ts';
import { slugOf } from './roster.ts';

interface GroupSpec {
  id?: string;
  name: string;
  kind: 'unified' | 'security' | 'dynamic' | 'roleAssignable' | 'distribution';
  visibility?: 'Public' | 'Private';
  members: string[];
  owners: string[];
  licenceSkuId?: string;
  description?: string;
}

export function buildGroups(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('groups');
  const specs: GroupSpec[] = [];
  const people = ctx.users.filter((u) => u.kind === 'member' && u.enabled);
  const guests = ctx.users.filter((u) => u.kind === 'guest');
  const ids = (us: UserMeta[]) => us.map((u) => u.id);
  const owner = () => [ctx.admin.id];

  for (const [part, groupId] of ctx.licenceGroups) {
    const members = ctx.users.filter((u) => u.viaGroup.get(part) === groupId);
    specs.push({
      id: groupId,
      name: `LIC - ${SKUS[part].productName}`,
      kind: 'security',
      members: ids(members),
      owners: owner(),
      licenceSkuId: SKUS[part].skuId,
    });
  }
  specs.push({
    id: ctx.groups.allUsers,
    name: 'All Users',
    kind: 'dynamic',
    members: ids(ctx.users.filter((u) => u.kind !== 'guest')),
    owners: [],
  });
  specs.push({
    id: ctx.groups.admins,
    name: 'Tier 0 Admins',
    kind: 'roleAssignable',
    members: [],
    owners: owner(),
  });
  if (ctx.groups.caExclusions) {
    // Typical and neglected tenants exclude a growing group from MFA "temporarily".
    const size =
      ctx.profile === 'neglected'
        ? Math.max(2, Math.round(people.length * 0.08))
        : Math.max(1, Math.round(people.length * 0.02));
    specs.push({
      id: ctx.groups.caExclusions,
      name: 'CA - MFA exclusions',
      kind: 'security',
      members: ids(rng.shuffle([...people]).slice(0, size)),
      owners: owner(),
    });
  }
  const publicShare = ctx.profile === 'hardened' ? 0.1 : ctx.profile === 'typical' ? 0.4 : 0.8;
  for (const dept of DEPARTMENTS) {
    const members = people.filter((u) => u.department === dept.name);
    const sensitive = ['Finance', 'Legal', 'Human Resources'].includes(dept.name);
    const spec: GroupSpec = {
      name: `${dept.name} Team`,
      kind: 'unified',
      visibility:
        !sensitive && rng.chance(publicShare)
          ? 'Public'
          : sensitive && ctx.profile === 'neglected'
            ? 'Public'
            : 'Private',
      members: ids(members),
      owners: members.slice(0, 2).map((u) => u.id),
    };
    if (sensitive) {
      spec.id = rng.guid();
      ctx.groups.sensitive.push(spec.id);
    }
    specs.push(spec);
  }
  addProjectGroups(ctx, rng, specs, people, guests, publicShare);
  specs.push({
    name: 'All Staff',
    kind: 'distribution',
    members: ids(people.slice(0, 500)),
    owners: owner(),
  });
  return specs.map((s) => groupObject(ctx, rng, s));
}

function addProjectGroups(
  ctx: GenContext,
  rng: Rng,
  specs: GroupSpec[],
  people: UserMeta[],
  guests: UserMeta[],
  publicShare: number,
): void {
  const count = Math.min(3000, 3 + Math.round(ctx.users.length / 25));
  const guestShare = ctx.profile === 'hardened' ? 0.05 : ctx.profile === 'typical' ? 0.2 : 0.5;
  for (let i = 0; i < count; i++) {
    const topic = SITE_TOPICS[i % SITE_TOPICS.length]!;
    const unified = rng.chance(0.7);
    const size = Math.min(people.length, rng.int(3, 30));
    const start = rng.int(0, Math.max(0, people.length - size));
    const members = people.slice(start, start + size).map((u) => u.id);
    if (unified && guests.length > 0 && rng.chance(guestShare)) members.push(rng.pick(guests).id);
    specs.push({
      name: unified ? `Project ${topic} ${i + 1}` : `SG-${slugOf(topic)}-${i + 1}`,
      kind: unified ? 'unified' : 'security',
      visibility: unified ? (rng.chance(publicShare) ? 'Public' : 'Private') : undefined,
      members,
      owners: members.slice(0, rng.int(0, 2)),
    });
  }
}

function groupObject(ctx: GenContext, rng: Rng, s: GroupSpec): GraphObject {
  const id = s.id ?? rng.guid();
  ctx.model.graph.groupMembers[id] = s.members;
  ctx.model.graph.groupOwners[id] = s.owners;
  const unified = s.kind === 'unified';
  const mailEnabled = unified || s.kind === 'distribution';
  const nick = slugOf(s.name).slice(0, 40) || 'group';
  return {
    id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: ctx.clock.daysAgo(rng.float(30, 2000)),
    description: s.description ?? (s.kind === 'dynamic' ? 'Every member account' : null),
    displayName: s.name,
    expirationDateTime: null,
    groupTypes: unified ? ['Unified'] : s.kind === 'dynamic' ? ['DynamicMembership'] : [],
    isAssignableToRole: s.kind === 'roleAssignable' ? true : unified ? null : false,
    mail: mailEnabled ? `${nick}@${ctx.defaultDomain}` : null,
    mailEnabled,
    mailNickname: nick,
    membershipRule: s.kind === 'dynamic' ? '(user.userType -eq "Member")' : null,
    membershipRuleProcessingState: s.kind === 'dynamic' ? 'On' : null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: mailEnabled ? [`SMTP:${nick}@${ctx.defaultDomain}`] : [],
    renewedDateTime: ctx.clock.daysAgo(rng.float(1, 30)),
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: unified ? ['Team'] : [],
    securityEnabled: !unified && s.kind !== 'distribution',
    securityIdentifier: sidOf(id),
    theme: null,
    visibility: unified ? (s.visibility ?? 'Private') : null,
    assignedLicenses: s.licenceSkuId ? [{ disabledPlans: [], skuId: s.licenceSkuId }] : [],
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  };
}

/** Entra's group SID: S-1-12-1 followed by the object id as four little-endian 32-bit words. */
function sidOf(guid: string): string {
  const b = Buffer.from(guid.replaceAll('-', ''), 'hex');
  return `S-1-12-1-${b.readUInt32LE(0)}-${b.readUInt32LE(4)}-${b.readUInt32LE(8)}-${b.readUInt32LE(12)}`;
}
