import type { EmulatorRequest, EmulatorResponse, GraphObject, Route, TenantStore } from '../contract.ts';
import { json, text } from '../server/http.ts';
import { errorResponse, listCollection, ODATA_HEADERS, parseAndValidate } from './collection.ts';
import { accessDenied, badRequest, notFound, premiumLicenceRequired } from './errors.ts';
import { evaluateFilter } from './odata-filter.ts';
import { parseQuery } from './odata-query.ts';
import { contextUrl } from './paging.ts';
import { expandInto, project } from './projection.ts';
import { checkFilter, validateListQuery } from './query-rules.ts';
import { projectDirectoryObject, resolveMembers, transitiveMemberIds } from './relations.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { DOMAINS, GROUPS, membersSpec, ORGANIZATION, SUBSCRIBED_SKUS, USERS } from './resources.ts';
import { directoryCost, graphGet, type Kit, lacksP1, listRoute, ROLES, roles } from './route-kit.ts';

/** Users, groups and their relationships, licences, organization, domains. */
export function directoryRoutes(kit: Kit): Route[] {
  const cap = kit.options.signInActivityMaxTop ?? 500;
  return [
    ...graphGet('users', { anyOfRoles: roles(ROLES.users), throttle: usersThrottle }, (req, store) =>
      listUsers(kit, cap, req, store),
    ),
    ...graphGet('users/$count', { anyOfRoles: roles(ROLES.users), throttle: directoryCost(1) }, countUsers),
    ...graphGet('users/:id', { anyOfRoles: roles(ROLES.users), throttle: usersThrottle }, getUser),
    ...graphGet(
      'users/:id/licenseDetails',
      { anyOfRoles: roles(ROLES.licenseDetails), throttle: directoryCost(2) },
      licenseDetails,
    ),
    ...listRoute(kit, GROUPS, { anyOfRoles: roles(ROLES.groups), throttle: directoryCost(1) }),
    ...graphGet('groups/:id', { anyOfRoles: roles(ROLES.groups), throttle: directoryCost(1) }, (req, store) =>
      getEntity(req, store, GROUPS),
    ),
    ...relationshipRoute(kit, 'members', 3, (store, id) => store.model.graph.groupMembers[id] ?? []),
    ...relationshipRoute(kit, 'owners', 1, (store, id) => store.model.graph.groupOwners[id] ?? []),
    ...relationshipRoute(kit, 'transitiveMembers', 5, transitiveMemberIds),
    ...listRoute(kit, SUBSCRIBED_SKUS, {
      anyOfRoles: roles(ROLES.subscribedSkus),
      throttle: directoryCost(3),
    }),
    ...listRoute(kit, ORGANIZATION, { anyOfRoles: roles(ROLES.organization), throttle: directoryCost(1) }),
    ...listRoute(kit, DOMAINS, { anyOfRoles: roles(ROLES.domains), throttle: directoryCost(1) }),
  ];
}

/** `$select`/`$filter` naming signInActivity moves the request to its own bucket (10/min, §3.1). */
export function mentionsSignInActivity(url: URL): boolean {
  for (const [k, v] of url.searchParams) {
    const key = k.toLowerCase();
    if ((key === '$select' || key === '$filter') && v.toLowerCase().includes('signinactivity')) return true;
  }
  return false;
}

function usersThrottle(req: EmulatorRequest) {
  return mentionsSignInActivity(req.url) ? { kind: 'signInActivity' as const } : directoryCost(2)(req);
}

/**
 * signInActivity needs Entra ID P1 (403 Authentication_RequestFromNonPremiumTenantOrB2CTenant)
 * and AuditLog.Read.All besides User.Read.All (user.md), checked only when it is asked for.
 */
function signInActivityGate(req: EmulatorRequest, store: TenantStore): EmulatorResponse | undefined {
  if (!mentionsSignInActivity(req.url)) return undefined;
  if (lacksP1(store)) return premiumLicenceRequired(req);
  if (req.token && !(req.token.roles ?? []).includes('AuditLog.Read.All')) return accessDenied(req);
  return undefined;
}

function listUsers(kit: Kit, cap: number, req: EmulatorRequest, store: TenantStore): EmulatorResponse {
  const ctx = { req, store, contextPath: 'users' };
  try {
    const query = parseAndValidate(ctx, USERS);
    const denied = signInActivityGate(req, store);
    if (denied) return denied;
    const capped = mentionsSignInActivity(req.url) ? cap : undefined;
    return listCollection(ctx, USERS, store.collection('users'), { codec: kit.codec, query, cap: capped });
  } catch (error) {
    return errorResponse(ctx, error);
  }
}

