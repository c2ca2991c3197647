import type { ArmObject, DailyCostRow, GraphCollections, MetricPoint, TenantModel } from '../contract.ts';

/**
 * A small hand-built tenant for the ARM route tests, so they do not depend on the generator.
 * Two subscriptions, five resources, 90 days of daily cost (2025-01-01 … 2025-03-31; the tenant is
 * "as of" 2025-03-15, but rows after asOf exist so tests can see that timeframes clip them),
 * Advisor and reservation recommendations, and 48 hours of CPU metrics for one VM.
 */
export const FIXTURE_TENANT_ID = '11111111-1111-4111-8111-111111111111';
export const FIXTURE_CLIENT_ID = '22222222-2222-4222-8222-222222222222';
export const FIXTURE_CLIENT_SECRET = 'fixture-secret-value';
export const SUB_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const SUB_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
export const VM_ID = `/subscriptions/${SUB_A}/resourceGroups/rg-Web/providers/Microsoft.Compute/virtualMachines/vm-web-01`;

interface ResourceSpec {
  sub: string;
  rg: string;
  provider: string;
  name: string;
  location: string;
  meterCategory: string;
  serviceName: string;
  dailyBase: number;
  tags: Record<string, string>;
}

const SPECS: ResourceSpec[] = [
  {
    sub: SUB_A,
    rg: 'rg-Web',
    provider: 'Microsoft.Compute/virtualMachines',
    name: 'vm-web-01',
    location: 'westeurope',
    meterCategory: 'Virtual Machines',
    serviceName: 'Virtual Machines',
    dailyBase: 12.34,
    tags: { env: 'prod', owner: 'web' },
  },
  {
    sub: SUB_A,
    rg: 'rg-Web',
    provider: 'Microsoft.Storage/storageAccounts',
    name: 'stweb01',
    location: 'westeurope',
    meterCategory: 'Storage',
    serviceName: 'Storage',
    dailyBase: 1.05,
    tags: { env: 'prod' },
  },
  {
    sub: SUB_A,
    rg: 'rg-data',
    provider: 'Microsoft.Sql/servers/databases',
    name: 'sql01/db01',
    location: 'northeurope',
    meterCategory: 'SQL Database',
    serviceName: 'SQL Database',
    dailyBase: 7.5,
    tags: { env: 'dev' },
  },
  {
    sub: SUB_A,
    rg: 'rg-data',
    provider: 'Microsoft.Compute/disks',
    name: 'disk-orphan',
    location: 'northeurope',
    meterCategory: 'Storage',
    serviceName: 'Storage',
    dailyBase: 0.77,
    tags: {},
  },
  {
    sub: SUB_B,
    rg: 'rg-batch',
    provider: 'Microsoft.Compute/virtualMachines',
    name: 'vm-batch-01',
    location: 'eastus',
    meterCategory: 'Virtual Machines',
    serviceName: 'Virtual Machines',
    dailyBase: 20.01,
    tags: { env: 'prod' },
  },
];

function resourceId(s: ResourceSpec): string {
  return `/subscriptions/${s.sub}/resourceGroups/${s.rg}/providers/${s.provider}/${s.name}`;
}

function resources(): ArmObject[] {
  return SPECS.map((s) => ({
    id: resourceId(s),
    name: s.name.split('/').pop()!,
    // ARG returns `type` lower-cased (azure-cost.md §3 queries compare with =~ for that reason).
    type: s.provider.toLowerCase(),
    location: s.location,
    resourceGroup: s.rg.toLowerCase(),
    subscriptionId: s.sub,
    tenantId: FIXTURE_TENANT_ID,
    kind: '',
    sku: s.provider.endsWith('virtualMachines') ? null : { name: 'Standard_LRS' },
    properties: s.provider.endsWith('virtualMachines')
      ? { hardwareProfile: { vmSize: 'Standard_D4s_v5' } }
      : {},
    tags: s.tags,
  }));
}

function dailyCost(): DailyCostRow[] {
  const rows: DailyCostRow[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let day = 0; day < 90; day++) {
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    for (const s of SPECS) {
      rows.push({
        date,
        subscriptionId: s.sub,
        resourceGroup: s.rg,
        resourceId: resourceId(s),
        resourceType: s.provider,
        location: s.location,
        meterCategory: s.meterCategory,
        serviceName: s.serviceName,
        // deterministic wobble so sums by month differ from days × base
        cost: Math.round(s.dailyBase * (1 + (day % 7) / 10) * 100) / 100,
        currency: 'EUR',
        tags: s.tags,
      });
    }
  }
  return rows;
}

function metrics(): Record<string, Record<string, MetricPoint[]>> {
  const points: MetricPoint[] = [];
  const start = Date.UTC(2025, 2, 13);
  for (let h = 0; h < 48; h++) {
    points.push({
      timeStamp: new Date(start + h * 3_600_000).toISOString().replace('.000Z', 'Z'),
      average: 2 + (h % 4),
      maximum: 10 + (h % 5),
    });
  }
  return { [VM_ID]: { 'Percentage CPU': points } };
}

