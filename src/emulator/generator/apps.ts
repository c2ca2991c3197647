/**
 * Applications and service principals: Microsoft's first-party SPs (Microsoft Graph with its app
 * roles), Tenantscope's own SP, in-house app registrations with secrets and certificates, and
 * third-party multi-tenant apps; app role assignments on Graph and delegated permission grants.
 */
import type { GraphObject } from '../contract.ts';
import {
  FIRST_PARTY_APPS,
  GRAPH_APP_ID,
  GRAPH_APP_ROLES,
  GRAPH_DELEGATED_SCOPES,
  MICROSOFT_TENANT_ID,
  TENANTSCOPE_APP_ROLES,
} from './catalog/graph-permissions.ts';
import { IN_HOUSE_APP_PURPOSES, THIRD_PARTY_APPS } from './catalog/names.ts';
import type { GenContext } from './context.ts';
import type { Rng } from './prng.ts';
import { countOf } from './profile.ts';
import { DAY_MS } from './time.ts';

/** Risky application permissions planted on in-house and third-party apps (neglected first). */
const RISKY_ROLE_PLAN = [
  'Mail.Send',
  'Mail.Read',
  'Files.ReadWrite.All',
  'Directory.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'Application.ReadWrite.All',
];
const RISKY_SCOPE_PLAN = [
  'User.Read Mail.Read offline_access',
  'User.Read Files.ReadWrite.All offline_access',
  'Mail.ReadWrite Mail.Send',
  'Directory.ReadWrite.All',
];
const SAFE_ROLES = ['User.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Sites.Read.All'];

interface SpRef {
  id: string;
  displayName: string;
}

export function buildApps(ctx: GenContext, tenantscope: { clientId: string; displayName: string }): void {
  const rng = ctx.rng.stream('apps');
  const c = ctx.model.graph.collections;
  const sps: GraphObject[] = FIRST_PARTY_APPS.map((a) => firstPartySp(ctx, rng, a.appId, a.displayName));
  const graphSp = { id: ctx.firstPartySp.get(GRAPH_APP_ID)!, displayName: 'Microsoft Graph' };
  const assigned: GraphObject[] = [];
  const risky: string[] = [];
  const grant = (principal: SpRef, role: string, isRisky: boolean) => {
    const a = appRoleAssignment(ctx, rng, principal, graphSp, GRAPH_APP_ROLES[role]!);
    assigned.push(a);
    if (isRisky) risky.push(a.id);
  };

  const ts = servicePrincipal(
    rng,
    tenantscope.clientId,
    tenantscope.displayName,
    rng.guid(),
    'AzureADMultipleOrgs',
  );
  sps.push(ts);
  for (const role of TENANTSCOPE_APP_ROLES) grant(spRef(ts), role, false);

  const apps = buildInHouseApps(ctx, rng);
  c.applications = apps.map((a) => a.app);
  const riskyRoles = riskyRoleCount(ctx);
  apps.forEach((a, i) => {
    const sp = servicePrincipal(
      rng,
      a.app.appId as string,
      a.app.displayName as string,
      ctx.tenantId,
      'AzureADMyOrg',
    );
    sps.push(sp);
    for (const role of a.roles) grant(spRef(sp), role, false);
    if (i < riskyRoles.inHouse) grant(spRef(sp), RISKY_ROLE_PLAN[i % RISKY_ROLE_PLAN.length]!, true);
  });

  const grants: GraphObject[] = [];
  const thirdParty = THIRD_PARTY_APPS.slice(
    0,
    Math.min(THIRD_PARTY_APPS.length, 3 + Math.round(ctx.users.length / 2000)),
  );
  thirdParty.forEach((name, i) => {
    const sp = servicePrincipal(rng, rng.guid(), name, rng.guid(), 'AzureADMultipleOrgs');
    sps.push(sp);
    if (i < riskyRoles.thirdParty) grant(spRef(sp), RISKY_ROLE_PLAN[(i + 2) % RISKY_ROLE_PLAN.length]!, true);
    const riskyScope = i < riskyRoles.delegated;
    const g = oauthGrant(
      rng,
      sp.id,
      graphSp.id,
      riskyScope ? RISKY_SCOPE_PLAN[i % RISKY_SCOPE_PLAN.length]! : 'User.Read openid profile',
      riskyScope || rng.chance(0.3) ? null : rng.pick(ctx.users).id,
    );
    grants.push(g);
    if (riskyScope) risky.push(g.id);
  });
  for (const sp of sps.filter((s) => s.appOwnerOrganizationId === ctx.tenantId).slice(0, 5)) {
    grants.push(oauthGrant(rng, sp.id, graphSp.id, 'User.Read openid profile offline_access', null));
  }
  c.servicePrincipals = sps;
  c.oauth2PermissionGrants = grants;
  ctx.model.graph.appRoleAssignedTo[graphSp.id] = assigned;
  ctx.planted.riskyConsentGrants = risky;
}

