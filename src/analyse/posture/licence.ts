/**
 * Which Entra ID plan the tenant holds, from `subscribedSkus` service plans — the way Maester and
 * the Zero Trust Assessment decide it (check-catalogs.md §4). A plan counts when its SKU is not
 * suspended and the plan is provisioned: a `Warning` SKU (past its end date, in grace) still works.
 */
import type { Licence } from './posture-types.ts';
import type { Raw, SnapshotView } from './snapshot-view.ts';

/** Service plan ids (Microsoft Learn, "Product names and service plan identifiers for licensing"). */
export const SERVICE_PLAN = {
  AAD_PREMIUM: '41781fb2-bc02-4b7c-bd55-b576c07bb09d',
  AAD_PREMIUM_P2: 'eec0eb4f-6444-4f95-aba0-50c24d67f998',
  /** Microsoft Entra ID Governance: PIM and access reviews, counted as P2 for those features */
  ENTRA_ID_GOVERNANCE: 'e866a266-3cff-43a3-acca-0c90a7e00c8b',
} as const;

export const LICENCE_RANK: Record<Licence, number> = { Free: 0, P1: 1, P2: 2 };

export interface TenantLicence {
  /** undefined: subscribedSkus could not be read, so we cannot tell */
  plan: Licence | undefined;
  /** SKU part numbers that grant the plan, for the report */
  grantedBy: string[];
}

interface Sku {
  skuPartNumber?: string;
  capabilityStatus?: string;
  servicePlans?: { servicePlanId?: string; provisioningStatus?: string }[];
}

export function tenantLicence(view: SnapshotView): TenantLicence {
  if (view.status('subscribedSkus') !== 'ok') return { plan: undefined, grantedBy: [] };
  let plan: Licence = 'Free';
  const grantedBy: string[] = [];
  for (const sku of view.items<Sku & Raw>('subscribedSkus')) {
    if (sku.capabilityStatus === 'Suspended' || sku.capabilityStatus === 'Deleted') continue;
    const active = new Set(
      (sku.servicePlans ?? [])
        .filter((p) => p.provisioningStatus === undefined || p.provisioningStatus === 'Success')
        .map((p) => p.servicePlanId),
    );
    const grants: Licence | undefined =
      active.has(SERVICE_PLAN.AAD_PREMIUM_P2) || active.has(SERVICE_PLAN.ENTRA_ID_GOVERNANCE)
        ? 'P2'
        : active.has(SERVICE_PLAN.AAD_PREMIUM)
          ? 'P1'
          : undefined;
    if (!grants) continue;
    grantedBy.push(sku.skuPartNumber ?? '?');
    if (LICENCE_RANK[grants] > LICENCE_RANK[plan]) plan = grants;
  }
  return { plan, grantedBy };
}