function advisor(): ArmObject[] {
  const rec = (sub: string, id: string, category: string, impacted: string): ArmObject => ({
    id: `${impacted}/providers/Microsoft.Advisor/recommendations/${id}`,
    name: id,
    type: 'Microsoft.Advisor/recommendations',
    properties: {
      category,
      impact: 'High',
      impactedField: 'Microsoft.Compute/virtualMachines',
      impactedValue: impacted.split('/').pop(),
      lastUpdated: '2025-03-14T08:00:00Z',
      recommendationTypeId: 'e10b1381-5f0a-47ff-8c7b-37bd13d7c974',
      shortDescription: {
        problem: 'Right-size or shutdown underutilized virtual machines',
        solution: 'Right-size or shutdown underutilized virtual machines',
      },
      extendedProperties: {
        savingsAmount: '120.5',
        annualSavingsAmount: '1446',
        savingsCurrency: 'EUR',
        currentSku: 'Standard_D4s_v5',
        targetSku: 'Standard_D2s_v5',
        subId: sub,
      },
      resourceMetadata: { resourceId: impacted, source: `/subscriptions/${sub}` },
    },
  });
  return [
    rec(SUB_A, '0d1f8c4e-0000-4000-8000-000000000001', 'Cost', VM_ID),
    rec(SUB_A, '0d1f8c4e-0000-4000-8000-000000000002', 'Security', VM_ID),
    rec(SUB_B, '0d1f8c4e-0000-4000-8000-000000000003', 'Cost', resourceId(SPECS[4]!)),
  ];
}

function reservations(): ArmObject[] {
  return [SUB_A, SUB_B].map((sub, i) => ({
    id: `/subscriptions/${sub}/providers/Microsoft.Consumption/reservationRecommendations/rr-${i}`,
    name: `rr-${i}`,
    type: 'Microsoft.Consumption/reservationRecommendations',
    location: 'westeurope',
    sku: 'Standard_D4s_v5',
    kind: 'legacy',
    properties: {
      lookBackPeriod: i === 0 ? 'Last7Days' : 'Last30Days',
      term: 'P1Y',
      scope: 'Single',
      subscriptionId: sub,
      resourceType: 'virtualmachines',
      recommendedQuantity: 1,
      costWithNoReservedInstances: 300,
      totalCostWithReservedInstances: 190,
      netSavings: 110,
      firstUsageDate: '2025-01-01T00:00:00Z',
    },
  }));
}

const EMPTY_COLLECTIONS = (): GraphCollections =>
  new Proxy({} as Record<string, unknown[]>, {
    get: (target, key: string) => {
      target[key] ??= [];
      return target[key];
    },
  }) as unknown as GraphCollections;

/** A fresh fixture per call: tests may not share mutable state. */
export function armFixture(): TenantModel {
  const singleton = { id: 'singleton' };
  return {
    tenantId: FIXTURE_TENANT_ID,
    displayName: 'Fixture',
    initialDomain: 'fixture.onmicrosoft.com',
    profile: 'typical',
    seed: 'arm-fixture',
    asOf: '2025-03-15T12:00:00Z',
    entraPlan: 'P2',
    clients: [
      {
        clientId: FIXTURE_CLIENT_ID,
        displayName: 'Tenantscope',
        secrets: [{ keyId: 'fixture-key', value: FIXTURE_CLIENT_SECRET, expiresAt: '2099-01-01T00:00:00Z' }],
        certificates: [],
        redirectUris: [],
        consentedAppRoles: [],
        consentedScopes: [],
        consented: true,
      },
    ],
    signInUsers: [],
    graph: {
      collections: EMPTY_COLLECTIONS(),
      groupMembers: {},
      groupOwners: {},
      directoryRoleMembers: {},
      appRoleAssignedTo: {},
      sitePermissions: {},
      singletons: {
        'policies/authorizationPolicy': singleton,
        'policies/authenticationMethodsPolicy': singleton,
        'policies/identitySecurityDefaultsEnforcementPolicy': singleton,
        'policies/defaultAppManagementPolicy': singleton,
        'admin/sharepoint/settings': singleton,
        'admin/reportSettings': singleton,
      },
      usageReports: {},
    },
    arm: {
      subscriptions: [SUB_A, SUB_B].map((id, i) => ({
        id: `/subscriptions/${id}`,
        authorizationSource: 'RoleBased',
        subscriptionId: id,
        tenantId: FIXTURE_TENANT_ID,
        displayName: i === 0 ? 'Production' : 'Batch',
        state: 'Enabled',
        subscriptionPolicies: {
          locationPlacementId: 'Public_2014-09-01',
          quotaId: 'PayAsYouGo_2014-09-01',
          spendingLimit: 'Off',
        },
      })),
      resources: resources(),
      dailyCost: dailyCost(),
      advisorRecommendations: advisor(),
      reservationRecommendations: reservations(),
      metrics: metrics(),
    },
    planted: {
      users: 0,
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
