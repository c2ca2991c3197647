/**
 * Test inputs in Microsoft's documented raw shapes (graph/examples/*.json): a conditional access
 * policy, a SKU granting an Entra plan, and a snapshot built from dataset items.
 */
import {
  type DatasetResult,
  type DatasetStatus,
  SNAPSHOT_FORMAT,
  type Snapshot,
} from '../../../collect/snapshot-types.ts';
import { evaluatePosture } from '../evaluate.ts';
import { SERVICE_PLAN } from '../licence.ts';
import type { CheckResult, Licence } from '../posture-types.ts';
import { checkById } from '../ruleset.ts';
import { defaultSettings, type PostureSettings } from '../settings.ts';

export const TENANT_ID = 'f97aeefc-af85-414d-8ae4-b457f90efc40';
export const AT = '2026-11-01T00:00:00.000Z';

type Items = unknown[] | { status: DatasetStatus };

/** subscribedSkus granting a plan (as subscribedSkus.list.json, with the plan's service plan id). */
export function skusFor(plan: Licence): unknown[] {
  const plans =
    plan === 'P2'
      ? [SERVICE_PLAN.AAD_PREMIUM, SERVICE_PLAN.AAD_PREMIUM_P2]
      : plan === 'P1'
        ? [SERVICE_PLAN.AAD_PREMIUM]
        : [];
  return [
    {
      accountName: 'Contoso',
      accountId: TENANT_ID,
      appliesTo: 'User',
      capabilityStatus: 'Enabled',
      consumedUnits: 14,
      id: `${TENANT_ID}_c7df2760-2c81-4ef7-b578-5b5392b571df`,
      prepaidUnits: { enabled: 15, suspended: 0, warning: 0, lockedOut: 0 },
      servicePlans: [
        {
          servicePlanId: '113feb6c-3fe4-4440-bddc-54d774bf0318',
          servicePlanName: 'EXCHANGE_S_FOUNDATION',
          provisioningStatus: 'Success',
          appliesTo: 'Company',
        },
        ...plans.map((id) => ({
          servicePlanId: id,
          servicePlanName: id === SERVICE_PLAN.AAD_PREMIUM ? 'AAD_PREMIUM' : 'AAD_PREMIUM_P2',
          provisioningStatus: 'Success',
          appliesTo: 'User',
        })),
      ],
      skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df',
      skuPartNumber: plan === 'Free' ? 'ENTERPRISEPACK' : plan === 'P1' ? 'SPE_E3' : 'SPE_E5',
    },
  ];
}

/** A snapshot holding only the given datasets; `{status}` marks one not read. */
export function snapshotOf(datasets: Record<string, Items>, plan: Licence = 'P2'): Snapshot {
  const all: Record<string, Items> = { subscribedSkus: skusFor(plan), ...datasets };
  const out: Record<string, DatasetResult> = {};
  for (const [name, v] of Object.entries(all))
    out[name] = Array.isArray(v)
      ? { status: 'ok', collectedAt: AT, items: v }
      : {
          status: v.status,
          collectedAt: AT,
          items: [],
          error: { code: 'TS_ERR_MS_UNAVAILABLE', message: 'test' },
        };
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: TENANT_ID, displayName: 'Contoso', cloud: 'global' },
    collectedAt: AT,
    completedAt: AT,
    datasets: out,
  };
}

/** Runs one check by id over the datasets. */
export function runOne(
  id: string,
  datasets: Record<string, Items>,
  options: { plan?: Licence; settings?: Partial<PostureSettings> } = {},
): CheckResult {
  const check = checkById(id);
  if (!check) throw new Error(`no check ${id}`);
  const snapshot = snapshotOf(datasets, options.plan ?? 'P2');
  return evaluatePosture({ snapshot, checks: [check], settings: defaultSettings(options.settings) })
    .results[0]!;
}

/** A conditional access policy in the v1.0 shape of conditionalAccessPolicies.list.json. */
export function caPolicy(over: {
  id?: string;
  displayName?: string;
  state?: string;
  users?: Record<string, unknown>;
  apps?: Record<string, unknown>;
  conditions?: Record<string, unknown>;
  grant?: Record<string, unknown> | null;
  session?: Record<string, unknown> | null;
  modifiedDateTime?: string | null;
}): Record<string, unknown> {
  return {
    id: over.id ?? '6b5e999b-0ba8-4186-a106-e0296c1c4358',
    templateId: null,
    displayName: over.displayName ?? 'Require MFA for all users',
    createdDateTime: '2023-01-26T19:33:37.1234567Z',
    modifiedDateTime: over.modifiedDateTime ?? null,
    state: over.state ?? 'enabled',
    sessionControls: over.session ?? null,
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
        ...(over.apps ?? {}),
      },
      users: {
        includeUsers: ['All'],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
        ...(over.users ?? {}),
      },
      ...(over.conditions ?? {}),
    },
    grantControls:
      over.grant === undefined
        ? {
            operator: 'OR',
            builtInControls: ['mfa'],
            customAuthenticationFactors: [],
            termsOfUse: [],
            authenticationStrength: null,
          }
        : over.grant,
  };
}
