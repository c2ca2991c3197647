import type { EmulatorRequest, Route, TenantStore } from '../contract.ts';
import { listCollection } from './collection.ts';
import { notFound } from './errors.ts';
import type { ResourceSpec } from './resource-spec.ts';
import {
  APPLICATIONS,
  DIRECTORY_ROLES,
  membersSpec,
  OAUTH2_PERMISSION_GRANTS,
  ROLE_ASSIGNMENT_SCHEDULES,
  ROLE_ASSIGNMENTS,
  ROLE_DEFINITIONS,
  ROLE_ELIGIBILITY_SCHEDULES,
  ROLE_MANAGEMENT_POLICIES,
  ROLE_MANAGEMENT_POLICY_ASSIGNMENTS,
  SERVICE_PRINCIPALS,
} from './resources.ts';
import { directoryCost, graphGet, type Kit, listRoute, ROLES, requireP2, roles } from './route-kit.ts';
import { getEntity, listDirectoryObjects } from './routes-directory.ts';

const APP_ROLE_ASSIGNMENTS: ResourceSpec = {
  path: 'servicePrincipals/:id/appRoleAssignedTo',
  collection: 'servicePrincipals',
  type: 'appRoleAssignment',
  resourceName: 'AppRoleAssignment',
  directory: true,
  page: { default: 100, max: 999, overMax: 'reject' },
  filterable: ['id', 'principalId', 'resourceId', 'appRoleId', 'principalType'],
};

/** Directory roles, unified role management (incl. PIM), applications, service principals, grants. */
export function appsAndRolesRoutes(kit: Kit): Route[] {
  const rolesMeta = { anyOfRoles: roles(ROLES.roles), throttle: directoryCost(1) };
  const appsMeta = { anyOfRoles: roles(ROLES.applications) };
  return [
    ...listRoute(kit, DIRECTORY_ROLES, rolesMeta),
    ...graphGet('directoryRoles/:id', rolesMeta, (req, store) => getEntity(req, store, DIRECTORY_ROLES)),
    ...graphGet('directoryRoles/:id/members', rolesMeta, (req, store) => {
      const id = req.params.id ?? '';
      if (!store.find('directoryRoles', id)) return notFound(req, id);
      const ids = store.model.graph.directoryRoleMembers[id] ?? [];
      return listDirectoryObjects(kit, req, store, membersSpec('directoryRoles/:id/members', true), ids);
    }),
    ...listRoute(kit, ROLE_DEFINITIONS, rolesMeta),
    ...listRoute(kit, ROLE_ASSIGNMENTS, rolesMeta),
    // PIM schedules need P2 / Governance: 400 AadPremiumLicenseRequired otherwise (§7).
    ...listRoute(
      kit,
      ROLE_ELIGIBILITY_SCHEDULES,
      { ...rolesMeta, anyOfRoles: roles(ROLES.eligibility), licence: 'P2' },
      requireP2,
    ),
    ...listRoute(
      kit,
      ROLE_ASSIGNMENT_SCHEDULES,
      { ...rolesMeta, anyOfRoles: roles(ROLES.assignmentSchedules), licence: 'P2' },
      requireP2,
    ),
    ...listRoute(kit, ROLE_MANAGEMENT_POLICIES, {
      ...rolesMeta,
      anyOfRoles: roles(ROLES.roleManagementPolicies),
    }),
    ...listRoute(kit, ROLE_MANAGEMENT_POLICY_ASSIGNMENTS, {
      ...rolesMeta,
      anyOfRoles: roles(ROLES.roleManagementPolicies),
    }),
    ...listRoute(kit, APPLICATIONS, { ...appsMeta, throttle: directoryCost(2) }),
    ...graphGet('applications/:id', { ...appsMeta, throttle: directoryCost(2) }, (req, store) =>
      getEntity(req, store, APPLICATIONS),
    ),
    ...listRoute(kit, SERVICE_PRINCIPALS, { ...appsMeta, throttle: directoryCost(1) }),
    ...graphGet('servicePrincipals/:id', { ...appsMeta, throttle: directoryCost(1) }, (req, store) =>
      getEntity(req, store, SERVICE_PRINCIPALS),
    ),
    ...graphGet(
      'servicePrincipals/:id/appRoleAssignedTo',
      { ...appsMeta, throttle: directoryCost(1) },
      (req, store) => listAssignments(kit, req, store, 'appRoleAssignedTo'),
    ),
    ...graphGet(
      'servicePrincipals/:id/appRoleAssignments',
      { ...appsMeta, throttle: directoryCost(2) },
      (req, store) => listAssignments(kit, req, store, 'appRoleAssignments'),
    ),
    ...listRoute(kit, OAUTH2_PERMISSION_GRANTS, {
      anyOfRoles: roles(ROLES.grants),
      throttle: directoryCost(2),
    }),
  ];
}

/**
 * `appRoleAssignedTo`: who holds roles of this resource SP (stored per resource);
 * `appRoleAssignments`: which roles this SP holds on other resources (principalId = it).
 */
function listAssignments(
  kit: Kit,
  req: EmulatorRequest,
  store: TenantStore,
  relation: 'appRoleAssignedTo' | 'appRoleAssignments',
) {
  const id = req.params.id ?? '';
  if (!store.find('servicePrincipals', id)) return notFound(req, id);
  const all = store.model.graph.appRoleAssignedTo;
  const items =
    relation === 'appRoleAssignedTo'
      ? (all[id] ?? [])
      : Object.values(all)
          .flat()
          .filter((a) => a.principalId === id);
  const ctx = { req, store, contextPath: `servicePrincipals('${id}')/${relation}` };
  return listCollection(ctx, APP_ROLE_ASSIGNMENTS, items, { codec: kit.codec });
}
