import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EmulatorRequest, GraphObject, TenantModel, TenantStore } from '../contract.ts';
import { createTenantStore } from '../store/tenant-store.ts';
import { defaultSchemaPath } from './schema-path.ts';

/**
 * A small hand-built tenant for the Graph protocol tests, made of the real-shaped objects in
 * ../shared/reference/graph/examples plus `users` generated users, so paging has volume.
 */
const EXAMPLES = join(dirname(defaultSchemaPath()), 'examples');

function example(name: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;
  const body = (raw.body ?? raw) as Record<string, unknown>;
  const { '@odata.context': _c, '@odata.nextLink': _n, ...rest } = body;
  return rest;
}

function list(name: string): GraphObject[] {
  return example(name).value as GraphObject[];
}

export const TENANT_ID = 'dcd219dd-bc68-4b9b-bf0b-4a33a796be35';
export const E5_SKU = 'c7df2760-2c81-4ef7-b578-5b5392b571df';
export const GLOBAL_ADMIN_TEMPLATE = '62e90394-69f5-4237-9190-012177145e10';

/** Deterministic GUID from a number, so ids are stable between runs. */
export function guid(n: number, prefix = 'a'): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${prefix.repeat(8)}-0000-4000-8000-${hex}`;
}

export function fixtureUser(i: number): GraphObject {
  const guest = i % 10 === 9;
  return {
    id: guid(i),
    displayName: `User ${String(i).padStart(5, '0')}`,
    givenName: 'User',
    surname: String(i),
    userPrincipalName: guest ? `guest${i}_fabrikam.com#EXT#@contoso.onmicrosoft.com` : `user${i}@contoso.com`,
    mail: `user${i}@contoso.com`,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    userType: guest ? 'Guest' : 'Member',
    accountEnabled: i % 7 !== 0,
    createdDateTime: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(),
    onPremisesSyncEnabled: null,
    assignedLicenses: i % 3 === 0 ? [{ skuId: E5_SKU, disabledPlans: [] }] : [],
    signInActivity: {
      lastSignInDateTime: i % 5 === 0 ? null : new Date(Date.UTC(2025, 4, 1) - i * 86_400_000).toISOString(),
      lastSignInRequestId: null,
      lastNonInteractiveSignInDateTime: null,
      lastNonInteractiveSignInRequestId: null,
      lastSuccessfulSignInDateTime: null,
      lastSuccessfulSignInRequestId: null,
    },
  };
}

export interface FixtureOptions {
  users?: number;
  plan?: TenantModel['entraPlan'];
  concealNames?: boolean;
}

