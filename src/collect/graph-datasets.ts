/**
 * What Tenantscope reads from Microsoft Graph, one entry per dataset: where, with which read-only
 * permission, and why. The list is shown to an admin before consent, so every permission here is
 * a `*.Read*` application permission (graph-protocol.md §7 for least-privileged choices).
 *
 * `$select` names only the fields analysis uses: smaller pages, and a lower resource-unit cost
 * (§3.2: `$select` takes 1 RU off).
 */
export interface CollectContext {
  now: Date;
}

interface GraphDatasetBase {
  name: string;
  permissions: string[];
  why: string;
  /** Entra ID plan the tenant needs; without it the dataset is recorded `notLicensed` */
  licence?: 'P1' | 'P2';
}

export type GraphDataset = GraphDatasetBase &
  (
    | { shape: 'collection'; path: (ctx: CollectContext) => string; consistencyEventual?: boolean }
    | { shape: 'singleton'; path: (ctx: CollectContext) => string }
    /** one request per parent object; first pages go through $batch */
    | {
        shape: 'relation';
        parent: string;
        include?: (parent: Record<string, unknown>) => boolean;
        path: (parentId: string) => string;
      }
    /** a usage report: CSV behind a 302, parsed into one object per row */
    | { shape: 'report'; path: (ctx: CollectContext) => string }
  );

const USER_FIELDS = [
  'id',
  'displayName',
  'userPrincipalName',
  'mail',
  'userType',
  'accountEnabled',
  'createdDateTime',
  'department',
  'jobTitle',
  'companyName',
  'country',
  'usageLocation',
  'onPremisesSyncEnabled',
  'assignedLicenses',
  'licenseAssignmentStates',
  'externalUserState',
  'creationType',
  // posture: usr-weak-password-policy-flag reads DisableStrongPassword
  'passwordPolicies',
].join(',');

const GROUP_FIELDS = [
  'id',
  'displayName',
  'description',
  'groupTypes',
  'securityEnabled',
  'mailEnabled',
  'visibility',
  'isAssignableToRole',
  'membershipRule',
  'assignedLicenses',
  'createdDateTime',
  'onPremisesSyncEnabled',
].join(',');

/** Resource apps whose application-permission grants matter for consent risk (Microsoft Graph, Exchange Online, SharePoint). */
const RISKY_RESOURCE_APP_IDS = new Set([
  '00000003-0000-0000-c000-000000000000',
  '00000002-0000-0ff1-ce00-000000000000',
  '00000003-0000-0ff1-ce00-000000000000',
]);

const days = (ctx: CollectContext, n: number): string =>
  new Date(ctx.now.getTime() - n * 86_400_000).toISOString();
const fixed = (path: string) => () => path;

