import { badRequest } from './errors.ts';
import { filterUses } from './odata-filter.ts';
import type { ODataQuery } from './odata-query.ts';
import { expandPolicy, expandPrincipal, expandRoleDefinition, expandRules } from './relations.ts';
import { DIRECTORY_PAGE, spec } from './resource-defaults.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { APPLICATIONS, DIRECTORY_ROLES, GROUPS, SERVICE_PRINCIPALS, USERS } from './resources-directory.ts';

export * from './resources-directory.ts';

export const SUBSCRIBED_SKUS = spec({
  path: 'subscribedSkus',
  collection: 'subscribedSkus',
  type: 'subscribedSku',
  resourceName: 'SubscribedSku',
});

export const ORGANIZATION = spec({
  path: 'organization',
  collection: 'organization',
  type: 'organization',
  resourceName: 'Organization',
  navigation: ['branding', 'certificateBasedAuthConfiguration', 'extensions'],
});

export const DOMAINS = spec({
  path: 'domains',
  collection: 'domains',
  type: 'domain',
  resourceName: 'Domain',
});

const roleSchedule = (path: 'roleEligibilitySchedules' | 'roleAssignmentSchedules', type: string) =>
  spec({
    path: `roleManagement/directory/${path}`,
    collection: `roleManagement/directory/${path}`,
    type,
    resourceName: type,
    navigation: ['principal', 'roleDefinition', 'directoryScope', 'appScope', 'activatedUsing'],
    extraProperties: [
      'appScopeId',
      'createdDateTime',
      'createdUsing',
      'directoryScopeId',
      'modifiedDateTime',
      'principalId',
      'roleDefinitionId',
      'status',
      'memberType',
      'scheduleInfo',
      'assignmentType',
    ],
    expand: { principal: expandPrincipal, roleDefinition: expandRoleDefinition },
  });

export const ROLE_DEFINITIONS = spec({
  path: 'roleManagement/directory/roleDefinitions',
  collection: 'roleManagement/directory/roleDefinitions',
  type: 'unifiedRoleDefinition',
  resourceName: 'unifiedRoleDefinition',
  navigation: ['inheritsPermissionsFrom'],
});

export const ROLE_ASSIGNMENTS = spec({
  path: 'roleManagement/directory/roleAssignments',
  collection: 'roleManagement/directory/roleAssignments',
  type: 'unifiedRoleAssignment',
  resourceName: 'unifiedRoleAssignment',
  navigation: ['principal', 'roleDefinition', 'directoryScope', 'appScope'],
  expand: { principal: expandPrincipal, roleDefinition: expandRoleDefinition },
});

export const ROLE_ELIGIBILITY_SCHEDULES = roleSchedule(
  'roleEligibilitySchedules',
  'unifiedRoleEligibilitySchedule',
);
export const ROLE_ASSIGNMENT_SCHEDULES = roleSchedule(
  'roleAssignmentSchedules',
  'unifiedRoleAssignmentSchedule',
);

/**
 * Role management policies are listed only for a scope: Graph requires
 * `$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'` (unifiedrolemanagementpolicy-list.md).
 */
function requireScopeFilter(query: ODataQuery) {
  const uses = query.filter ? filterUses(query.filter).map((u) => `${u.path.join('/')}:${u.op}`) : [];
  if (uses.includes('scopeId:eq') && uses.includes('scopeType:eq')) return undefined;
  return badRequest("The request requires a '$filter' on 'scopeId' and 'scopeType'.", 'BadRequest');
}

export const ROLE_MANAGEMENT_POLICIES = spec({
  path: 'policies/roleManagementPolicies',
  collection: 'policies/roleManagementPolicies',
  type: 'unifiedRoleManagementPolicy',
  resourceName: 'unifiedRoleManagementPolicy',
  navigation: ['rules', 'effectiveRules'],
  extraProperties: [
    'description',
    'displayName',
    'isOrganizationDefault',
    'lastModifiedBy',
    'lastModifiedDateTime',
    'scopeId',
    'scopeType',
  ],
  expand: {
    rules: expandRules,
    effectiveRules: (s, o, i) => expandRules(s, { ...o, rules: o.effectiveRules }, i),
  },
  validate: requireScopeFilter,
});

export const ROLE_MANAGEMENT_POLICY_ASSIGNMENTS = spec({
  path: 'policies/roleManagementPolicyAssignments',
  collection: 'policies/roleManagementPolicyAssignments',
  type: 'unifiedRoleManagementPolicyAssignment',
  resourceName: 'unifiedRoleManagementPolicyAssignment',
  navigation: ['policy'],
  extraProperties: ['policyId', 'roleDefinitionId', 'scopeId', 'scopeType'],
  expand: { policy: expandPolicy },
  validate: requireScopeFilter,
});

