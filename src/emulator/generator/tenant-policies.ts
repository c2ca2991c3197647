/**
 * Tenant-wide policy singletons and settings: authorization policy, authentication methods
 * policy, security defaults, app management policies and directory settings (groupSettings).
 * Shapes follow graph/examples/*.get.json; values differ by profile.
 */
import type { GraphObject } from '../contract.ts';
import { GUEST_ROLE } from './catalog/roles.ts';
import type { GenContext } from './context.ts';

export function authorizationPolicy(ctx: GenContext): GraphObject {
  const p = ctx.profile;
  return {
    id: 'authorizationPolicy',
    deletedDateTime: null,
    displayName: 'Authorization Policy',
    description: 'Used to manage authorization related settings across the company.',
    allowInvitesFrom:
      p === 'hardened'
        ? 'adminsAndGuestInviters'
        : p === 'typical'
          ? 'adminsGuestInvitersAndAllMembers'
          : 'everyone',
    allowedToSignUpEmailBasedSubscriptions: p === 'neglected',
    allowedToUseSSPR: true,
    allowEmailVerifiedUsersToJoinOrganization: p === 'neglected',
    allowUserConsentForRiskyApps: p === 'neglected' ? true : null,
    blockMsolPowerShell: p === 'hardened',
    guestUserRoleId:
      p === 'hardened'
        ? GUEST_ROLE.restricted
        : p === 'typical'
          ? GUEST_ROLE.limited
          : GUEST_ROLE.sameAsMembers,
    defaultUserRolePermissions: {
      allowedToCreateApps: p === 'neglected',
      allowedToCreateSecurityGroups: p !== 'hardened',
      allowedToCreateTenants: p === 'neglected',
      allowedToReadBitlockerKeysForOwnedDevice: true,
      allowedToReadOtherUsers: true,
      // Microsoft's built-in permission grant policies: "legacy" lets users consent to any app.
      permissionGrantPoliciesAssigned:
        p === 'hardened'
          ? []
          : p === 'typical'
            ? ['ManagePermissionGrantsForSelf.microsoft-user-default-low']
            : ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
    },
  };
}

export function securityDefaults(ctx: GenContext): GraphObject {
  return {
    id: '00000000-0000-0000-0000-000000000005',
    deletedDateTime: null,
    displayName: 'Security Defaults',
    description:
      'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
    // With Conditional Access in use, security defaults must be off; a free tenant relies on them.
    isEnabled: ctx.plan === 'free' && ctx.profile !== 'neglected',
  };
}

export function authenticationMethodsPolicy(ctx: GenContext): GraphObject {
  const p = ctx.profile;
  const on = (yes: boolean) => (yes ? 'enabled' : 'disabled');
  const allUsers = [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }];
  const t = (name: string) => `#microsoft.graph.${name}AuthenticationMethodConfiguration`;
  const feature = (state: string) => ({
    state,
    includeTarget: { targetType: 'group', id: 'all_users' },
    excludeTarget: { targetType: 'group', id: '00000000-0000-0000-0000-000000000000' },
  });
  return {
    id: 'authenticationMethodsPolicy',
    displayName: 'Authentication Methods Policy',
    description:
      'The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings',
    lastModifiedDateTime: ctx.clock.daysAgo(p === 'neglected' ? 700 : 40),
    policyVersion: '1.5',
    reconfirmationInDays: null,
    policyMigrationState:
      p === 'hardened' ? 'migrationComplete' : p === 'typical' ? 'migrationInProgress' : 'preMigration',
    registrationEnforcement: {
      authenticationMethodsRegistrationCampaign: {
        snoozeDurationInDays: 1,
        state: p === 'hardened' ? 'enabled' : 'default',
        excludeTargets: [],
        includeTargets: [
          { id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'microsoftAuthenticator' },
        ],
      },
    },
    authenticationMethodConfigurations: [
      {
        '@odata.type': t('fido2'),
        id: 'Fido2',
        state: on(p !== 'neglected'),
        excludeTargets: [],
        isSelfServiceRegistrationAllowed: true,
        isAttestationEnforced: p === 'hardened',
        keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
        includeTargets: allUsers,
      },
      {
        '@odata.type': t('microsoftAuthenticator'),
        id: 'MicrosoftAuthenticator',
        state: 'enabled',
        excludeTargets: [],
        isSoftwareOathEnabled: false,
        featureSettings: {
          displayAppInformationRequiredState: feature(p === 'hardened' ? 'enabled' : 'default'),
          displayLocationInformationRequiredState: feature(p === 'hardened' ? 'enabled' : 'default'),
        },
        includeTargets: [{ ...allUsers[0], authenticationMode: 'any' }],
      },
      {
        '@odata.type': t('sms'),
        id: 'Sms',
        state: on(p !== 'hardened'),
        excludeTargets: [],
        includeTargets: [{ ...allUsers[0], isUsableForSignIn: p === 'neglected' }],
      },
      {
        '@odata.type': t('voice'),
        id: 'Voice',
        state: on(p === 'neglected'),
        excludeTargets: [],
        isOfficePhoneAllowed: false,
        includeTargets: allUsers,
      },
      {
        '@odata.type': t('email'),
        id: 'Email',
        state: on(p !== 'hardened'),
        excludeTargets: [],
        allowExternalIdToUseEmailOtp: 'default',
        includeTargets: allUsers,
      },
      {
        '@odata.type': t('temporaryAccessPass'),
        id: 'TemporaryAccessPass',
        state: on(p === 'hardened'),
        excludeTargets: [],
        defaultLength: 8,
        defaultLifetimeInMinutes: 60,
        isUsableOnce: true,
        maximumLifetimeInMinutes: 480,
        minimumLifetimeInMinutes: 60,
        includeTargets: allUsers,
      },
      {
        '@odata.type': t('softwareOath'),
        id: 'SoftwareOath',
        state: on(p !== 'neglected'),
        excludeTargets: [],
        includeTargets: allUsers,
      },
      {
        '@odata.type': t('x509Certificate'),
        id: 'X509Certificate',
        state: 'disabled',
        excludeTargets: [],
        includeTargets: allUsers,
      },
    ],
  };
}