export function buildFixtureModel(options: FixtureOptions = {}): TenantModel {
  const users = Array.from({ length: options.users ?? 25 }, (_, i) => fixtureUser(i));
  const groups = list('groups.list.json');
  const sp = list('servicePrincipals.list.json');
  const roles = list('directoryRoles.list.json');
  const audits = [0, 1, 2].map((d) => ({
    ...list('directoryAudits.list.json')[0]!,
    id: `audit-${d}`,
    activityDateTime: new Date(Date.UTC(2025, 4, 10 + d)).toISOString(),
  }));
  const signIns = [0, 1, 2].map((d) => ({
    ...list('signIns.list.json')[0]!,
    id: guid(d, 'b'),
    createdDateTime: new Date(Date.UTC(2025, 4, 10 + d)).toISOString(),
  }));
  return {
    tenantId: TENANT_ID,
    displayName: 'Contoso',
    initialDomain: 'contoso.onmicrosoft.com',
    profile: 'typical',
    seed: 'fixture',
    asOf: '2025-05-13T00:00:00Z',
    entraPlan: options.plan ?? 'P2',
    clients: [],
    signInUsers: [],
    graph: {
      collections: {
        users,
        groups,
        subscribedSkus: list('subscribedSkus.list.json'),
        organization: list('organization.list.json'),
        domains: list('domains.list.json'),
        directoryRoles: roles,
        'roleManagement/directory/roleDefinitions': [
          {
            id: GLOBAL_ADMIN_TEMPLATE,
            displayName: 'Global Administrator',
            templateId: GLOBAL_ADMIN_TEMPLATE,
            isBuiltIn: true,
            isEnabled: true,
          },
        ],
        'roleManagement/directory/roleAssignments': [
          { ...list('roleAssignments.list.json')[0]!, principalId: guid(1) },
        ],
        'roleManagement/directory/roleEligibilitySchedules': list('roleEligibilitySchedules.list.json'),
        'roleManagement/directory/roleAssignmentSchedules': [],
        'policies/roleManagementPolicies': [
          {
            id: 'DirectoryRole_policy_1',
            displayName: 'DirectoryRole',
            scopeId: '/',
            scopeType: 'DirectoryRole',
            isOrganizationDefault: false,
            rules: [
              {
                '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
                id: 'Expiration_Admin_Eligibility',
                isExpirationRequired: false,
                maximumDuration: 'P365D',
              },
            ],
          },
        ],
        'policies/roleManagementPolicyAssignments': [
          {
            id: 'DirectoryRole_assignment_1',
            policyId: 'DirectoryRole_policy_1',
            scopeId: '/',
            scopeType: 'DirectoryRole',
            roleDefinitionId: GLOBAL_ADMIN_TEMPLATE,
          },
        ],
        applications: list('applications.list.json'),
        servicePrincipals: sp,
        oauth2PermissionGrants: list('oauth2PermissionGrants.list.json'),
        'identity/conditionalAccess/policies': list('conditionalAccessPolicies.list.json'),
        'identity/conditionalAccess/namedLocations': [
          {
            '@odata.type': '#microsoft.graph.ipNamedLocation',
            id: guid(1, 'c'),
            displayName: 'HQ',
            isTrusted: true,
            ipRanges: [],
          },
        ],
        'policies/appManagementPolicies': [],
        groupSettings: [],
        'reports/authenticationMethods/userRegistrationDetails': list('userRegistrationDetails.list.json'),
        'auditLogs/directoryAudits': audits,
        'auditLogs/signIns': signIns,
        'identityProtection/riskyUsers': list('riskyUsers.list.json'),
        sites: [
          {
            id: 'contoso.sharepoint.com,1,2',
            displayName: 'Team',
            name: 'team',
            webUrl: 'https://contoso.sharepoint.com/sites/team',
          },
        ],
      },
      groupMembers: {
        [groups[0]!.id]: [guid(0), guid(1), groups[1]!.id, sp[0]!.id],
        [groups[1]!.id]: [guid(2), guid(3)],
      },
      groupOwners: { [groups[0]!.id]: [guid(0)] },
      directoryRoleMembers: { [roles[0]!.id]: [guid(1)] },
      appRoleAssignedTo: {
        [sp[0]!.id]: list('appRoleAssignedTo.list.json').map((a) => ({
          ...a,
          resourceId: sp[0]!.id,
          principalId: sp[0]!.id,
        })),
      },
      sitePermissions: {
        'contoso.sharepoint.com,1,2': [
          { id: 'perm1', roles: ['read'], link: { scope: 'anonymous', type: 'view' } },
        ],
      },
      singletons: {
        'policies/authorizationPolicy': example('authorizationPolicy.get.json') as GraphObject,
        'policies/authenticationMethodsPolicy': example(
          'authenticationMethodsPolicy.get.json',
        ) as GraphObject,
        'policies/identitySecurityDefaultsEnforcementPolicy': example(
          'identitySecurityDefaultsEnforcementPolicy.get.json',
        ) as GraphObject,
        'policies/defaultAppManagementPolicy': {
          id: '00000000-0000-0000-0000-000000000000',
          displayName: 'Default app management tenant policy',
          isEnabled: false,
        },
        'admin/sharepoint/settings': {
          id: 'sharepointSettings',
          ...example('sharepointSettings.get.json'),
        } as GraphObject,
        'admin/reportSettings': {
          id: 'reportSettings',
          displayConcealedNames: options.concealNames ?? false,
        },
      },
      usageReports: {
        getOffice365ActiveUserDetail: users.slice(0, 3).map((u) => ({
          'Report Refresh Date': '2025-05-12',
          'User Principal Name': String(u.userPrincipalName),
          'Display Name': String(u.displayName),
          'Is Deleted': 'False',
          'Assigned Products': 'OFFICE 365 E5+MICROSOFT 365 E5',
        })),
      },
    },
    arm: {
      subscriptions: [],
      resources: [],
      dailyCost: [],
      advisorRecommendations: [],
      reservationRecommendations: [],
      metrics: {},
    },
    planted: {
      users: users.length,
      guests: 0,
      disabledUsersWithLicences: [],
      neverSignedInWithLicences: [],
      idleWithLicences: { days30: [], days60: [], days90: [] },
      overlappingLicences: [],
      guestsWithLicences: [],
      globalAdmins: [],
      permanentPrivilegedAssignments: [],
      riskyConsentGrants: [],
      expiringAppCredentials: [],
      usersWithoutMfa: [],
      anyoneLinks: 0,
      orgWideLinks: 0,
      idleAzureResources: [],
      notes: {},
    },
  };
}

export function buildFixtureStore(options: FixtureOptions = {}): TenantStore {
  return createTenantStore(buildFixtureModel(options));
}

/** Every application permission the Graph routes ask for: the default token of the tests. */
export const ALL_ROLES = [
  'Directory.Read.All',
  'AuditLog.Read.All',
  'User.Read.All',
  'Policy.Read.All',
  'RoleManagement.Read.Directory',
  'Application.Read.All',
  'IdentityRiskyUser.Read.All',
  'Sites.FullControl.All',
  'SharePointTenantSettings.Read.All',
  'ReportSettings.Read.All',
  'Reports.Read.All',
  'LicenseAssignment.Read.All',
  'DelegatedPermissionGrant.Read.All',
];

/** A request as the server core hands it to a route, already authenticated. */
export function fakeRequest(
  store: TenantStore,
  pathAndQuery: string,
  init: {
    headers?: Record<string, string>;
    params?: Record<string, string>;
    roles?: string[];
    method?: string;
    body?: string;
  } = {},
): EmulatorRequest {
  return {
    method: init.method ?? 'GET',
    url: new URL(pathAndQuery, 'https://127.0.0.1:8443'),
    headers: Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    rawBody: init.body ?? '',
    params: init.params ?? {},
    token: {
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      tid: TENANT_ID,
      appid: '65415bb1-9267-4313-bbf5-ae259732ee12',
      roles: init.roles ?? ALL_ROLES,
      exp: 0,
      iat: 0,
      nbf: 0,
    },
    tenant: store,
    requestId: '00000000-0000-4000-8000-000000000001',
  };
}
