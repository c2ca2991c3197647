/**
 * Licence inventory: one row per subscribed SKU (graph-protocol.md §4 subscribedSku). Purchased is
 * `prepaidUnits.enabled`; units in `warning` (past the end date, still usable) and `suspended` are
 * shown apart. Subscriptions with their renewal date come from the optional
 * `directorySubscriptions` dataset (`GET /directory/subscriptions`, companySubscription) when a
 * snapshot has it; without it they are null ("not known"), never empty.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import type { SkuInventoryRow, SubscriptionInfo } from './licence-types.ts';
import { type RawSku, read } from './licence-view.ts';
import { type SkuCatalogue, skuName } from './sku-catalogue.ts';

/** States in which Microsoft has stopped billing the units (subscribedSku.capabilityStatus). */
const NOT_BILLED = new Set(['Suspended', 'Deleted', 'LockedOut']);

interface RawSubscription {
  id: string;
  skuId?: string | null;
  status?: string | null;
  totalLicenses?: number | null;
  createdDateTime?: string | null;
  nextLifecycleDateTime?: string | null;
  isTrial?: boolean | null;
}

export function buildInventory(snapshot: Snapshot, catalogue: SkuCatalogue): SkuInventoryRow[] | undefined {
  const skus = read<RawSku>(snapshot, 'subscribedSkus');
  if (!skus.ok) return undefined;
  const subs = subscriptionsBySku(snapshot);
  return skus.items.map((sku) => inventoryRow(sku, catalogue, subs));
}

function inventoryRow(
  sku: RawSku,
  catalogue: SkuCatalogue,
  subs: Map<string, SubscriptionInfo[]> | undefined,
): SkuInventoryRow {
  const skuId = sku.skuId.toLowerCase();
  const part = sku.skuPartNumber ?? skuId;
  const prepaid = sku.prepaidUnits ?? {};
  const purchased = prepaid.enabled ?? 0;
  const warning = prepaid.warning ?? 0;
  const consumed = sku.consumedUnits ?? 0;
  const status = sku.capabilityStatus ?? 'Enabled';
  const entry = catalogue.byId.get(skuId);
  return {
    skuId,
    skuPartNumber: part,
    name: skuName(catalogue, skuId, part),
    knownSku: entry !== undefined,
    free: entry?.free ?? false,
    appliesTo: sku.appliesTo ?? null,
    capabilityStatus: status,
    purchased,
    warning,
    suspended: prepaid.suspended ?? 0,
    lockedOut: prepaid.lockedOut ?? 0,
    consumed,
    available: Math.max(0, purchased - consumed),
    overAssigned: Math.max(0, consumed - purchased - warning),
    servicePlans: (sku.servicePlans ?? []).map((p) => {
      const id = (p.servicePlanId ?? '').toLowerCase();
      return {
        id,
        name: p.servicePlanName ?? id,
        friendlyName: catalogue.planNames.get(id) ?? null,
        provisioningStatus: p.provisioningStatus ?? null,
      };
    }),
    subscriptionIds: sku.subscriptionIds ?? [],
    subscriptions: subs ? (subs.get(skuId) ?? []) : null,
    notBilled: NOT_BILLED.has(status),
  };
}

function subscriptionsBySku(snapshot: Snapshot): Map<string, SubscriptionInfo[]> | undefined {
  const r = read<RawSubscription>(snapshot, 'directorySubscriptions');
  if (!r.ok) return undefined;
  const bySku = new Map<string, SubscriptionInfo[]>();
  for (const s of r.items) {
    const key = (s.skuId ?? '').toLowerCase();
    const list = bySku.get(key) ?? [];
    list.push({
      id: s.id,
      status: s.status ?? null,
      totalLicenses: s.totalLicenses ?? null,
      createdDateTime: s.createdDateTime ?? null,
      nextLifecycleDateTime: s.nextLifecycleDateTime ?? null,
      isTrial: s.isTrial ?? null,
    });
    bySku.set(key, list);
  }
  return bySku;
}