/** `policies/defaultAppManagementPolicy` (tenantAppManagementPolicy) and custom appManagementPolicies. */
export function defaultAppManagementPolicy(ctx: GenContext): GraphObject {
  const enforced = ctx.profile === 'hardened';
  const after = '2024-01-01T00:00:00Z';
  return {
    id: '00000000-0000-0000-0000-000000000000',
    displayName: 'Default app management tenant policy',
    description:
      'Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.',
    isEnabled: enforced,
    applicationRestrictions: {
      passwordCredentials: enforced
        ? [
            {
              restrictionType: 'passwordAddition',
              maxLifetime: null,
              restrictForAppsCreatedAfterDateTime: after,
            },
            {
              restrictionType: 'passwordLifetime',
              maxLifetime: 'P180D',
              restrictForAppsCreatedAfterDateTime: after,
            },
          ]
        : [],
      keyCredentials: enforced
        ? [
            {
              restrictionType: 'asymmetricKeyLifetime',
              maxLifetime: 'P365D',
              restrictForAppsCreatedAfterDateTime: after,
            },
          ]
        : [],
    },
    servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
  };
}

export function appManagementPolicies(ctx: GenContext): GraphObject[] {
  if (ctx.profile !== 'hardened') return [];
  return [
    {
      id: ctx.rng.stream('appManagementPolicies').guid(),
      displayName: 'Legacy integrations exception',
      description: 'Longer secret lifetime for two legacy integrations, reviewed quarterly.',
      isEnabled: true,
      restrictions: {
        passwordCredentials: [
          {
            restrictionType: 'passwordLifetime',
            maxLifetime: 'P365D',
            restrictForAppsCreatedAfterDateTime: '2019-01-01T00:00:00Z',
          },
        ],
        keyCredentials: [],
      },
    },
  ];
}

/** Directory settings from the Group.Unified and Password Rule Settings templates (Microsoft Learn, "Group.Unified" template). */
export function groupSettings(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('groupSettings');
  if (ctx.profile === 'neglected') return []; // defaults: anyone creates groups, guests welcome
  const hardened = ctx.profile === 'hardened';
  const b = (v: boolean) => (v ? 'true' : 'false');
  const unified = [
    ['EnableMIPLabels', b(hardened)],
    ['CustomBlockedWordsList', ''],
    ['EnableMSStandardBlockedWords', 'false'],
    ['ClassificationDescriptions', ''],
    ['DefaultClassification', ''],
    ['PrefixSuffixNamingRequirement', hardened ? 'GRP-[GroupName]' : ''],
    ['AllowGuestsToBeGroupOwner', 'false'],
    ['AllowGuestsToAccessGroups', 'true'],
    ['GuestUsageGuidelinesUrl', hardened ? `https://intranet.${ctx.defaultDomain}/guests` : ''],
    ['GroupCreationAllowedGroupId', hardened ? ctx.groups.admins : ''],
    ['AllowToAddGuests', b(!hardened)],
    ['UsageGuidelinesUrl', ''],
    ['ClassificationList', ''],
    ['EnableGroupCreation', b(!hardened)],
    ['NewUnifiedGroupWritebackDefault', 'true'],
  ];
  const password = [
    ['BannedPasswordCheckOnPremisesMode', hardened ? 'Enforce' : 'Audit'],
    ['EnableBannedPasswordCheckOnPremises', 'true'],
    ['EnableBannedPasswordCheck', 'true'],
    ['LockoutDurationInSeconds', '60'],
    ['LockoutThreshold', '10'],
    ['BannedPasswordList', ctx.displayName.toLowerCase()],
  ];
  const setting = (name: string, templateId: string, values: string[][]): GraphObject => ({
    id: rng.guid(),
    displayName: name,
    templateId,
    values: values.map(([n, value]) => ({ name: n, value })),
  });
  return [
    setting('Group.Unified', '62375ab9-6b52-47ed-826b-58e47e0e304b', unified),
    setting('Password Rule Settings', '5cf42378-d67d-4f36-ba46-e8b86229381d', password),
  ];
}
