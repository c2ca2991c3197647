/**
 * Four weeks of directory audits and a bounded sample of sign-ins (not one per user-day: the
 * product reads them as evidence, and 100,000 users must stay within the memory budget).
 * Shapes: graph/examples/directoryAudits.list.json and signIns.list.json.
 */
import type { GraphObject } from '../contract.ts';
import type { GenContext, UserMeta } from './context.ts';
import type { Rng } from './prng.ts';
import { DAY_MS } from './time.ts';

const AUDIT_DAYS = 28;

interface Activity {
  name: string;
  category: string;
  operationType: string;
  target: 'User' | 'Group' | 'Role' | 'Policy' | 'Application';
  service?: string;
}

const ACTIVITIES: readonly (readonly [Activity, number])[] = [
  [
    { name: 'Add member to group', category: 'GroupManagement', operationType: 'Assign', target: 'Group' },
    30,
  ],
  [{ name: 'Update user', category: 'UserManagement', operationType: 'Update', target: 'User' }, 25],
  [{ name: 'Add user', category: 'UserManagement', operationType: 'Add', target: 'User' }, 6],
  [{ name: 'Reset user password', category: 'UserManagement', operationType: 'Update', target: 'User' }, 8],
  [{ name: 'Disable account', category: 'UserManagement', operationType: 'Update', target: 'User' }, 3],
  [{ name: 'Change user license', category: 'UserManagement', operationType: 'Update', target: 'User' }, 6],
  [{ name: 'Add member to role', category: 'RoleManagement', operationType: 'Assign', target: 'Role' }, 2],
  [
    {
      name: 'Update conditional access policy',
      category: 'Policy',
      operationType: 'Update',
      target: 'Policy',
      service: 'Conditional Access',
    },
    1,
  ],
  [
    {
      name: 'Consent to application',
      category: 'ApplicationManagement',
      operationType: 'Assign',
      target: 'Application',
    },
    2,
  ],
  [
    {
      name: 'Update application – Certificates and secrets management ',
      category: 'ApplicationManagement',
      operationType: 'Update',
      target: 'Application',
    },
    2,
  ],
];

export function buildDirectoryAudits(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('directoryAudits');
  const perDay = Math.min(300, 10 + Math.round(ctx.users.length / 50));
  const c = ctx.model.graph.collections;
  const admins = ctx.users.filter((u) => u.isAdmin && u.enabled && u.kind !== 'breakGlass');
  const out: GraphObject[] = [];
  for (let day = AUDIT_DAYS - 1; day >= 0; day--) {
    for (let i = 0; i < perDay; i++) {
      const activity = rng.weighted(ACTIVITIES);
      const at = ctx.clock.asOfMs - (day + rng.next()) * DAY_MS;
      const actor = admins.length > 0 ? rng.pick(admins) : ctx.admin;
      out.push(audit(rng, activity, at, actor, targetOf(ctx, rng, activity, c)));
    }
  }
  return out
    .sort((a, b) => (a.activityDateTime as string).localeCompare(b.activityDateTime as string))
    .reverse();
}

function targetOf(
  ctx: GenContext,
  rng: Rng,
  a: Activity,
  c: GenContext['model']['graph']['collections'],
): GraphObject {
  const pick = (list: GraphObject[]) =>
    list.length > 0 ? rng.pick(list) : { id: ctx.tenantId, displayName: ctx.displayName };
  const obj =
    a.target === 'Group'
      ? pick(c.groups)
      : a.target === 'Role'
        ? pick(c.directoryRoles)
        : a.target === 'Policy'
          ? pick(c['identity/conditionalAccess/policies'])
          : a.target === 'Application'
            ? pick(c.servicePrincipals)
            : pick(c.users);
  return {
    id: obj.id,
    displayName: (obj.displayName as string | undefined) ?? null,
    type: a.target,
    userPrincipalName: a.target === 'User' ? ((obj.userPrincipalName as string | undefined) ?? null) : null,
    groupType:
      a.target === 'Group'
        ? (obj.groupTypes as string[] | undefined)?.includes('Unified')
          ? 'unifiedGroups'
          : 'azureAD'
        : null,
    modifiedProperties: [],
  };
}

