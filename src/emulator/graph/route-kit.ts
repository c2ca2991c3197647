import type { EmulatorRequest, EmulatorResponse, Route, TenantStore, ThrottleClass } from '../contract.ts';
import { graphError } from '../server/http.ts';
import { errorResponse, listCollection } from './collection.ts';
import { pimLicenceRequired, premiumLicenceRequired } from './errors.ts';
import type { TokenCodec } from './paging.ts';
import type { ResourceSpec } from './resource-spec.ts';

/** Options for the Graph protocol routes. */
export interface GraphOptions {
  /**
   * Max page size when `signInActivity` is selected or filtered. The docs disagree (user.md: 120;
   * throttling-limits 2025: "use $top=500 to get the maximum 500 users per page"; beta user-list
   * Jul 2025: 999), so clients must not assume one. Default 500, the throttling page's number.
   */
  signInActivityMaxTop?: 120 | 500 | 999;
  /**
   * What an expired delta token gets: `gone` = 410 with a `Location` for a full resync
   * (delta-query-overview "synchronization reset"; issue 3), `syncStateNotFound` = 400 as the
   * 2020 devblog on identity delta-token lifetime describes. Default `gone`.
   */
  expiredDeltaToken?: 'gone' | 'syncStateNotFound';
  /** Secret for page/delta/download tokens; random per process when absent. */
  tokenSecret?: string;
  /** Lifetime of a usage-report download URL ("valid for a few minutes"); default 300 s. */
  reportUrlTtlSeconds?: number;
  /** Clock, for download URL expiry. */
  now?: () => Date;
}

export interface Kit {
  codec: TokenCodec;
  options: GraphOptions;
}

export type Handler = (
  req: EmulatorRequest,
  store: TenantStore,
) => EmulatorResponse | Promise<EmulatorResponse>;

/** The same handler under `/v1.0` and `/beta` (the emulator serves one shape for both). */
export function graphGet(
  path: string,
  meta: Omit<Route, 'method' | 'path' | 'auth' | 'handler'>,
  handler: Handler,
): Route[] {
  return ['v1.0', 'beta'].map((version) => ({
    method: 'GET' as const,
    path: `/${version}/${path}`,
    auth: 'graph' as const,
    ...meta,
    handler: async (req: EmulatorRequest) => {
      if (!req.tenant) return graphError(req, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
      try {
        return await handler(req, req.tenant);
      } catch (error) {
        // Handlers turn query errors into Graph bodies themselves; anything else is a 500, never a stack.
        return errorResponse({ req }, error);
      }
    },
  }));
}

/** Entra ID directory resource-unit cost (throttling-limits §"identity and access"): base −1 for
 * `$select`, +1 for `$expand`, −1 for `$top` < 20, never below 1. */
export function resourceUnits(base: number, url: URL): number {
  const has = (name: string) => [...url.searchParams.keys()].some((k) => k.toLowerCase() === name);
  const top = Number(url.searchParams.get('$top') ?? Number.NaN);
  let cost = base;
  if (has('$select')) cost -= 1;
  if (has('$expand')) cost += 1;
  if (top < 20) cost -= 1;
  return Math.max(1, cost);
}

export const directoryCost =
  (base: number) =>
  (req: EmulatorRequest): ThrottleClass => ({
    kind: 'directory',
    resourceUnits: resourceUnits(base, req.url),
  });

export const fixed = (throttle: ThrottleClass) => () => throttle;

/** P1-gated data answers Microsoft's 403 without the plan (§7). */
export function lacksP1(store: TenantStore): boolean {
  return store.model.entraPlan === 'free';
}

export function requireP1(req: EmulatorRequest, store: TenantStore): EmulatorResponse | undefined {
  return lacksP1(store) ? premiumLicenceRequired(req) : undefined;
}

/** PIM schedules answer 400 AadPremiumLicenseRequired without P2 (§7). */
export function requireP2(req: EmulatorRequest, store: TenantStore): EmulatorResponse | undefined {
  return store.model.entraPlan === 'P2' ? undefined : pimLicenceRequired(req);
}

/** A plain list route over one resource table entry. */
export function listRoute(
  kit: Kit,
  spec: ResourceSpec,
  meta: Omit<Route, 'method' | 'path' | 'auth' | 'handler'>,
  gate?: (req: EmulatorRequest, store: TenantStore) => EmulatorResponse | undefined,
): Route[] {
  return graphGet(spec.path, meta, (req, store) => {
    const denied = gate?.(req, store);
    if (denied) return denied;
    return listCollection({ req, store, contextPath: spec.path }, spec, store.collection(spec.collection), {
      codec: kit.codec,
    });
  });
}

/** Application permissions (least privileged first, then higher), graph-protocol.md §7. */
export const ROLES = {
  users: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  licenseDetails: ['LicenseAssignment.Read.All', 'User.Read.All', 'Directory.Read.All', 'User.ReadWrite.All'],
  subscribedSkus: [
    'LicenseAssignment.Read.All',
    'Organization.Read.All',
    'Directory.Read.All',
    'LicenseAssignment.ReadWrite.All',
    'Organization.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  groups: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Directory.Read.All',
    'Group.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  organization: [
    'Organization.Read.All',
    'Directory.Read.All',
    'Organization.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  domains: ['Domain.Read.All', 'Directory.Read.All', 'Domain.ReadWrite.All', 'Directory.ReadWrite.All'],
  roles: [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'Directory.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.ReadWrite.All',
  ],
  eligibility: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  assignmentSchedules: [
    'RoleAssignmentSchedule.Read.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  roleManagementPolicies: [
    'RoleManagementPolicy.Read.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagementPolicy.ReadWrite.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  applications: [
    'Application.Read.All',
    'Directory.Read.All',
    'Application.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  grants: [
    'DelegatedPermissionGrant.Read.All',
    'Directory.Read.All',
    'DelegatedPermissionGrant.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  conditionalAccess: [
    'Policy.Read.All',
    'Policy.Read.ConditionalAccess',
    'Policy.ReadWrite.ConditionalAccess',
  ],
  authorizationPolicy: ['Policy.Read.All', 'Policy.ReadWrite.Authorization'],
  authenticationMethodsPolicy: [
    'Policy.Read.All',
    'Policy.Read.AuthenticationMethod',
    'Policy.ReadWrite.AuthenticationMethod',
  ],
  securityDefaults: ['Policy.Read.All', 'Policy.ReadWrite.SecurityDefaults'],
  appManagementPolicies: [
    'Policy.Read.All',
    'Policy.Read.ApplicationConfiguration',
    'Policy.ReadWrite.ApplicationConfiguration',
  ],
  groupSettings: ['Directory.Read.All', 'Directory.ReadWrite.All'],
  auditLogs: ['AuditLog.Read.All'],
  riskyUsers: ['IdentityRiskyUser.Read.All', 'IdentityRiskyUser.ReadWrite.All'],
  sites: ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'],
  /** permission-list (site): application permission is Sites.FullControl.All */
  sitePermissions: ['Sites.FullControl.All'],
  sharepointSettings: ['SharePointTenantSettings.Read.All', 'SharePointTenantSettings.ReadWrite.All'],
  reportSettings: ['ReportSettings.Read.All', 'ReportSettings.ReadWrite.All'],
  reports: ['Reports.Read.All'],
} as const satisfies Record<string, readonly string[]>;

export function roles(list: readonly string[]): string[] {
  return [...list];
}
