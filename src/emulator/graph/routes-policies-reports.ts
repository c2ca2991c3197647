import type {
  EmulatorRequest,
  EmulatorResponse,
  GraphSingletons,
  Route,
  TenantStore,
  ThrottleClass,
} from '../contract.ts';
import { json } from '../server/http.ts';
import { errorResponse, listCollection, ODATA_HEADERS } from './collection.ts';
import { notFound, premiumLicenceRequired } from './errors.ts';
import { parseQuery } from './odata-query.ts';
import { contextUrl } from './paging.ts';
import { project } from './projection.ts';
import { canonicalSelect } from './query-rules.ts';
import type { ResourceSpec } from './resource-spec.ts';
import {
  APP_MANAGEMENT_POLICIES,
  CA_POLICIES,
  DIRECTORY_AUDITS,
  GROUP_SETTINGS,
  NAMED_LOCATIONS,
  RISKY_USERS,
  SIGN_INS,
  SITES,
  USER_REGISTRATION_DETAILS,
} from './resources.ts';
import { directoryCost, fixed, graphGet, type Kit, listRoute, ROLES, requireP1, roles } from './route-kit.ts';
import { getEntity } from './routes-directory.ts';

const CA: ThrottleClass = { kind: 'conditionalAccess' };
const REPORTS: ThrottleClass = { kind: 'identityReports' };
const NONE: ThrottleClass = { kind: 'none' };

/** Policies (singletons and lists), audit and sign-in logs, identity protection, SharePoint. */
export function policyAndReportRoutes(kit: Kit): Route[] {
  return [
    ...singleton('policies/authorizationPolicy', 'authorizationPolicy', ROLES.authorizationPolicy),
    ...singleton(
      'policies/authenticationMethodsPolicy',
      'authenticationMethodsPolicy',
      ROLES.authenticationMethodsPolicy,
    ),
    ...singleton(
      'policies/identitySecurityDefaultsEnforcementPolicy',
      'identitySecurityDefaultsEnforcementPolicy',
      ROLES.securityDefaults,
    ),
    ...singleton(
      'policies/defaultAppManagementPolicy',
      'tenantAppManagementPolicy',
      ROLES.appManagementPolicies,
    ),
    ...singleton('admin/sharepoint/settings', 'sharepointSettings', ROLES.sharepointSettings, NONE),
    ...singleton('admin/reportSettings', 'adminReportSettings', ROLES.reportSettings, NONE),
    ...listRoute(kit, CA_POLICIES, { anyOfRoles: roles(ROLES.conditionalAccess), throttle: fixed(CA) }),
    ...listRoute(kit, NAMED_LOCATIONS, { anyOfRoles: roles(ROLES.conditionalAccess), throttle: fixed(CA) }),
    ...listRoute(kit, APP_MANAGEMENT_POLICIES, {
      anyOfRoles: roles(ROLES.appManagementPolicies),
      throttle: directoryCost(1),
    }),
    ...listRoute(kit, GROUP_SETTINGS, { anyOfRoles: roles(ROLES.groupSettings), throttle: directoryCost(1) }),
    // "usage and insights" reports need P1 (howto-authentication-methods-activity.md).
    ...listRoute(
      kit,
      USER_REGISTRATION_DETAILS,
      { anyOfRoles: roles(ROLES.auditLogs), licence: 'P1', throttle: fixed(REPORTS) },
      requireP1,
    ),
    ...listRoute(kit, DIRECTORY_AUDITS, { anyOfRoles: roles(ROLES.auditLogs), throttle: fixed(REPORTS) }),
    ...listRoute(
      kit,
      SIGN_INS,
      { anyOfRoles: roles(ROLES.auditLogs), licence: 'P1', throttle: fixed(REPORTS) },
      requireP1,
    ),
    ...listRoute(
      kit,
      RISKY_USERS,
      { anyOfRoles: roles(ROLES.riskyUsers), licence: 'P2', throttle: fixed(CA) },
      // riskyUsers need P2 (§7; the exact 403 body is unverified, the premium-licence one is used)
      (req, store) => (store.model.entraPlan === 'P2' ? undefined : premiumLicenceRequired(req)),
    ),
    ...siteRoutes(kit),
  ];
}

