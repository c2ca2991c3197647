import { createHash, randomUUID } from 'node:crypto';
import forge from 'node-forge';
import type { EmulatedClient, GraphCollections, GraphSingletons, TenantModel } from '../contract.ts';
import { rsaKeys } from './tls.ts';

/**
 * Tiny hand-built tenants for the server, identity and control tests, so they do not depend on
 * the generator. Every value a test asserts on is a parameter or a named constant here.
 */
export const FIXTURE_SECRET = 'fixture-secret-value~0123456789';
export const EXPIRED_SECRET = 'fixture-expired-secret~9876543210';
export const ADMIN_PASSWORD = 'correct horse battery staple';
export const REDIRECT_URI = 'https://app.example/callback';

export interface FixtureOptions {
  tenantId?: string;
  domain?: string;
  users?: number;
  entraPlan?: TenantModel['entraPlan'];
  appRoles?: string[];
}

const COLLECTIONS: (keyof GraphCollections)[] = [
  'users',
  'groups',
  'subscribedSkus',
  'organization',
  'domains',
  'directoryRoles',
  'roleManagement/directory/roleDefinitions',
  'roleManagement/directory/roleAssignments',
  'roleManagement/directory/roleEligibilitySchedules',
  'roleManagement/directory/roleAssignmentSchedules',
  'policies/roleManagementPolicies',
  'policies/roleManagementPolicyAssignments',
  'applications',
  'servicePrincipals',
  'oauth2PermissionGrants',
  'identity/conditionalAccess/policies',
  'identity/conditionalAccess/namedLocations',
  'policies/appManagementPolicies',
  'groupSettings',
  'reports/authenticationMethods/userRegistrationDetails',
  'auditLogs/directoryAudits',
  'auditLogs/signIns',
  'identityProtection/riskyUsers',
  'sites',
];

function client(appRoles: string[]): EmulatedClient {
  const now = Date.now();
  return {
    clientId: randomUUID(),
    displayName: 'Tenantscope',
    secrets: [
      {
        keyId: randomUUID(),
        value: FIXTURE_SECRET,
        expiresAt: new Date(now + 365 * 86_400_000).toISOString(),
      },
      { keyId: randomUUID(), value: EXPIRED_SECRET, expiresAt: new Date(now - 86_400_000).toISOString() },
    ],
    certificates: [],
    redirectUris: [REDIRECT_URI],
    consentedAppRoles: appRoles,
    consentedScopes: ['https://management.azure.com/user_impersonation'],
    consented: true,
  };
}

export function fixtureTenant(o: FixtureOptions = {}): TenantModel {
  const tenantId = o.tenantId ?? randomUUID();
  const domain = o.domain ?? `t${tenantId.slice(0, 8)}.onmicrosoft.com`;
  const collections = Object.fromEntries(COLLECTIONS.map((c) => [c, []])) as unknown as GraphCollections;
  const adminId = randomUUID();
  collections.users = Array.from({ length: o.users ?? 10 }, (_, i) => ({
    id: i === 0 ? adminId : randomUUID(),
    displayName: i === 0 ? 'Admin' : `User ${i}`,
    userPrincipalName: i === 0 ? `admin@${domain}` : `user${i}@${domain}`,
    accountEnabled: true,
    assignedLicenses: [{ skuId: 'sku-e3', disabledPlans: [] }],
  }));
  collections['identity/conditionalAccess/policies'] = [
    { id: randomUUID(), displayName: 'Require MFA for admins', state: 'enabled' },
  ];
  const singletons = Object.fromEntries(
    [
      'policies/authorizationPolicy',
      'policies/authenticationMethodsPolicy',
      'policies/identitySecurityDefaultsEnforcementPolicy',
      'policies/defaultAppManagementPolicy',
      'admin/sharepoint/settings',
      'admin/reportSettings',
    ].map((k) => [k, { id: k.split('/').pop()! }]),
  ) as unknown as GraphSingletons;
  return {
    tenantId,
    displayName: 'Fixture Tenant',
    initialDomain: domain,
    profile: 'typical',
    seed: 'fixture',
    asOf: new Date().toISOString(),
    entraPlan: o.entraPlan ?? 'P2',
    clients: [client(o.appRoles ?? ['User.Read.All'])],
    signInUsers: [{ userId: adminId, userPrincipalName: `admin@${domain}`, password: ADMIN_PASSWORD }],
    graph: {
      collections,
      groupMembers: {},
      groupOwners: {},
      directoryRoleMembers: {},
      appRoleAssignedTo: {},
      sitePermissions: {},
      singletons,
      usageReports: {},
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
      users: o.users ?? 10,
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

/** A self-signed certificate and key for a client assertion, registered the way Entra stores it. */
export function fixtureCertificate(): {
  certificatePem: string;
  privateKeyPem: string;
  entry: EmulatedClient['certificates'][number];
} {
  const { pem: privateKeyPem, forge: keys } = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'tenantscope-test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'tenantscope-test' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const certificatePem = forge.pki.certificateToPem(cert);
  return {
    certificatePem,
    privateKeyPem,
    entry: {
      keyId: randomUUID(),
      certificatePem,
      x5t: createHash('sha1').update(der).digest('base64url'),
      x5tS256: createHash('sha256').update(der).digest('base64url'),
      expiresAt: cert.validity.notAfter.toISOString(),
    },
  };
}