export const graphDatasets: GraphDataset[] = [
  {
    name: 'organization',
    shape: 'collection',
    path: fixed('/organization'),
    permissions: ['Organization.Read.All'],
    why: 'tenant name, verified domains and purchased plans',
  },
  {
    name: 'domains',
    shape: 'collection',
    path: fixed('/domains'),
    permissions: ['Domain.Read.All'],
    why: 'domain authentication and password-expiry settings',
  },
  {
    name: 'subscribedSkus',
    shape: 'collection',
    path: fixed('/subscribedSkus'),
    permissions: ['LicenseAssignment.Read.All'],
    why: 'licences purchased, assigned and available',
  },
  {
    name: 'users',
    shape: 'collection',
    path: fixed(`/users?$select=${USER_FIELDS}&$top=999`),
    permissions: ['User.Read.All'],
    why: 'accounts, their state, department and licences',
  },
  {
    name: 'userSignInActivity',
    shape: 'collection',
    // 500 per page is what the throttling guidance asks for with signInActivity (throttling-limits, 2025)
    path: fixed('/users?$select=id,signInActivity&$top=500'),
    permissions: ['User.Read.All', 'AuditLog.Read.All'],
    licence: 'P1',
    why: 'last sign-in dates, to find idle accounts holding licences',
  },
  {
    name: 'groups',
    shape: 'collection',
    path: fixed(`/groups?$select=${GROUP_FIELDS}&$top=999`),
    permissions: ['GroupMember.Read.All'],
    why: 'groups, group-based licensing, public groups',
  },
  {
    name: 'groupMembers',
    shape: 'relation',
    parent: 'groups',
    path: (id) => `/groups/${id}/members?$select=id,displayName,userPrincipalName,userType&$top=999`,
    permissions: ['GroupMember.Read.All'],
    why: 'who is in role-assignable, licence and guest-holding groups',
  },
  {
    name: 'directoryRoles',
    shape: 'collection',
    path: fixed('/directoryRoles'),
    permissions: ['RoleManagement.Read.Directory'],
    why: 'activated admin roles',
  },
  {
    name: 'directoryRoleMembers',
    shape: 'relation',
    parent: 'directoryRoles',
    path: (id) => `/directoryRoles/${id}/members?$select=id,displayName,userPrincipalName`,
    permissions: ['RoleManagement.Read.Directory'],
    why: 'who holds each admin role',
  },
  {
    name: 'roleDefinitions',
    shape: 'collection',
    path: fixed('/roleManagement/directory/roleDefinitions'),
    permissions: ['RoleManagement.Read.Directory'],
    why: 'names and privilege of roles',
  },
  {
    name: 'roleAssignments',
    shape: 'collection',
    path: fixed('/roleManagement/directory/roleAssignments'),
    permissions: ['RoleManagement.Read.Directory'],
    why: 'active role assignments',
  },
  {
    name: 'roleEligibilitySchedules',
    shape: 'collection',
    path: fixed('/roleManagement/directory/roleEligibilitySchedules'),
    permissions: ['RoleEligibilitySchedule.Read.Directory'],
    licence: 'P2',
    why: 'eligible (just-in-time) admin assignments',
  },
  {
    name: 'roleAssignmentSchedules',
    shape: 'collection',
    path: fixed('/roleManagement/directory/roleAssignmentSchedules'),
    permissions: ['RoleAssignmentSchedule.Read.Directory'],
    licence: 'P2',
    why: 'permanent versus time-bound admin assignments',
  },
  {
    name: 'roleManagementPolicyAssignments',
    shape: 'collection',
    path: fixed(
      "/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'&$expand=policy($expand=rules)",
    ),
    permissions: ['RoleManagementPolicy.Read.Directory'],
    licence: 'P2',
    why: 'whether activating an admin role needs MFA, approval or justification',
  },
  {
    name: 'applications',
    shape: 'collection',
    path: fixed('/applications?$top=999'),
    permissions: ['Application.Read.All'],
    why: 'app registrations, their secrets, certificates and requested permissions',
  },
  {
    name: 'servicePrincipals',
    shape: 'collection',
    path: fixed('/servicePrincipals?$top=999'),
    permissions: ['Application.Read.All'],
    why: 'enterprise apps and their credentials',
  },
  {
    name: 'oauth2PermissionGrants',
    shape: 'collection',
    path: fixed('/oauth2PermissionGrants?$top=999'),
    permissions: ['DelegatedPermissionGrant.Read.All'],
    why: 'delegated permissions users and admins consented to',
  },
  {
    name: 'appRoleAssignedTo',
    shape: 'relation',
    parent: 'servicePrincipals',
    include: (sp) => RISKY_RESOURCE_APP_IDS.has(String(sp.appId)),
    path: (id) => `/servicePrincipals/${id}/appRoleAssignedTo?$top=999`,
    permissions: ['Application.Read.All'],
    why: 'application permissions granted on Microsoft Graph, Exchange and SharePoint',
  },
  {
    name: 'conditionalAccessPolicies',
    shape: 'collection',
    path: fixed('/identity/conditionalAccess/policies'),
    permissions: ['Policy.Read.All'],
    why: 'conditional access coverage and gaps',
  },
  {
    name: 'namedLocations',
    shape: 'collection',
    path: fixed('/identity/conditionalAccess/namedLocations'),
    permissions: ['Policy.Read.All'],
    why: 'trusted and blocked locations used by conditional access',
  },
  {
    name: 'authorizationPolicy',
    shape: 'singleton',
    path: fixed('/policies/authorizationPolicy'),
    permissions: ['Policy.Read.All'],
    why: 'guest invitations, user consent and default user permissions',
  },
  {
    name: 'authenticationMethodsPolicy',
    shape: 'singleton',
    path: fixed('/policies/authenticationMethodsPolicy'),
    permissions: ['Policy.Read.All'],
    why: 'which sign-in methods are allowed (SMS, FIDO2, Authenticator…)',
  },
  {
    name: 'securityDefaults',
    shape: 'singleton',
    path: fixed('/policies/identitySecurityDefaultsEnforcementPolicy'),
    permissions: ['Policy.Read.All'],
    why: 'whether security defaults are on',
  },
  {
    name: 'defaultAppManagementPolicy',
    shape: 'singleton',
    path: fixed('/policies/defaultAppManagementPolicy'),
    permissions: ['Policy.Read.All'],
    why: 'limits on app secrets and certificates',
  },
  {
    name: 'appManagementPolicies',
    shape: 'collection',
    path: fixed('/policies/appManagementPolicies'),
    permissions: ['Policy.Read.All'],
    why: 'per-app credential restrictions',
  },
  {
    name: 'groupSettings',
    shape: 'collection',
    path: fixed('/groupSettings'),
    permissions: ['Directory.Read.All'],
    why: 'group creation, guest access and naming settings',
  },
  {
    name: 'userRegistrationDetails',
    shape: 'collection',
    path: fixed('/reports/authenticationMethods/userRegistrationDetails?$top=999'),
    permissions: ['AuditLog.Read.All'],
    licence: 'P1',
    why: 'who has registered MFA and which methods',
  },
  {
    name: 'directoryAudits',
    shape: 'collection',
    path: (ctx) => `/auditLogs/directoryAudits?$filter=activityDateTime ge ${days(ctx, 30)}&$top=999`,
    permissions: ['AuditLog.Read.All'],
    why: 'who changed configuration, to attribute drift',
  },
  {
    name: 'signIns',
    shape: 'collection',
    path: (ctx) => `/auditLogs/signIns?$filter=createdDateTime ge ${days(ctx, 7)}&$top=1000`,
    permissions: ['AuditLog.Read.All'],
    licence: 'P1',
    why: 'legacy-authentication and risky sign-ins of the last 7 days',
  },
  {
    name: 'riskyUsers',
    shape: 'collection',
    path: fixed('/identityProtection/riskyUsers?$top=500'),
    permissions: ['IdentityRiskyUser.Read.All'],
    licence: 'P2',
    why: 'users Entra ID Protection flags as at risk',
  },
  {
    name: 'sharepointSettings',
    shape: 'singleton',
    path: fixed('/admin/sharepoint/settings'),
    permissions: ['SharePointTenantSettings.Read.All'],
    why: 'external sharing settings for SharePoint and OneDrive',
  },
  {
    name: 'reportSettings',
    shape: 'singleton',
    path: fixed('/admin/reportSettings'),
    permissions: ['ReportSettings.Read.All'],
    why: 'whether usage reports conceal user names',
  },
  {
    name: 'sites',
    shape: 'collection',
    path: fixed('/sites/getAllSites?$top=999'),
    permissions: ['Sites.Read.All'],
    why: 'SharePoint sites, for oversharing review (never their content)',
  },
  {
    name: 'office365ActiveUserDetail',
    shape: 'report',
    path: fixed("/reports/getOffice365ActiveUserDetail(period='D30')"),
    permissions: ['Reports.Read.All'],
    why: 'last activity per user and workload, for licence waste',
  },
];
