import { USER_DEFAULT_PROPERTIES } from './projection.ts';
import { SCHEMA_PROPERTIES } from './properties.generated.ts';
import { expandRelationship } from './relations.ts';
import { DIRECTORY_PAGE, directory, spec } from './resource-defaults.ts';
import type { ResourceSpec } from './resource-spec.ts';

/** Directory object collections: advanced-query rules, `$count`, 100/999 pages (aad-advanced-queries.md). */
export const USERS = directory({
  path: 'users',
  collection: 'users',
  type: 'user',
  resourceName: 'User',
  defaultSelect: USER_DEFAULT_PROPERTIES,
  orderable: ['displayName', 'userPrincipalName'],
  navigation: ['manager', 'memberOf', 'licenseDetails', 'appRoleAssignments'],
  filterable: [
    'id',
    'userPrincipalName',
    'displayName',
    'givenName',
    'surname',
    'mail',
    'mailNickname',
    'userType',
    'accountEnabled',
    'createdDateTime',
    'department',
    'jobTitle',
    'companyName',
    'country',
    'city',
    'employeeId',
    'onPremisesSyncEnabled',
    'proxyAddresses',
    'otherMails',
    'assignedLicenses',
    'assignedLicenses/skuId',
    'assignedPlans',
    'assignedPlans/servicePlanId',
    'assignedPlans/capabilityStatus',
    'signInActivity/lastSignInDateTime',
    'signInActivity/lastNonInteractiveSignInDateTime',
    'signInActivity/lastSuccessfulSignInDateTime',
  ],
});

export const GROUPS = directory({
  path: 'groups',
  collection: 'groups',
  type: 'group',
  resourceName: 'Group',
  navigation: ['members', 'owners', 'transitiveMembers'],
  filterable: [
    'id',
    'displayName',
    'mail',
    'mailNickname',
    'mailEnabled',
    'securityEnabled',
    'groupTypes',
    'isAssignableToRole',
    'membershipRuleProcessingState',
    'onPremisesSyncEnabled',
    'assignedLicenses',
    'assignedLicenses/skuId',
  ],
  // The docs' own example of a non-indexed filter is groups' createdDateTime.
  advancedFilterable: ['createdDateTime', 'description', 'visibility'],
  expand: { members: expandRelationship('groupMembers'), owners: expandRelationship('groupOwners') },
});

export const APPLICATIONS = directory({
  path: 'applications',
  collection: 'applications',
  type: 'application',
  resourceName: 'Application',
  navigation: ['owners', 'extensionProperties'],
  filterable: ['id', 'appId', 'displayName', 'signInAudience', 'publisherDomain', 'tags', 'identifierUris'],
  advancedFilterable: ['createdDateTime', 'passwordCredentials', 'keyCredentials'],
});

export const SERVICE_PRINCIPALS = directory({
  path: 'servicePrincipals',
  collection: 'servicePrincipals',
  type: 'servicePrincipal',
  resourceName: 'ServicePrincipal',
  navigation: ['owners', 'appRoleAssignedTo', 'appRoleAssignments', 'oauth2PermissionGrants'],
  filterable: [
    'id',
    'appId',
    'displayName',
    'servicePrincipalType',
    'accountEnabled',
    'appOwnerOrganizationId',
    'servicePrincipalNames',
    'tags',
  ],
});

export const DIRECTORY_ROLES = directory({
  path: 'directoryRoles',
  collection: 'directoryRoles',
  type: 'directoryRole',
  resourceName: 'DirectoryRole',
  navigation: ['members', 'scopedMembers'],
  filterable: ['id', 'roleTemplateId', 'displayName'],
  noPaging: true,
});

/**
 * Relationship lists (`/groups/{id}/members`, `/directoryRoles/{id}/members`): directory objects of
 * several types, so `$select` accepts any property of user, group, servicePrincipal or device.
 */
export function membersSpec(path: string, noPaging = false): ResourceSpec {
  return spec({
    path,
    collection: 'users',
    type: 'directoryObject',
    resourceName: 'DirectoryObject',
    directory: true,
    page: DIRECTORY_PAGE,
    noPaging,
    extraProperties: MEMBER_PROPERTIES,
  });
}

const MEMBER_PROPERTIES = [
  ...new Set(
    ['user', 'group', 'servicePrincipal', 'device', 'orgContact'].flatMap((t) => SCHEMA_PROPERTIES[t] ?? []),
  ),
];
