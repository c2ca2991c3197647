import { describe, expect, test } from 'vitest';
import { runOne } from '../src/analyse/posture/testing/raw.ts';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
/** users.list.json shape */
const user = (n: number, over: Record<string, unknown> = {}) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  displayName: `User ${n}`,
  userPrincipalName: `user${n}@contoso.com`,
  userType: 'Member',
  accountEnabled: true,
  createdDateTime: '2024-01-01T00:00:00Z',
  onPremisesSyncEnabled: null,
  assignedLicenses: [],
  ...over,
});
/** roleAssignments.list.json shape */
const assignment = (u: { id: string }, role: string) => ({
  id: `ra-${u.id}-${role}`,
  principalId: u.id,
  roleDefinitionId: role,
  directoryScopeId: '/',
});
const users = [1, 2, 3, 4, 5, 6].map((n) => user(n));

describe('role checks', () => {
  test.each([
    ['two Global Administrators pass (CIS 2–4)', 2, 'pass'],
    ['one Global Administrator fails', 1, 'fail'],
    ['five Global Administrators fail the default maximum of four', 5, 'fail'],
  ])('%s', (_n, count, state) => {
    const r = runOne('rol-global-admin-count', {
      users,
      roleAssignments: users.slice(0, count).map((u) => assignment(u, GA)),
    });
    expect(r.state).toBe(state);
    expect(r.evidenceTotal).toBe(count);
    expect(r.evidence[0]?.name).toBe('user1@contoso.com');
  });

  test('the Global Administrator limit is a setting (SCuBA allows up to eight)', () => {
    const ra = users.slice(0, 5).map((u) => assignment(u, GA));
    const scuba = { thresholds: { globalAdminMax: 8 } } as never;
    expect(runOne('rol-global-admin-count', { users, roleAssignments: ra }, { settings: scuba }).state).toBe(
      'pass',
    );
  });

  test.each([
    [
      'a synced admin fails cloud-only',
      'rol-admins-cloud-only',
      [user(1, { onPremisesSyncEnabled: true })],
      'fail',
    ],
    ['a cloud-only admin passes', 'rol-admins-cloud-only', [user(1)], 'pass'],
    ['a guest admin fails', 'gst-no-privileged-roles', [user(1, { userType: 'Guest' })], 'fail'],
  ])('%s', (_n, id, us, state) => {
    expect(
      runOne(id, {
        users: us,
        roleAssignments: [assignment(us[0]!, USER_ADMIN)],
        roleEligibilitySchedules: [],
      }).state,
    ).toBe(state);
  });

  test('PIM-eligible admins count for the GA ratio when the tenant has PIM, and notLicensed PIM data reads as none', () => {
    const ra = [assignment(users[0]!, GA)];
    const eligible = [assignment(users[1]!, USER_ADMIN)];
    expect(
      runOne('rol-ga-ratio', { users, roleAssignments: ra, roleEligibilitySchedules: eligible }).state,
    ).toBe('pass');
    expect(
      runOne('rol-ga-ratio', {
        users,
        roleAssignments: ra,
        roleEligibilitySchedules: { status: 'notLicensed' },
      }).state,
    ).toBe('fail');
    expect(
      runOne('rol-ga-ratio', { users, roleAssignments: ra, roleEligibilitySchedules: { status: 'error' } })
        .state,
    ).toBe('unknown');
  });

  const pimPolicy = (approval: boolean) => [
    {
      id: `Directory_x_${GA}`,
      roleDefinitionId: GA,
      policy: {
        id: 'p',
        rules: [{ id: 'Approval_EndUser_Assignment', setting: { isApprovalRequired: approval } }],
      },
    },
  ];
  test.each([
    ['GA activation with approval passes', pimPolicy(true), 'P2', 'pass'],
    ['GA activation without approval fails', pimPolicy(false), 'P2', 'fail'],
    ['a P1 tenant is notLicensed for PIM checks', pimPolicy(false), 'P1', 'notLicensed'],
    ['no GA policy in the snapshot is not applicable', [], 'P2', 'notApplicable'],
  ])('%s', (_n, assignments, plan, state) => {
    expect(
      runOne(
        'rol-ga-activation-approval',
        { roleManagementPolicyAssignments: assignments },
        { plan: plan as 'P1' | 'P2' },
      ).state,
    ).toBe(state);
  });

  test('permanent privileged assignments fail, except the declared break-glass account', () => {
    const schedule = (u: { id: string }) => ({
      id: `s-${u.id}`,
      principalId: u.id,
      roleDefinitionId: GA,
      assignmentType: 'Assigned',
      scheduleInfo: { expiration: { type: 'noExpiration', endDateTime: null } },
    });
    const data = { users, roleAssignmentSchedules: [schedule(users[0]!)] };
    expect(runOne('rol-no-permanent-active-privileged', data).state).toBe('fail');
    expect(
      runOne('rol-no-permanent-active-privileged', data, { settings: { breakGlass: [users[0]!.id] } }).state,
    ).toBe('pass');
  });
});

