import { describe, expect, it } from 'vitest';
import { ALL_RESOURCES } from './resources.ts';
import { ALL_ROLES, buildFixtureStore, fixtureUser, GLOBAL_ADMIN_TEMPLATE } from './test-fixture.ts';
import { createHarness } from './test-harness.ts';

const SCOPE = "?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'";

describe('every dataset route', () => {
  const store = buildFixtureStore();
  const h = createHarness(store);
  const paths = [
    ...ALL_RESOURCES.filter((r) => r.path !== 'sites').map(
      (r) => `/v1.0/${r.path}${r.path.startsWith('policies/roleManagementPolic') ? SCOPE : ''}`,
    ),
    '/v1.0/sites?search=*',
    '/v1.0/sites/getAllSites',
    '/v1.0/sites/contoso.sharepoint.com,1,2/permissions',
    '/v1.0/policies/authorizationPolicy',
    '/v1.0/policies/authenticationMethodsPolicy',
    '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy',
    '/v1.0/policies/defaultAppManagementPolicy',
    '/v1.0/admin/sharepoint/settings',
    '/v1.0/admin/reportSettings',
    `/v1.0/users/${fixtureUser(3).id}`,
    `/v1.0/users/${fixtureUser(3).id}/licenseDetails`,
    '/v1.0/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/members',
    '/v1.0/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/owners',
    '/v1.0/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/transitiveMembers',
    '/v1.0/directoryRoles/9ed3a0c4-53e1-498c-ab4d-2473476fde14/members',
    '/v1.0/servicePrincipals/59e617e5-e447-4adc-8b88-00af644d7c92/appRoleAssignedTo',
    '/v1.0/servicePrincipals/59e617e5-e447-4adc-8b88-00af644d7c92/appRoleAssignments',
  ];

  it.each(paths)('GET %s answers 200 and validates against the official schema', async (path) => {
    const res = await h.call(path, { roles: ALL_ROLES });
    expect(res.status).toBe(200);
    expect(res.body['@odata.context']).toMatch(/^https:\/\/127\.0\.0\.1:8443\/v1\.0\/\$metadata#/);
  });

  it('declares anyOfRoles and throttle on every route', () => {
    for (const route of h.routes.filter((r) => r.auth === 'graph' && r.method === 'GET')) {
      expect(route.anyOfRoles?.length, route.path).toBeGreaterThan(0);
      expect(route.throttle, route.path).toBeTypeOf('function');
    }
  });

  it('serves /beta with the same handlers', async () => {
    const res = await h.call('/beta/domains', { roles: ALL_ROLES });
    expect(res.body['@odata.context']).toBe('https://127.0.0.1:8443/beta/$metadata#domains');
  });

  it('answers an unknown id with 404 Request_ResourceNotFound', async () => {
    const res = await h.call('/v1.0/users/nobody');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'Request_ResourceNotFound',
      message:
        "Resource 'nobody' does not exist or one of its queried reference-property objects are not present.",
    });
  });

  it('finds a user by userPrincipalName too', async () => {
    const res = await h.call('/v1.0/users/USER4@contoso.com?$select=id');
    expect(res.body.id).toBe(fixtureUser(4).id);
  });

  it('lists group members as typed directory objects, nested groups expanded transitively', async () => {
    const direct = await h.call('/v1.0/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/members');
    expect(direct.body.value.map((m: Record<string, string>) => m['@odata.type'])).toEqual([
      '#microsoft.graph.user',
      '#microsoft.graph.user',
      '#microsoft.graph.group',
      '#microsoft.graph.servicePrincipal',
    ]);
    const transitive = await h.call('/v1.0/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/transitiveMembers');
    expect(transitive.body.value).toHaveLength(6);
  });

  it('expands group members (≤ 20, no nextLink) and role assignment principal and definition', async () => {
    const groups = await h.call('/v1.0/groups?$expand=members($select=id)');
    expect(groups.body.value[0].members).toHaveLength(4);
    expect(groups.body.value[0].members[0]).toEqual({
      '@odata.type': '#microsoft.graph.user',
      id: fixtureUser(0).id,
    });
    const assignments = await h.call(
      '/v1.0/roleManagement/directory/roleAssignments?$expand=principal,roleDefinition',
    );
    expect(assignments.body.value[0].principal.id).toBe(fixtureUser(1).id);
    expect(assignments.body.value[0].roleDefinition.id).toBe(GLOBAL_ADMIN_TEMPLATE);
    const unknown = await h.call('/v1.0/groups?$expand=nothing');
    expect(unknown.status).toBe(400);
  });

  it('lists the directory (newest first) and sign-in logs newest first', async () => {
    const audits = await h.call('/v1.0/auditLogs/directoryAudits');
    const dates = audits.body.value.map((a: { activityDateTime: string }) => a.activityDateTime);
    expect(dates).toEqual([...dates].sort().reverse());
    const filtered = await h.call(
      '/v1.0/auditLogs/directoryAudits?$filter=activityDateTime ge 2025-05-11T00:00:00Z',
    );
    expect(filtered.body.value).toHaveLength(2);
    const signIns = await h.call('/v1.0/auditLogs/signIns?$filter=createdDateTime le 2025-05-10T00:00:00Z');
    expect(signIns.body.value).toHaveLength(1);
  });

  it('role management policies require the scope filter, and expand rules', async () => {
    const bare = await h.call('/v1.0/policies/roleManagementPolicies');
    expect(bare.status).toBe(400);
    const scoped = await h.call(`/v1.0/policies/roleManagementPolicies${SCOPE}&$expand=rules`);
    expect(scoped.body.value[0].rules).toHaveLength(1);
    const noRules = await h.call(`/v1.0/policies/roleManagementPolicies${SCOPE}`);
    expect(noRules.body.value[0].rules).toBeUndefined();
    const assignment = await h.call(
      `/v1.0/policies/roleManagementPolicyAssignments${SCOPE}&$expand=policy($expand=rules)`,
    );
    expect(assignment.body.value[0].policy.rules).toHaveLength(1);
  });

  it('directoryRoles are not paged', async () => {
    const res = await h.call('/v1.0/directoryRoles?$top=1');
    expect(res.body['@odata.nextLink']).toBeUndefined();
  });
});