/** Properties of singleton types missing from the subset schema. */
const SINGLETON_EXTRA: Record<string, readonly string[]> = {
  tenantAppManagementPolicy: [
    'deletedDateTime',
    'description',
    'displayName',
    'isEnabled',
    'applicationRestrictions',
    'servicePrincipalRestrictions',
  ],
};

function singleton(
  path: keyof GraphSingletons,
  type: string,
  anyOf: readonly string[],
  throttle: ThrottleClass = { kind: 'directory', resourceUnits: 1 },
): Route[] {
  const spec: ResourceSpec = {
    path,
    collection: 'users',
    type,
    resourceName: type,
    directory: false,
    filterable: [],
    page: { default: 1, max: 1, overMax: 'clamp' },
    extraProperties: SINGLETON_EXTRA[type],
  };
  return graphGet(path, { anyOfRoles: roles(anyOf), throttle: fixed(throttle) }, (req, store) =>
    getSingleton(req, store, spec),
  );
}

function getSingleton(req: EmulatorRequest, store: TenantStore, spec: ResourceSpec): EmulatorResponse {
  try {
    const query = parseQuery(req.url, req.headers);
    const singletons = store.model.graph.singletons as unknown as Record<
      string,
      Record<string, unknown> | undefined
    >;
    const object = singletons[spec.path];
    if (!object) return notFound(req, spec.path);
    const select = query.select ? canonicalSelect(spec, query.select) : undefined;
    const body = project(object as { id: string }, spec, select);
    return json(
      200,
      { '@odata.context': `${contextUrl(req.url, spec.path, select)}/$entity`, ...body },
      ODATA_HEADERS,
    );
  } catch (error) {
    return errorResponse({ req }, error);
  }
}

/**
 * Sites: `GET /sites?search=*` (any app) and `GET /sites/getAllSites` (app-only, site-getallsites.md)
 * list every site; `/sites/{id}/permissions` lists sharing permissions (Sites.FullControl.All).
 */
function siteRoutes(kit: Kit): Route[] {
  const meta = { anyOfRoles: roles(ROLES.sites), throttle: fixed(NONE) };
  const list = (req: EmulatorRequest, store: TenantStore) => {
    const term = (req.url.searchParams.get('search') ?? '*').replace(/^"|"$/g, '').toLowerCase();
    const sites = store.collection('sites');
    const items =
      term === '*' || term === ''
        ? sites
        : sites.filter((s) =>
            `${s.displayName ?? ''} ${s.name ?? ''} ${s.webUrl ?? ''}`.toLowerCase().includes(term),
          );
    return listCollection({ req, store, contextPath: 'sites' }, SITES, items, { codec: kit.codec });
  };
  return [
    ...graphGet('sites', meta, list),
    ...graphGet('sites/getAllSites', meta, list),
    ...graphGet('sites/:id', meta, (req, store) => getEntity(req, store, SITES)),
    ...graphGet(
      'sites/:id/permissions',
      { ...meta, anyOfRoles: roles(ROLES.sitePermissions) },
      (req, store) => {
        const id = req.params.id ?? '';
        if (!store.find('sites', id)) return notFound(req, id);
        const items = store.model.graph.sitePermissions[id] ?? [];
        return listCollection(
          { req, store, contextPath: `sites('${id}')/permissions` },
          SITE_PERMISSIONS,
          items,
          {
            codec: kit.codec,
          },
        );
      },
    ),
  ];
}

const SITE_PERMISSIONS: ResourceSpec = {
  path: 'sites/:id/permissions',
  collection: 'sites',
  type: 'permission',
  resourceName: 'permission',
  directory: false,
  filterable: 'any',
  page: { default: 200, max: 999, overMax: 'clamp' },
  extraProperties: [
    'expirationDateTime',
    'grantedTo',
    'grantedToIdentities',
    'grantedToIdentitiesV2',
    'grantedToV2',
    'hasPassword',
    'inheritedFrom',
    'invitation',
    'link',
    'roles',
    'shareId',
  ],
};
