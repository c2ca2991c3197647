/**
 * Azure sizes and approximate pay-as-you-go list prices (USD, East US, Linux) used to shape
 * generated cost. Source: Azure retail prices API / pricing pages, rounded; they are for
 * realistic magnitudes, not quotes.
 */

export interface VmSize {
  name: string;
  family: string;
  cores: number;
  memoryGb: number;
  hourly: number;
  /** the next size down, for right-sizing recommendations */
  smaller: string | null;
}

export const VM_SIZES: readonly VmSize[] = [
  { name: 'Standard_B2s', family: 'BS Series', cores: 2, memoryGb: 4, hourly: 0.0416, smaller: null },
  {
    name: 'Standard_D2s_v5',
    family: 'DSv5 Series',
    cores: 2,
    memoryGb: 8,
    hourly: 0.096,
    smaller: 'Standard_B2s',
  },
  {
    name: 'Standard_D4s_v5',
    family: 'DSv5 Series',
    cores: 4,
    memoryGb: 16,
    hourly: 0.192,
    smaller: 'Standard_D2s_v5',
  },
  {
    name: 'Standard_D8s_v5',
    family: 'DSv5 Series',
    cores: 8,
    memoryGb: 32,
    hourly: 0.384,
    smaller: 'Standard_D4s_v5',
  },
  {
    name: 'Standard_E4s_v5',
    family: 'ESv5 Series',
    cores: 4,
    memoryGb: 32,
    hourly: 0.252,
    smaller: 'Standard_D4s_v5',
  },
  {
    name: 'Standard_F4s_v2',
    family: 'FSv2 Series',
    cores: 4,
    memoryGb: 8,
    hourly: 0.169,
    smaller: 'Standard_D2s_v5',
  },
];

export const DISK_SKUS = [
  { name: 'Premium_LRS', tier: 'Premium', sizeGb: 128, monthly: 19.71 },
  { name: 'Premium_LRS', tier: 'Premium', sizeGb: 1024, monthly: 135.17 },
  { name: 'Standard_LRS', tier: 'Standard', sizeGb: 128, monthly: 5.89 },
] as const;

export const PLAN_SKUS = [
  { name: 'P1v3', tier: 'PremiumV3', monthly: 124.1 },
  { name: 'S1', tier: 'Standard', monthly: 73 },
] as const;

export const SQL_SKUS = [
  { name: 'S0', tier: 'Standard', capacity: 10, monthly: 15 },
  { name: 'S2', tier: 'Standard', capacity: 50, monthly: 75 },
  { name: 'GP_Gen5_2', tier: 'GeneralPurpose', capacity: 2, monthly: 370 },
] as const;

/** Standard static public IP: $0.005 per hour. */
export const PUBLIC_IP_MONTHLY = 3.65;

export const LOCATIONS = ['eastus', 'westeurope', 'northeurope', 'uksouth'] as const;
export const RESOURCE_GROUPS = ['rg-prod-app', 'rg-prod-data', 'rg-shared', 'rg-dev', 'rg-legacy'] as const;
