/**
 * `generateTenant`: builds one deterministic tenant. Builders run in a fixed order because each
 * reads what the earlier ones decided (roster → licences → users → groups → roles → apps →
 * policies → reports → logs → SharePoint → ARM).
 */
import type { GraphCollections, TenantModel, TenantProfile } from '../contract.ts';
import { buildApps } from './apps.ts';
import { buildArm } from './arm/index.ts';
import { COMPANY_NAMES } from './catalog/names.ts';
import { entraPlanOf } from './catalog/skus.ts';
import { buildClients, buildSignInUsers } from './clients.ts';
import { buildConditionalAccess } from './conditional-access.ts';
import type { GenContext } from './context.ts';
import { buildGroups } from './groups.ts';
import { assignLicences, buildSubscribedSkus } from './licences.ts';
import { buildDirectoryAudits, buildSignIns } from './logs.ts';
import { buildDomains, buildOrganization } from './org.ts';
import { emptyPlanted, plantLicenceFacts } from './planted.ts';
import { Rng } from './prng.ts';
import { type EntraPlan, PROFILES, skuMix } from './profile.ts';
import { buildRegistrationDetails, buildRiskyUsers, buildUsageRows, decideMfa } from './reports.ts';
import { buildRoles } from './roles.ts';
import { buildRoster, slugOf } from './roster.ts';
import { buildSites, reportSettings, sharePointSettings } from './sharepoint.ts';
import {
  appManagementPolicies,
  authenticationMethodsPolicy,
  authorizationPolicy,
  defaultAppManagementPolicy,
  groupSettings,
  securityDefaults,
} from './tenant-policies.ts';
import { Clock } from './time.ts';
import { buildUsers } from './users.ts';

export interface GenerateSpec {
  /** 10 to 100,000 */
  users: number;
  profile: TenantProfile;
  seed: string | number;
  /** organisation name; default picked from the seed */
  name?: string;
  /** ISO instant every date is relative to; default 2026-11-01T00:00:00Z */
  asOf?: string;
  /** override the profile's Entra plan (hardened P2, typical P1, neglected P1); SKUs follow */
  entraPlan?: EntraPlan;
}

export const DEFAULT_AS_OF = '2026-11-01T00:00:00Z';

export function generateTenant(spec: GenerateSpec): TenantModel {
  const ctx = createContext(spec);
  buildRoster(ctx, spec.users);
  assignLicences(ctx);
  const c = ctx.model.graph.collections;
  c.users = buildUsers(ctx);
  c.subscribedSkus = buildSubscribedSkus(ctx);
  c.organization = buildOrganization(ctx);
  c.domains = buildDomains(ctx);
  c.groups = buildGroups(ctx);
  buildRoles(ctx);
  ctx.model.clients = buildClients(ctx);
  ctx.model.signInUsers = buildSignInUsers(ctx);
  buildApps(ctx, ctx.model.clients[0]!);
  buildConditionalAccess(ctx);
  c['policies/appManagementPolicies'] = appManagementPolicies(ctx);
  c.groupSettings = groupSettings(ctx);
  decideMfa(ctx);
  c['reports/authenticationMethods/userRegistrationDetails'] = buildRegistrationDetails(ctx);
  c['identityProtection/riskyUsers'] = buildRiskyUsers(ctx);
  c['auditLogs/directoryAudits'] = buildDirectoryAudits(ctx);
  c['auditLogs/signIns'] = buildSignIns(ctx);
  c.sites = buildSites(ctx);
  ctx.model.graph.singletons = {
    'policies/authorizationPolicy': authorizationPolicy(ctx),
    'policies/authenticationMethodsPolicy': authenticationMethodsPolicy(ctx),
    'policies/identitySecurityDefaultsEnforcementPolicy': securityDefaults(ctx),
    'policies/defaultAppManagementPolicy': defaultAppManagementPolicy(ctx),
    'admin/sharepoint/settings': sharePointSettings(ctx),
    'admin/reportSettings': reportSettings(ctx),
  };
  ctx.model.graph.usageReports = { getOffice365ActiveUserDetail: buildUsageRows(ctx) };
  ctx.model.arm = buildArm(ctx);
  plantLicenceFacts(ctx);
  checkPlan(ctx);
  return ctx.model;
}

function validate(spec: GenerateSpec): void {
  if (!Number.isInteger(spec.users) || spec.users < 10 || spec.users > 100_000) {
    throw new RangeError(`users must be an integer from 10 to 100000 (got ${spec.users})`);
  }
  if (!(spec.profile in PROFILES)) throw new RangeError(`unknown profile: ${String(spec.profile)}`);
  if (spec.entraPlan !== undefined && !['free', 'P1', 'P2'].includes(spec.entraPlan))
    throw new RangeError(`unknown entraPlan: ${spec.entraPlan}`);
}

function createContext(spec: GenerateSpec): GenContext {
  validate(spec);
  const seed = String(spec.seed);
  const rng = new Rng(seed);
  const ids = rng.stream('tenant');
  const knobs = PROFILES[spec.profile];
  const plan = spec.entraPlan ?? knobs.defaultPlan;
  const tenantId = ids.guid();
  const displayName = spec.name ?? ids.pick(COMPANY_NAMES);
  const slug = slugOf(displayName).slice(0, 20) || 'tenant';
  // A short suffix keeps the initial domain unique between tenants of one emulator.
  const initialDomain = `${slug}${ids.hex(4)}.onmicrosoft.com`;
  const model = emptyModel(spec, seed, tenantId, displayName, initialDomain, plan);
  return {
    rng,
    clock: new Clock(model.asOf),
    profile: spec.profile,
    knobs,
    plan,
    mix: skuMix(spec.profile, plan, spec.users),
    tenantId,
    displayName,
    slug,
    initialDomain,
    defaultDomain: `${slug}.com`,
    users: [],
    admin: undefined as never,
    breakGlass: [],
    purchased: [],
    licenceGroups: new Map(),
    groups: {
      allUsers: ids.guid(),
      admins: ids.guid(),
      caExclusions: spec.profile === 'hardened' ? null : ids.guid(),
      sensitive: [],
    },
    firstPartySp: new Map(),
    model,
    planted: model.planted,
  };
}

function emptyModel(
  spec: GenerateSpec,
  seed: string,
  tenantId: string,
  displayName: string,
  initialDomain: string,
  plan: EntraPlan,
): TenantModel {
  const collections = {} as GraphCollections;
  return {
    tenantId,
    displayName,
    initialDomain,
    profile: spec.profile,
    seed,
    asOf: spec.asOf ?? DEFAULT_AS_OF,
    entraPlan: plan,
    clients: [],
    signInUsers: [],
    graph: {
      collections,
      groupMembers: {},
      groupOwners: {},
      directoryRoleMembers: {},
      appRoleAssignedTo: {},
      sitePermissions: {},
      singletons: {} as TenantModel['graph']['singletons'],
      usageReports: {},
    },
    arm: {
      subscriptions: [],
      resources: [],
      dailyCost: [],
      advisorRecommendations: [],
      reservationRecommendations: [],
      metrics: {},
    },
    planted: emptyPlanted(),
  };
}

/** `entraPlan` must be what the tenant's active SKUs give (a suspended SKU grants nothing). */
function checkPlan(ctx: GenContext): void {
  const active = ctx.purchased.filter((p) => p !== ctx.mix.suspended);
  const derived = entraPlanOf(active);
  if (derived !== ctx.plan)
    throw new Error(`internal: SKUs give Entra ${derived} but the tenant is ${ctx.plan}`);
}