describe('identity, MFA and licence checks', () => {
  const activity = (u: { id: string }, last: string | null) => ({
    id: u.id,
    signInActivity: {
      lastSignInDateTime: last,
      lastNonInteractiveSignInDateTime: '0001-01-01T00:00:00Z',
      lastSuccessfulSignInDateTime: last,
    },
  });
  test.each([
    ['a member active last week passes', '2026-10-25T00:00:00Z', 'pass'],
    ['a member idle for 200 days fails', '2026-04-15T00:00:00Z', 'fail'],
    ['a member who never signed in counts from creation', null, 'fail'],
  ])('inactive members: %s', (_n, last, state) => {
    expect(
      runOne('usr-inactive-members', { users: [users[0]!], userSignInActivity: [activity(users[0]!, last)] })
        .state,
    ).toBe(state);
  });

  test('inactive members is notLicensed on a Free tenant, and when sign-in activity is notLicensed', () => {
    expect(runOne('usr-inactive-members', { users, userSignInActivity: [] }, { plan: 'Free' }).state).toBe(
      'notLicensed',
    );
    expect(
      runOne('usr-inactive-members', { users, userSignInActivity: { status: 'notLicensed' } }).state,
    ).toBe('notLicensed');
  });

  test.each([
    ['an MFA-capable member passes', true, 'pass'],
    ['a member who is not MFA capable fails', false, 'fail'],
  ])('MFA capability: %s', (_n, capable, state) => {
    const reg = [
      {
        id: users[0]!.id,
        userPrincipalName: 'user1@contoso.com',
        userType: 'member',
        isMfaRegistered: capable,
        isMfaCapable: capable,
        methodsRegistered: [],
      },
    ];
    expect(runOne('mfa-members-capable', { users: [users[0]!], userRegistrationDetails: reg }).state).toBe(
      state,
    );
  });

  test.each([
    [
      'a disabled account holding a licence fails',
      user(1, {
        accountEnabled: false,
        assignedLicenses: [{ skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df' }],
      }),
      'fail',
    ],
    ['a disabled account without licences passes', user(1, { accountEnabled: false }), 'pass'],
  ])('%s', (_n, u, state) => {
    expect(runOne('lic-disabled-users-licensed', { users: [u] }).state).toBe(state);
  });
});

describe('apps and oversharing', () => {
  /** servicePrincipals.list.json / appRoleAssignedTo.list.json shapes */
  const graph = {
    id: 'graph-sp',
    appId: '00000003-0000-0000-c000-000000000000',
    displayName: 'Microsoft Graph',
    appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    appRoles: [
      { id: 'b633e1c5-b582-4048-a93e-9f11b44c7e96', value: 'Mail.Send' },
      { id: 'df021288-bdef-4463-88db-98f22de89214', value: 'User.Read.All' },
    ],
  };
  const client = {
    id: 'client-sp',
    appId: 'c1',
    displayName: 'MailMerge Pro',
    appOwnerOrganizationId: 'other-tenant',
  };
  const grant = (appRoleId: string) => [
    {
      parentId: 'graph-sp',
      items: [
        {
          id: 'g1',
          appRoleId,
          principalId: 'client-sp',
          principalDisplayName: 'MailMerge Pro',
          resourceId: 'graph-sp',
          resourceDisplayName: 'Microsoft Graph',
        },
      ],
    },
  ];
  test.each([
    ['Mail.Send granted to a third-party app fails', 'b633e1c5-b582-4048-a93e-9f11b44c7e96', 'fail'],
    ['User.Read.All alone passes', 'df021288-bdef-4463-88db-98f22de89214', 'pass'],
  ])('%s', (_n, role, state) => {
    const r = runOne('app-high-priv-app-permissions', {
      servicePrincipals: [graph, client],
      appRoleAssignedTo: grant(role),
    });
    expect(r.state).toBe(state);
    if (state === 'fail')
      expect(r.evidence[0]).toMatchObject({
        id: 'client-sp',
        name: 'MailMerge Pro',
        properties: { permission: 'Mail.Send' },
      });
  });

  const group = (id: string, name: string, visibility: string, over: Record<string, unknown> = {}) => ({
    id,
    displayName: name,
    groupTypes: ['Unified'],
    visibility,
    isAssignableToRole: null,
    ...over,
  });
  const members = (id: string, guest: boolean) => ({
    parentId: id,
    items: [
      {
        '@odata.type': '#microsoft.graph.user',
        id: 'u1',
        displayName: 'A',
        userPrincipalName: guest ? 'a_fabrikam.com#EXT#@contoso.com' : 'a@contoso.com',
        userType: guest ? 'Guest' : 'Member',
      },
    ],
  });
  test.each([
    [
      'a public group with a guest fails',
      [group('g1', 'Project X', 'Public')],
      [members('g1', true)],
      'fail',
    ],
    [
      'a private group with a guest passes',
      [group('g1', 'Project X', 'Private')],
      [members('g1', true)],
      'pass',
    ],
    [
      'a public group without guests passes',
      [group('g1', 'Project X', 'Public')],
      [members('g1', false)],
      'pass',
    ],
  ])('public groups with guests: %s', (_n, groups, groupMembers, state) => {
    expect(runOne('cop-public-groups-with-guests', { groups, groupMembers }).state).toBe(state);
  });

  test('a guest in the Finance Team group fails the sensitive-group check; unreadable members give unknown', () => {
    const groups = [group('g1', 'Finance Team', 'Private')];
    expect(
      runOne('cop-guests-in-sensitive-groups', { groups, groupMembers: [members('g1', true)] }).state,
    ).toBe('fail');
    expect(
      runOne('cop-guests-in-sensitive-groups', { groups, groupMembers: { status: 'error' } }).state,
    ).toBe('unknown');
  });
});