function riskyRoleCount(ctx: GenContext) {
  const n = ctx.knobs.riskyGrants;
  // typical: one in-house app that sends mail; neglected: several apps and tenant-wide grants.
  return ctx.profile === 'neglected'
    ? { inHouse: 2, thirdParty: n - 2, delegated: n }
    : { inHouse: n, thirdParty: 0, delegated: 0 };
}

const spRef = (sp: GraphObject): SpRef => ({ id: sp.id, displayName: sp.displayName as string });

function firstPartySp(ctx: GenContext, rng: Rng, appId: string, displayName: string): GraphObject {
  const sp = servicePrincipal(rng, appId, displayName, MICROSOFT_TENANT_ID, 'AzureADMultipleOrgs');
  ctx.firstPartySp.set(appId, sp.id);
  if (appId === GRAPH_APP_ID) {
    sp.appRoles = Object.entries(GRAPH_APP_ROLES).map(([value, id]) => ({
      allowedMemberTypes: ['Application'],
      description: `Application permission ${value} (without a signed-in user).`,
      displayName: value,
      id,
      isEnabled: true,
      origin: 'Application',
      value,
    }));
    sp.oauth2PermissionScopes = Object.entries(GRAPH_DELEGATED_SCOPES).map(([value, id]) => ({
      adminConsentDescription: `Delegated permission ${value}.`,
      adminConsentDisplayName: value,
      id,
      isEnabled: true,
      origin: 'Application',
      type: value.includes('All') ? 'Admin' : 'User',
      userConsentDescription: `Delegated permission ${value}.`,
      userConsentDisplayName: value,
      value,
    }));
  }
  return sp;
}

function servicePrincipal(
  rng: Rng,
  appId: string,
  displayName: string,
  owner: string,
  audience: string,
): GraphObject {
  return {
    id: rng.guid(),
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: displayName,
    appDescription: null,
    appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: owner,
    appRoleAssignmentRequired: false,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    replyUrls: [],
    servicePrincipalNames: [appId],
    servicePrincipalType: 'Application',
    signInAudience: audience,
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
    tokenEncryptionKeyId: null,
    appRoles: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    keyCredentials: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
  };
}

function appRoleAssignment(
  ctx: GenContext,
  rng: Rng,
  principal: SpRef,
  resource: SpRef,
  appRoleId: string,
): GraphObject {
  return {
    id: rng.base64url(43),
    deletedDateTime: null,
    appRoleId,
    createdDateTime: ctx.clock.daysAgo(rng.float(5, 900)),
    principalDisplayName: principal.displayName,
    principalId: principal.id,
    principalType: 'ServicePrincipal',
    resourceDisplayName: resource.displayName,
    resourceId: resource.id,
  };
}

function oauthGrant(
  rng: Rng,
  clientId: string,
  resourceId: string,
  scope: string,
  principalId: string | null,
): GraphObject {
  return {
    id: rng.base64url(43),
    clientId,
    consentType: principalId ? 'Principal' : 'AllPrincipals',
    principalId,
    resourceId,
    scope,
  };
}

interface InHouseApp {
  app: GraphObject;
  roles: string[];
}

