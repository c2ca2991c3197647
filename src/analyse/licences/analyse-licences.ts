/**
 * `analyseLicences(snapshot, options)`: the whole licence view of one tenant — inventory,
 * assignments, idle and disabled holders, overlaps, usage and waste in money. A pure function of
 * the snapshot, the price book and `now` (by default the snapshot's `collectedAt`, never the clock).
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { buildAssignments } from './assignments.ts';
import { buildFindings } from './findings.ts';
import { buildInventory } from './inventory.ts';
import type { LicenceAnalysis, LicenceFindings } from './licence-types.ts';
import { type PriceBook, starterPriceBook } from './price-book.ts';
import { defaultSkuCatalogue, type SkuCatalogue } from './sku-catalogue.ts';
import { buildUsage, joinUsage } from './usage.ts';
import { buildWaste } from './waste.ts';

export interface LicenceOptions {
  /** the instant ages are measured from; default: the snapshot's collectedAt */
  now?: Date;
  /** the tenant's price book (see `priceBookFor`); default: the starter list */
  prices?: PriceBook;
  catalogue?: SkuCatalogue;
  /** idle threshold used for money; the idle view always shows 30, 60 and 90 days. Default 90. */
  idleDays?: number;
  /** an account created this recently that never signed in is a new starter, not waste. Default 30. */
  newAccountGraceDays?: number;
}

/** Datasets this analysis reads (all collected by src/collect/graph-datasets.ts). */
export const LICENCE_DATASETS = [
  'subscribedSkus',
  'users',
  'userSignInActivity',
  'groups',
  'office365ActiveUserDetail',
  'reportSettings',
] as const;

export function analyseLicences(snapshot: Snapshot, options: LicenceOptions = {}): LicenceAnalysis {
  const now = options.now ?? new Date(snapshot.collectedAt);
  const nowMs = now.getTime();
  const catalogue = options.catalogue ?? defaultSkuCatalogue();
  const prices = options.prices ?? starterPriceBook();
  const idleDays = options.idleDays ?? 90;
  const newAccountGraceDays = options.newAccountGraceDays ?? 30;

  const inventory = buildInventory(snapshot, catalogue) ?? [];
  const partNumbers = new Map(inventory.map((s) => [s.skuId, s.skuPartNumber]));
  const assignments = buildAssignments({ snapshot, catalogue, nowMs, partNumbers });
  const users = assignments?.rows ?? [];
  const signInUnknown = assignments ? assignments.signInUnknown : 'The users dataset was not read.';
  const usage = buildUsage(snapshot);
  usage.view.joined = joinUsage(users, usage.byUpn);
  const findings = buildFindings(users, { nowMs, newAccountGraceDays, signInUnknown });
  const waste = buildWaste({
    inventory,
    users,
    catalogue,
    prices,
    nowMs,
    idleDays,
    newAccountGraceDays,
    idleKnown: signInUnknown === null,
  });
  return {
    tenant: { tenantId: snapshot.tenant.tenantId, displayName: snapshot.tenant.displayName ?? null },
    collectedAt: snapshot.collectedAt,
    now: now.toISOString(),
    unavailable: LICENCE_DATASETS.filter((d) => snapshot.datasets[d]?.status !== 'ok').map((d) => ({
      dataset: d,
      status: snapshot.datasets[d]?.status ?? 'missing',
    })),
    inventory,
    users,
    findings: assignments ? findings : unknownFindings(findings),
    usage: usage.view,
    waste,
  };
}

/** Without the users dataset nothing about holders is known: say so rather than report zeros. */
function unknownFindings(f: LicenceFindings): LicenceFindings {
  const reason = 'The users dataset was not read, so licence holders are unknown.';
  return {
    ...f,
    holdersKnown: false,
    neverSignedInWithLicences: null,
    idle: { status: 'cannotTell', reason },
  };
}
