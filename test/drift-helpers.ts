/**
 * Small snapshots for drift tests, built from Microsoft's documented shapes
 * (/work/shared/reference/graph/examples/*.json).
 */
import { type DatasetResult, SNAPSHOT_FORMAT, type Snapshot } from '../src/collect/snapshot-types.ts';

export const TENANT = 'a1b2c3d4-0000-4000-8000-000000000001';
export const T0 = '2026-11-20T08:00:00.000Z';
export const T1 = '2026-11-21T08:00:00.000Z';

export const ok = (items: unknown[], collectedAt = T0): DatasetResult => ({
  status: 'ok',
  collectedAt,
  items,
});
export const failed = (status: 'error' | 'notLicensed' | 'forbidden' = 'error'): DatasetResult => ({
  status,
  collectedAt: T0,
  items: [],
  error: {
    code: status === 'notLicensed' ? 'TS_ERR_MS_LICENCE_MISSING' : 'TS_ERR_MS_UNAVAILABLE',
    message: 'x',
  },
});

export function snapshot(
  datasets: Record<string, DatasetResult>,
  collectedAt = T0,
  tenantId = TENANT,
): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId, cloud: 'global' },
    collectedAt,
    completedAt: collectedAt,
    datasets,
  };
}

/** conditionalAccessPolicies.list.json's policy */
export function caPolicy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '6b5e999b-0ba8-4186-a106-e0296c1c4358',
    templateId: null,
    displayName: 'Require MFA for all users',
    createdDateTime: '2023-01-26T19:33:37.1234567Z',
    modifiedDateTime: null,
    state: 'enabledForReportingButNotEnforced',
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['all'],
      platforms: null,
      locations: null,
      devices: null,
      clientApplications: null,
      servicePrincipalRiskLevels: [],
      applications: {
        includeApplications: ['All'],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
      },
      users: {
        includeUsers: ['All'],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: ['62e90394-69f5-4237-9190-012177145e10'],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
      },
    },
    grantControls: {
      operator: 'OR',
      builtInControls: ['mfa'],
      customAuthenticationFactors: [],
      termsOfUse: [],
    },
    ...overrides,
  };
}

/** A deep copy with one change made through a callback. */
export function edited<T>(value: T, edit: (copy: T) => void): T {
  const copy = structuredClone(value);
  edit(copy);
  return copy;
}
