/**
 * Microsoft Graph application permissions (app roles of the Microsoft Graph service principal,
 * appId 00000003-0000-0000-c000-000000000000) with their real ids.
 *
 * Source: Microsoft Learn "Microsoft Graph permissions reference"
 * (learn.microsoft.com/graph/permissions-reference); each id below was cross-checked against at
 * least one independent listing of the Graph service principal's appRoles.
 */

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** The Microsoft Services tenant that owns first-party apps (appOwnerOrganizationId). */
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export const GRAPH_APP_ROLES: Record<string, string> = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'User.ReadWrite.All': '741f803b-c850-494e-b5df-cde7c675a1ca',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Group.Read.All': '5b567255-7703-4780-807c-7be8301ae99b',
  'Group.ReadWrite.All': '62a82d76-70ea-41e2-9197-370581804d09',
  'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6',
  'Mail.Read': '810c84a8-4a9e-49e6-bf7d-12d183f40d01',
  'Mail.ReadWrite': 'e2a3a72e-5f79-4c64-b1b1-878b674786c9',
  'Mail.Send': 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
  'Files.Read.All': '01d4889c-1287-42c6-ac1f-5d1e02578ef6',
  'Files.ReadWrite.All': '75359482-378d-4052-8f01-80520e7db3cd',
  'Sites.Read.All': '332a536c-c7ef-4017-ab91-336970924f0d',
  'Sites.ReadWrite.All': '9492366f-7969-46a4-8d15-ed1a20078fff',
  'Sites.FullControl.All': 'a82116e5-55eb-4c41-a434-62fe8a61c773',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'RoleManagement.Read.Directory': '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
  'RoleManagement.ReadWrite.Directory': '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
  'RoleEligibilitySchedule.Read.Directory': 'ff278e11-4a33-4d0c-83d2-d01dc58929a5',
  'RoleAssignmentSchedule.Read.Directory': 'd5fe8ce8-684c-4c83-a52c-46e882ce4be1',
  'RoleManagementPolicy.Read.Directory': 'fdc4c997-9942-4479-bfcb-75a36d1138df',
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
  'Policy.Read.All': '246dd0d5-5bd0-4def-940b-0421030a5b68',
  'Organization.Read.All': '498476ce-e0fe-48b0-b801-37ba7e2685c6',
  'Domain.Read.All': 'dbb9058a-0e50-45d7-ae91-66909b5d4664',
  'LicenseAssignment.Read.All': 'e2f98668-2877-4f38-a2f4-8202e0717aa1',
  'Reports.Read.All': '230c1aed-a721-4c5d-9cb4-a90514e508ef',
  'ReportSettings.Read.All': 'ee353f83-55ef-4b78-82da-555bfa2b4b95',
  'SharePointTenantSettings.Read.All': '83d4163d-a2d8-4d3b-9695-4ae3ca98f888',
  'IdentityRiskyUser.Read.All': 'dc5007c0-2d7d-4c42-879c-2dab87571379',
  'SecurityEvents.Read.All': 'bf394140-e372-4bf9-a898-299cfc7564e5',
  'DelegatedPermissionGrant.Read.All': '81b4724a-58aa-41c1-8a55-84ef97466587',
};

/** Delegated scopes of Microsoft Graph (oauth2PermissionScopes) the generator grants. */
export const GRAPH_DELEGATED_SCOPES: Record<string, string> = {
  'User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
  offline_access: '7427e0e9-2fba-42fe-b0c0-848c9e6a8182',
  openid: '37f7f235-527c-4136-accd-4a02d197296e',
  'Mail.Read': '570282fd-fa5c-430d-a7fd-fc8dc98a9dca',
  'Files.ReadWrite.All': '863451e7-0667-486c-a5d6-d135439485f0',
};

/** The read-only application permissions Tenantscope asks for (DESIGN.md "Data handling"). */
export const TENANTSCOPE_APP_ROLES = [
  'User.Read.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'Directory.Read.All',
  'AuditLog.Read.All',
  'Policy.Read.All',
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'RoleAssignmentSchedule.Read.Directory',
  'RoleManagementPolicy.Read.Directory',
  'Application.Read.All',
  'Organization.Read.All',
  'Domain.Read.All',
  'LicenseAssignment.Read.All',
  'Reports.Read.All',
  'ReportSettings.Read.All',
  'SharePointTenantSettings.Read.All',
  'Sites.Read.All',
  'IdentityRiskyUser.Read.All',
  'SecurityEvents.Read.All',
  'DelegatedPermissionGrant.Read.All',
] as const;

/**
 * Permissions the generator treats as risky when granted to a non-Microsoft app: write access to
 * the directory or roles, or read access to mail and files (content). Read-only directory
 * permissions such as Tenantscope's are not on this list.
 */
export const RISKY_APP_ROLES: readonly string[] = [
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Send',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'Sites.FullControl.All',
  'Directory.ReadWrite.All',
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
];
export const RISKY_DELEGATED_SCOPES: readonly string[] = [
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Send',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Directory.ReadWrite.All',
  'Sites.ReadWrite.All',
];

/** Well-known first-party application ids (Microsoft Learn "Verify first-party Microsoft applications"). */
export const FIRST_PARTY_APPS: readonly { appId: string; displayName: string }[] = [
  { appId: GRAPH_APP_ID, displayName: 'Microsoft Graph' },
  { appId: '00000002-0000-0ff1-ce00-000000000000', displayName: 'Office 365 Exchange Online' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', displayName: 'Office 365 SharePoint Online' },
  { appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', displayName: 'Windows Azure Service Management API' },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', displayName: 'Microsoft Teams' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', displayName: 'Azure Portal' },
  { appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', displayName: 'Graph Explorer' },
  { appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', displayName: 'Microsoft Azure CLI' },
  { appId: '1950a258-227b-4e31-a9cf-717495945fc2', displayName: 'Microsoft Azure PowerShell' },
  { appId: 'c5393580-f805-4401-95e8-94b7a6ef2fc2', displayName: 'Office 365 Management APIs' },
];