/** `GET /users/$count`: text/plain; needs `ConsistencyLevel: eventual` ("$count is not currently supported."). */
function countUsers(req: EmulatorRequest, store: TenantStore): EmulatorResponse {
  try {
    const query = parseQuery(req.url, req.headers);
    if (!query.eventual) throw badRequest('$count is not currently supported.');
    query.count = true;
    checkFilter(USERS, query);
    const tree = query.filter;
    const users = store.collection('users');
    const n = tree ? users.filter((u) => evaluateFilter(tree, u)).length : users.length;
    return text(200, String(n), 'text/plain');
  } catch (error) {
    return errorResponse({ req }, error);
  }
}

function getUser(req: EmulatorRequest, store: TenantStore): EmulatorResponse {
  const denied = signInActivityGate(req, store);
  if (denied) return denied;
  return getEntity(req, store, USERS);
}

/** Users are addressable by id or userPrincipalName (user-get.md). */
function findEntity(store: TenantStore, spec: ResourceSpec, key: string): GraphObject | undefined {
  const byId = store.find(spec.collection, key);
  if (byId || spec.collection !== 'users') return byId;
  const upn = key.toLowerCase();
  return store.collection('users').find((u) => String(u.userPrincipalName ?? '').toLowerCase() === upn);
}

export function getEntity(req: EmulatorRequest, store: TenantStore, spec: ResourceSpec): EmulatorResponse {
  try {
    const query = parseQuery(req.url, req.headers);
    validateListQuery(spec, query);
    const object = findEntity(store, spec, req.params.id ?? '');
    if (!object) return notFound(req, req.params.id ?? '');
    const body = project(object, spec, query.select);
    if (query.expand.length > 0) expandInto(body, object, spec, query.expand, store);
    return json(
      200,
      { '@odata.context': `${contextUrl(req.url, spec.path, query.select)}/$entity`, ...body },
      ODATA_HEADERS,
    );
  } catch (error) {
    return errorResponse({ req }, error);
  }
}

/** `/groups/{id}/members|owners|transitiveMembers`: paged directory objects (cost per §3.2). */
function relationshipRoute(
  kit: Kit,
  name: string,
  cost: number,
  ids: (store: TenantStore, groupId: string) => readonly string[],
): Route[] {
  const spec = membersSpec(`groups/:id/${name}`);
  return graphGet(
    spec.path,
    { anyOfRoles: roles(ROLES.groups), throttle: directoryCost(cost) },
    (req, store) => {
      const id = req.params.id ?? '';
      if (!store.find('groups', id)) return notFound(req, id);
      return listDirectoryObjects(kit, req, store, spec, ids(store, id));
    },
  );
}

export function listDirectoryObjects(
  kit: Kit,
  req: EmulatorRequest,
  store: TenantStore,
  spec: ResourceSpec,
  ids: readonly string[],
): EmulatorResponse {
  const refs = resolveMembers(store, ids);
  const types = new Map(refs.map((r) => [r.object.id, r]));
  const projector = (o: GraphObject, select: string[] | undefined) =>
    projectDirectoryObject(types.get(o.id) ?? { object: o, type: 'user' }, select);
  return listCollection(
    { req, store, contextPath: 'directoryObjects' },
    spec,
    refs.map((r) => r.object),
    {
      codec: kit.codec,
      projector,
    },
  );
}

/** `/users/{id}/licenseDetails`, derived from assignedLicenses and the tenant's SKUs. */
function licenseDetails(req: EmulatorRequest, store: TenantStore): EmulatorResponse {
  const user = findEntity(store, USERS, req.params.id ?? '');
  if (!user) return notFound(req, req.params.id ?? '');
  const skus = store.collection('subscribedSkus');
  const assigned = Array.isArray(user.assignedLicenses)
    ? (user.assignedLicenses as Record<string, unknown>[])
    : [];
  const value = assigned.map((licence) => {
    const sku = skus.find((s) => s.skuId === licence.skuId);
    const disabled = new Set((licence.disabledPlans as string[] | undefined) ?? []);
    const plans = (sku?.servicePlans as Record<string, unknown>[] | undefined) ?? [];
    return {
      id: Buffer.from(`${user.id}_${String(licence.skuId)}`).toString('base64url'),
      skuId: licence.skuId,
      skuPartNumber: sku?.skuPartNumber ?? null,
      servicePlans: plans.map((p) => ({
        servicePlanId: p.servicePlanId,
        servicePlanName: p.servicePlanName,
        provisioningStatus: disabled.has(String(p.servicePlanId)) ? 'Disabled' : p.provisioningStatus,
        appliesTo: p.appliesTo,
      })),
    };
  });
  const context = contextUrl(req.url, `users('${user.id}')/licenseDetails`);
  return json(200, { '@odata.context': context, value }, ODATA_HEADERS);
}