function audit(rng: Rng, a: Activity, at: number, actor: UserMeta, target: GraphObject): GraphObject {
  return {
    // Entra's audit ids look like `Directory_{correlation}_{5 chars}_{8 digits}`.
    id: `Directory_${rng.guid()}_${rng.base62(5).toUpperCase()}_${rng.int(10000000, 99999999)}`,
    category: a.category,
    correlationId: rng.guid(),
    result: rng.chance(0.97) ? 'success' : 'failure',
    resultReason: '',
    activityDisplayName: a.name,
    activityDateTime: new Date(at).toISOString(),
    loggedByService: a.service ?? 'Core Directory',
    operationType: a.operationType,
    initiatedBy: {
      app: null,
      user: {
        id: actor.id,
        displayName: null,
        userPrincipalName: actor.upn,
        ipAddress: `203.0.113.${rng.int(1, 254)}`,
      },
    },
    targetResources: [target],
    additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' }],
  };
}

const CLIENT_APPS: readonly (readonly [string, number])[] = [
  ['Browser', 55],
  ['Mobile Apps and Desktop clients', 40],
  ['Exchange ActiveSync', 2],
  ['IMAP4', 1],
  ['Authenticated SMTP', 2],
];
const LEGACY = new Set(['Exchange ActiveSync', 'IMAP4', 'Authenticated SMTP']);
const APPS = [
  { appId: '00000002-0000-0ff1-ce00-000000000000', name: 'Office 365 Exchange Online' },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', name: 'Microsoft Teams' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', name: 'Office 365 SharePoint Online' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', name: 'Azure Portal' },
];

/** A sample of up to 5,000 sign-ins over the last 7 days, interactive and not. */
export function buildSignIns(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('signIns');
  const recent = ctx.users.filter(
    (u) => u.lastInteractiveMs !== null && ctx.clock.asOfMs - u.lastInteractiveMs < 7 * DAY_MS,
  );
  if (recent.length === 0) return [];
  const count = Math.min(5000, Math.max(50, ctx.users.length));
  const policies = ctx.model.graph.collections['identity/conditionalAccess/policies'];
  const out: GraphObject[] = [];
  for (let i = 0; i < count; i++) out.push(signIn(ctx, rng, rng.pick(recent), policies));
  return out.sort((a, b) => (b.createdDateTime as string).localeCompare(a.createdDateTime as string));
}

function signIn(ctx: GenContext, rng: Rng, u: UserMeta, policies: GraphObject[]): GraphObject {
  const client =
    ctx.profile === 'hardened'
      ? rng.pick(['Browser', 'Mobile Apps and Desktop clients'])
      : rng.weighted(CLIENT_APPS);
  const app = rng.pick(APPS);
  const at = ctx.clock.asOfMs - rng.next() * 7 * DAY_MS;
  const failed = rng.chance(0.06);
  const enforced = policies.filter((p) => p.state === 'enabled');
  return {
    id: rng.guid(),
    createdDateTime: new Date(at).toISOString(),
    userDisplayName: u.displayName,
    userPrincipalName: u.upn,
    userId: u.id,
    appId: app.appId,
    appDisplayName: app.name,
    ipAddress: `198.51.100.${rng.int(1, 254)}`,
    clientAppUsed: client,
    correlationId: rng.guid(),
    conditionalAccessStatus: enforced.length === 0 ? 'notApplied' : failed ? 'failure' : 'success',
    isInteractive: client === 'Browser' || rng.chance(0.5),
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes_v2: [],
    resourceDisplayName: app.name,
    resourceId: app.appId,
    status: failed
      ? {
          errorCode: 50126,
          failureReason: 'Error validating credentials due to invalid username or password.',
          additionalDetails: null,
        }
      : {
          errorCode: 0,
          failureReason: null,
          additionalDetails: LEGACY.has(client) ? 'Legacy authentication' : null,
        },
    deviceDetail: {
      deviceId: '',
      displayName: null,
      operatingSystem: rng.pick(['Windows 10', 'MacOs', 'Ios', 'Android']),
      browser: rng.pick(['Edge 126.0.0', 'Chrome 127.0.0', 'Safari 17.5']),
      isCompliant: null,
      isManaged: null,
      trustType: null,
    },
    location: {
      city: 'Seattle',
      state: 'Washington',
      countryOrRegion: 'US',
      geoCoordinates: { altitude: null, latitude: 47.6062, longitude: -122.3321 },
    },
    appliedConditionalAccessPolicies: enforced.slice(0, 3).map((p) => ({
      id: p.id,
      displayName: p.displayName,
      enforcedGrantControls: (
        (p.grantControls as { builtInControls?: string[] } | null)?.builtInControls ?? []
      ).map((c) => (c === 'mfa' ? 'Mfa' : c)),
      enforcedSessionControls: [],
      result: failed ? 'failure' : 'success',
    })),
  };
}