export const OAUTH2_PERMISSION_GRANTS = spec({
  path: 'oauth2PermissionGrants',
  collection: 'oauth2PermissionGrants',
  type: 'oAuth2PermissionGrant',
  resourceName: 'OAuth2PermissionGrant',
  page: DIRECTORY_PAGE,
  filterable: ['id', 'clientId', 'resourceId', 'principalId', 'consentType'],
});

export const CA_POLICIES = spec({
  path: 'identity/conditionalAccess/policies',
  collection: 'identity/conditionalAccess/policies',
  type: 'conditionalAccessPolicy',
  resourceName: 'conditionalAccessPolicy',
});

export const NAMED_LOCATIONS = spec({
  path: 'identity/conditionalAccess/namedLocations',
  collection: 'identity/conditionalAccess/namedLocations',
  type: 'namedLocation',
  resourceName: 'namedLocation',
  extraProperties: [
    'displayName',
    'createdDateTime',
    'modifiedDateTime',
    'ipRanges',
    'isTrusted',
    'countriesAndRegions',
    'countryLookupMethod',
    'includeUnknownCountriesAndRegions',
  ],
});

export const APP_MANAGEMENT_POLICIES = spec({
  path: 'policies/appManagementPolicies',
  collection: 'policies/appManagementPolicies',
  type: 'appManagementPolicy',
  resourceName: 'appManagementPolicy',
  navigation: ['appliesTo'],
  extraProperties: ['deletedDateTime', 'description', 'displayName', 'isEnabled', 'restrictions'],
});

export const GROUP_SETTINGS = spec({
  path: 'groupSettings',
  collection: 'groupSettings',
  type: 'groupSetting',
  resourceName: 'groupSetting',
  extraProperties: ['displayName', 'templateId', 'values'],
});

export const USER_REGISTRATION_DETAILS = spec({
  path: 'reports/authenticationMethods/userRegistrationDetails',
  collection: 'reports/authenticationMethods/userRegistrationDetails',
  type: 'userRegistrationDetails',
  resourceName: 'userRegistrationDetails',
});

export const DIRECTORY_AUDITS = spec({
  path: 'auditLogs/directoryAudits',
  collection: 'auditLogs/directoryAudits',
  type: 'directoryAudit',
  resourceName: 'directoryAudit',
  defaultOrder: { property: 'activityDateTime', descending: true },
});

export const SIGN_INS = spec({
  path: 'auditLogs/signIns',
  collection: 'auditLogs/signIns',
  type: 'signIn',
  resourceName: 'signIn',
  defaultOrder: { property: 'createdDateTime', descending: true },
});

export const RISKY_USERS = spec({
  path: 'identityProtection/riskyUsers',
  collection: 'identityProtection/riskyUsers',
  type: 'riskyUser',
  resourceName: 'riskyUser',
  navigation: ['history'],
  page: { default: 100, max: 500, overMax: 'clamp' },
});

export const SITES = spec({
  path: 'sites',
  collection: 'sites',
  type: 'site',
  resourceName: 'site',
  navigation: ['drive', 'drives', 'lists', 'permissions', 'columns', 'items', 'pages'],
  extraProperties: [
    'createdDateTime',
    'description',
    'displayName',
    'eTag',
    'lastModifiedDateTime',
    'name',
    'root',
    'sharepointIds',
    'siteCollection',
    'webUrl',
    'isPersonalSite',
    'createdBy',
    'lastModifiedBy',
  ],
  page: { default: 200, max: 999, overMax: 'clamp' },
});

export const ALL_RESOURCES: readonly ResourceSpec[] = [
  USERS,
  GROUPS,
  APPLICATIONS,
  SERVICE_PRINCIPALS,
  DIRECTORY_ROLES,
  SUBSCRIBED_SKUS,
  ORGANIZATION,
  DOMAINS,
  ROLE_DEFINITIONS,
  ROLE_ASSIGNMENTS,
  ROLE_ELIGIBILITY_SCHEDULES,
  ROLE_ASSIGNMENT_SCHEDULES,
  ROLE_MANAGEMENT_POLICIES,
  ROLE_MANAGEMENT_POLICY_ASSIGNMENTS,
  OAUTH2_PERMISSION_GRANTS,
  CA_POLICIES,
  NAMED_LOCATIONS,
  APP_MANAGEMENT_POLICIES,
  GROUP_SETTINGS,
  USER_REGISTRATION_DETAILS,
  DIRECTORY_AUDITS,
  SIGN_INS,
  RISKY_USERS,
  SITES,
];
