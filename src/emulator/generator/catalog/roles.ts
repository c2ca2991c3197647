/**
 * Built-in Entra roles used by the generator. Template ids are Microsoft's, from Microsoft
 * Learn "Microsoft Entra built-in roles" (learn.microsoft.com/entra/identity/role-based-access-
 * control/permissions-reference). For built-in roles `roleDefinitionId` = template id.
 */

export interface RoleTemplate {
  id: string;
  displayName: string;
  description: string;
  /** Counted in `planted.permanentPrivilegedAssignments` when permanent (see README). */
  privileged: boolean;
  /** A couple of real resource actions, so roleDefinitions are not empty. */
  actions: string[];
}

const role = (
  id: string,
  displayName: string,
  description: string,
  privileged: boolean,
  actions: string[],
) => ({
  id,
  displayName,
  description,
  privileged,
  actions,
});

export const ROLES = {
  globalAdmin: role(
    '62e90394-69f5-4237-9190-012177145e10',
    'Global Administrator',
    'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
    true,
    [
      'microsoft.directory/users/allProperties/allTasks',
      'microsoft.directory/roleAssignments/allProperties/allTasks',
    ],
  ),
  privilegedRoleAdmin: role(
    'e8611ab8-c189-46e8-94e1-60213ab1f814',
    'Privileged Role Administrator',
    'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
    true,
    ['microsoft.directory/roleAssignments/allProperties/allTasks'],
  ),
  securityAdmin: role(
    '194ae4cb-b126-40b2-bd5b-6091b380977d',
    'Security Administrator',
    'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
    true,
    [
      'microsoft.directory/conditionalAccessPolicies/standard/read',
      'microsoft.directory/auditLogs/allProperties/read',
    ],
  ),
  exchangeAdmin: role(
    '29232cdf-9323-42fd-ade2-1d097af3e4de',
    'Exchange Administrator',
    'Can manage all aspects of the Exchange product.',
    true,
    ['microsoft.office365.exchange/allEntities/basic/allTasks'],
  ),
  sharePointAdmin: role(
    'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
    'SharePoint Administrator',
    'Can manage all aspects of the SharePoint service.',
    true,
    ['microsoft.office365.sharePoint/allEntities/allTasks'],
  ),
  userAdmin: role(
    'fe930be7-5e62-47db-91af-98c3a49a38b1',
    'User Administrator',
    'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
    true,
    ['microsoft.directory/users/create', 'microsoft.directory/users/delete'],
  ),
  globalReader: role(
    'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
    'Global Reader',
    'Can read everything that a Global Administrator can, but not update anything.',
    false,
    ['microsoft.directory/users/allProperties/read'],
  ),
  applicationAdmin: role(
    '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
    'Application Administrator',
    'Can create and manage all aspects of app registrations and enterprise apps.',
    true,
    ['microsoft.directory/applications/create', 'microsoft.directory/servicePrincipals/credentials/update'],
  ),
  cloudAppAdmin: role(
    '158c047a-c907-4556-b7ef-446551a6b5f7',
    'Cloud Application Administrator',
    'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.',
    true,
    ['microsoft.directory/applications/create'],
  ),
  conditionalAccessAdmin: role(
    'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
    'Conditional Access Administrator',
    'Can manage Conditional Access capabilities.',
    true,
    ['microsoft.directory/conditionalAccessPolicies/create'],
  ),
  helpdeskAdmin: role(
    '729827e3-9c14-49f7-bb1b-9608f156bbb8',
    'Helpdesk Administrator',
    'Can reset passwords for non-administrators and Helpdesk Administrators.',
    true,
    ['microsoft.directory/users/password/update'],
  ),
} satisfies Record<string, RoleTemplate>;

export type RoleKey = keyof typeof ROLES;
export const ALL_ROLES: RoleTemplate[] = Object.values(ROLES);
export const PRIVILEGED_ROLE_IDS: ReadonlySet<string> = new Set(
  ALL_ROLES.filter((r) => r.privileged).map((r) => r.id),
);

/**
 * Guest user role ids for `authorizationPolicy.guestUserRoleId` (Microsoft Learn,
 * "Restrict guest access permissions"): same as members / limited (default) / restricted.
 */
export const GUEST_ROLE = {
  sameAsMembers: 'a0b1b346-4d3e-4e8b-98f8-753987be4970',
  limited: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  restricted: '2af84b1e-32c8-42b7-82bc-daa82404023b',
} as const;