function buildInHouseApps(ctx: GenContext, rng: Rng): InHouseApp[] {
  const count = Math.min(200, 3 + Math.round(ctx.users.length / 500));
  const problems = countOf(count, ctx.knobs.credentialProblemRate, ctx.knobs.minProblem);
  const expiring: { appId: string; keyId: string; endDateTime: string }[] = [];
  const apps: InHouseApp[] = [];
  for (let i = 0; i < count; i++) {
    const appId = rng.guid();
    const name = `${ctx.displayName} ${IN_HOUSE_APP_PURPOSES[i % IN_HOUSE_APP_PURPOSES.length]}${i >= IN_HOUSE_APP_PURPOSES.length ? ` ${i + 1}` : ''}`;
    // Problem apps: the first half expired, the rest expiring within 30 days; others ≥ 60 days.
    const state = i < problems ? (i % 2 === 0 ? 'expired' : 'expiring') : 'healthy';
    const end =
      state === 'expired' ? -rng.float(1, 200) : state === 'expiring' ? rng.float(1, 29) : rng.float(60, 700);
    const cred = credential(ctx, rng, end, i % 3 === 2 ? 'key' : 'password');
    if (state !== 'healthy') expiring.push({ appId, keyId: cred.keyId, endDateTime: cred.endDateTime });
    const roles = rng.shuffle([...SAFE_ROLES]).slice(0, rng.int(1, 2));
    apps.push({ app: application(ctx, rng, appId, name, cred, roles), roles });
  }
  ctx.planted.expiringAppCredentials = expiring;
  ctx.planted.notes.expiredAppCredentials = expiring.filter(
    (e) => Date.parse(e.endDateTime) < ctx.clock.asOfMs,
  ).length;
  return apps;
}

interface Credential {
  kind: 'password' | 'key';
  keyId: string;
  endDateTime: string;
  object: Record<string, unknown>;
}

function credential(ctx: GenContext, rng: Rng, endDays: number, kind: 'password' | 'key'): Credential {
  const endMs = ctx.clock.asOfMs + endDays * DAY_MS;
  const start = ctx.clock.iso(endMs - (kind === 'key' ? 365 : 730) * DAY_MS);
  const end = ctx.clock.iso(endMs);
  const keyId = rng.guid();
  const object =
    kind === 'password'
      ? {
          customKeyIdentifier: null,
          displayName: 'client secret',
          endDateTime: end,
          hint: rng.base62(3),
          keyId,
          secretText: null,
          startDateTime: start,
        }
      : {
          customKeyIdentifier: rng.hex(40).toUpperCase(),
          displayName: 'CN=app-auth',
          endDateTime: end,
          key: null,
          keyId,
          startDateTime: start,
          type: 'AsymmetricX509Cert',
          usage: 'Verify',
        };
  return { kind, keyId, endDateTime: end, object };
}

function application(
  ctx: GenContext,
  rng: Rng,
  appId: string,
  name: string,
  cred: Credential,
  roles: string[],
): GraphObject {
  const { kind, object: credObject } = cred;
  const implicit = ctx.profile === 'neglected' && rng.chance(0.3);
  return {
    id: rng.guid(),
    deletedDateTime: null,
    appId,
    applicationTemplateId: null,
    createdDateTime: ctx.clock.daysAgo(rng.float(30, 1500)),
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: name,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    notes: null,
    publisherDomain: ctx.defaultDomain,
    serviceManagementReference: null,
    signInAudience: 'AzureADMyOrg',
    tags: [],
    tokenEncryptionKeyId: null,
    appRoles: [],
    passwordCredentials: kind === 'password' ? [credObject] : [],
    keyCredentials: kind === 'key' ? [credObject] : [],
    requiredResourceAccess: [
      {
        resourceAppId: GRAPH_APP_ID,
        resourceAccess: roles.map((r) => ({ id: GRAPH_APP_ROLES[r]!, type: 'Role' })),
      },
    ],
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: [
        `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.${ctx.defaultDomain}/signin-oidc`,
      ],
      implicitGrantSettings: { enableAccessTokenIssuance: implicit, enableIdTokenIssuance: implicit },
      redirectUriSettings: [],
    },
    spa: { redirectUris: [] },
    publicClient: { redirectUris: [] },
  };
}