describe('licence gates', () => {
  it.each([
    ['free', '/v1.0/auditLogs/signIns', 403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'],
    ['P1', '/v1.0/auditLogs/signIns', 200, undefined],
    ['P1', '/v1.0/roleManagement/directory/roleEligibilitySchedules', 400, 'AadPremiumLicenseRequired'],
    ['P1', '/v1.0/roleManagement/directory/roleAssignmentSchedules', 400, 'AadPremiumLicenseRequired'],
    ['P2', '/v1.0/roleManagement/directory/roleEligibilitySchedules', 200, undefined],
    [
      'P1',
      '/v1.0/identityProtection/riskyUsers',
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    ],
    [
      'free',
      '/v1.0/users?$filter=signInActivity/lastSignInDateTime le 2025-01-01T00:00:00Z',
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    ],
  ] as const)('%s tenant: GET %s → %i', async (plan, path, status, code) => {
    const h = createHarness(buildFixtureStore({ plan }));
    const res = await h.call(path, { roles: ALL_ROLES });
    expect(res.status).toBe(status);
    if (code) expect(res.body.error.code).toBe(code);
  });
});

describe('throttle classes', () => {
  const h = createHarness(buildFixtureStore());
  const throttleOf = (path: string) => {
    const url = new URL(path, 'https://127.0.0.1');
    const route = h.routes.find((r) => r.method === 'GET' && r.path === url.pathname)!;
    return route.throttle!({ url } as never);
  };

  it.each([
    ['/v1.0/users', { kind: 'directory', resourceUnits: 2 }],
    ['/v1.0/users?$select=id,displayName&$top=999', { kind: 'directory', resourceUnits: 1 }],
    ['/v1.0/users?$select=id,signInActivity', { kind: 'signInActivity' }],
    ['/v1.0/subscribedSkus', { kind: 'directory', resourceUnits: 3 }],
    ['/v1.0/applications?$expand=owners', { kind: 'directory', resourceUnits: 3 }],
    ['/v1.0/oauth2PermissionGrants?$top=5', { kind: 'directory', resourceUnits: 1 }],
    ['/v1.0/auditLogs/signIns', { kind: 'identityReports' }],
    ['/v1.0/identity/conditionalAccess/policies', { kind: 'conditionalAccess' }],
  ])('%s costs %o', (path, expected) => {
    expect(throttleOf(path)).toEqual(expected);
  });

  it('groups/{id}/members costs 3 and usage reports count per report', () => {
    const members = h.routes.find((r) => r.path === '/v1.0/groups/:id/members')!;
    expect(members.throttle!({ url: new URL('https://x/v1.0/groups/g/members?$top=999') } as never)).toEqual({
      kind: 'directory',
      resourceUnits: 3,
    });
    const report = h.routes.find((r) => r.path === '/v1.0/reports/:fn')!;
    const req = { url: new URL('https://x/'), params: { fn: "getOffice365ActiveUserDetail(period='D7')" } };
    expect(report.throttle!(req as never)).toEqual({
      kind: 'usageReports',
      report: 'getOffice365ActiveUserDetail',
    });
  });
});

describe('permissions declared per route (least privileged first, graph-protocol.md §7)', () => {
  const h = createHarness(buildFixtureStore());
  it.each([
    ['/v1.0/users', ['User.Read.All'], 200],
    ['/v1.0/users', ['GroupMember.Read.All'], 403],
    ['/v1.0/subscribedSkus', ['LicenseAssignment.Read.All'], 200],
    ['/v1.0/groups', ['GroupMember.Read.All'], 200],
    [
      '/v1.0/roleManagement/directory/roleEligibilitySchedules',
      ['RoleEligibilitySchedule.Read.Directory'],
      200,
    ],
    ['/v1.0/roleManagement/directory/roleEligibilitySchedules', ['User.Read.All'], 403],
    ['/v1.0/auditLogs/signIns', ['AuditLog.Read.All'], 200],
    ['/v1.0/auditLogs/signIns', ['Directory.Read.All'], 403],
    ['/v1.0/identity/conditionalAccess/policies', ['Policy.Read.All'], 200],
    ["/v1.0/reports/getOffice365ActiveUserDetail(period='D30')", ['Reports.Read.All'], 302],
    ['/v1.0/admin/sharepoint/settings', ['SharePointTenantSettings.Read.All'], 200],
    ['/v1.0/sites/contoso.sharepoint.com,1,2/permissions', ['Sites.Read.All'], 403],
  ])('GET %s with %o → %i', async (path, granted, status) => {
    const res = await h.call(path, { roles: granted });
    expect(res.status).toBe(status);
    if (status === 403) expect(res.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('a single user with $select=signInActivity is served to a P1 tenant', async () => {
    const res = await createHarness(buildFixtureStore({ plan: 'P1' })).call(
      `/v1.0/users/${fixtureUser(1).id}?$select=id,signInActivity`,
    );
    expect(res.status).toBe(200);
    expect(res.body.signInActivity.lastSignInDateTime).toBeTruthy();
    expect(res.body['@odata.context']).toBe(
      'https://127.0.0.1:8443/v1.0/$metadata#users(id,signInActivity)/$entity',
    );
  });
});

describe('$expand limits', () => {
  it('expands at most 20 members, while the members endpoint pages them all', async () => {
    const store = buildFixtureStore({ users: 30 });
    const groupId = '02bd9fd6-8f93-4758-87c3-1fb73740a315';
    store.model.graph.groupMembers[groupId] = Array.from({ length: 30 }, (_, i) => fixtureUser(i).id);
    const h = createHarness(store);
    const expanded = await h.call(`/v1.0/groups/${groupId}?$expand=members`);
    expect(expanded.body.members).toHaveLength(20);
    expect(expanded.body['members@odata.nextLink']).toBeUndefined();
    const paged = await h.call(`/v1.0/groups/${groupId}/members?$top=25`);
    expect(paged.body.value).toHaveLength(25);
    expect(paged.body['@odata.nextLink']).toBeTruthy();
  });
});
