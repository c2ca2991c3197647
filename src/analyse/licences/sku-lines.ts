/**
 * One line per subscribed SKU, for people: the inventory's units with the SKU's price, what the
 * bought units cost a month, how many holders are idle, and the waste counted against it. The
 * lines add up to the analysis' own totals (spend, certain and possible waste), in cents.
 */
import { isIdle } from './findings.ts';
import type { BillingTerm, LicenceAnalysis, Money } from './licence-types.ts';
import { type PriceBook, priceLookup } from './price-book.ts';

export interface SkuLine {
  skuId: string;
  skuPartNumber: string;
  /** the product name from the catalogue, or the skuPartNumber when the SKU is unknown */
  name: string;
  free: boolean;
  capabilityStatus: string;
  /** Microsoft no longer bills it (Suspended, Deleted, LockedOut) */
  notBilled: boolean;
  /** prepaidUnits.enabled */
  purchased: number;
  warning: number;
  suspended: number;
  /** consumedUnits: assigned */
  consumed: number;
  available: number;
  overAssigned: number;
  /** from the price book; null when it has none for this SKU */
  pricePerMonth: number | null;
  term: BillingTerm | null;
  /** purchased × price; 0 when free or not billed; null when billed and unpriced (a gap) */
  spendMonthly: number | null;
  /** holders idle over the analysis' idle threshold; null without sign-in data */
  idleAssigned: number | null;
  /** certain waste counted against this SKU */
  waste: Money;
  /** waste resting on a heuristic (shared mailbox, service account, guest) */
  possibleWaste: Money;
}

/** The per-SKU lines of an analysis, in the snapshot's order. `prices` is the book it was priced with. */
export function skuLines(a: LicenceAnalysis, prices: PriceBook): SkuLine[] {
  const price = priceLookup(prices);
  const idle = idleHolders(a);
  const certain = wasteBySku(a, false);
  const possible = wasteBySku(a, true);
  return a.inventory.map((s) => {
    const p = price(s.skuId, s.skuPartNumber);
    const billed = !s.free && !s.notBilled && s.purchased > 0;
    return {
      skuId: s.skuId,
      skuPartNumber: s.skuPartNumber,
      name: s.name,
      free: s.free,
      capabilityStatus: s.capabilityStatus,
      notBilled: s.notBilled,
      purchased: s.purchased,
      warning: s.warning,
      suspended: s.suspended,
      consumed: s.consumed,
      available: s.available,
      overAssigned: s.overAssigned,
      pricePerMonth: p?.pricePerMonth ?? null,
      term: p?.term ?? null,
      spendMonthly: !billed ? 0 : p ? (p.cents * s.purchased) / 100 : null,
      idleAssigned: idle ? (idle.get(s.skuId) ?? 0) : null,
      waste: certain.get(s.skuId) ?? noMoney(),
      possibleWaste: possible.get(s.skuId) ?? noMoney(),
    };
  });
}

/** Idle holders per SKU, by the same rule as the summary's idle count; undefined: cannot tell. */
function idleHolders(a: LicenceAnalysis): Map<string, number> | undefined {
  if (a.findings.idle.status !== 'known') return undefined;
  const nowMs = Date.parse(a.now);
  const out = new Map<string, number>();
  for (const u of a.users) {
    if (!isIdle(u, a.waste.idleDays, nowMs)) continue;
    for (const skuId of new Set(u.licences.map((l) => l.skuId))) out.set(skuId, (out.get(skuId) ?? 0) + 1);
  }
  return out;
}

function wasteBySku(a: LicenceAnalysis, possible: boolean): Map<string, Money> {
  const cents = new Map<string, { units: number; cents: number; unpricedUnits: number }>();
  for (const l of a.waste.lines) {
    if (l.possible !== possible) continue;
    const t = cents.get(l.skuId) ?? { units: 0, cents: 0, unpricedUnits: 0 };
    t.units += l.units;
    // a line's money is price × units, exact in cents; no price is a gap, never zero
    if (l.monthly === null) t.unpricedUnits += l.units;
    else t.cents += Math.round(l.monthly * 100);
    cents.set(l.skuId, t);
  }
  return new Map(
    [...cents].map(([id, t]) => [
      id,
      { units: t.units, monthly: t.cents / 100, unpricedUnits: t.unpricedUnits },
    ]),
  );
}

const noMoney = (): Money => ({ units: 0, monthly: 0, unpricedUnits: 0 });

/** The SKU with the most certain waste a month (more units first on a tie); null when none wastes money. */
export function topWasteSku(
  lines: readonly Pick<SkuLine, 'skuId' | 'skuPartNumber' | 'name' | 'waste'>[],
): { skuId: string; skuPartNumber: string; name: string; monthly: number; units: number } | null {
  let top: (typeof lines)[number] | undefined;
  for (const l of lines) {
    if (l.waste.monthly <= 0) continue;
    if (
      !top ||
      l.waste.monthly > top.waste.monthly ||
      (l.waste.monthly === top.waste.monthly && l.waste.units > top.waste.units)
    )
      top = l;
  }
  return top
    ? {
        skuId: top.skuId,
        skuPartNumber: top.skuPartNumber,
        name: top.name,
        monthly: top.waste.monthly,
        units: top.waste.units,
      }
    : null;
}

/** Units held by idle accounts over the billed SKUs; null when idle cannot be told. */
export function idleSeats(
  lines: readonly Pick<SkuLine, 'free' | 'notBilled' | 'idleAssigned'>[],
): number | null {
  let n = 0;
  for (const l of lines) {
    if (l.free || l.notBilled) continue;
    if (l.idleAssigned === null) return null;
    n += l.idleAssigned;
  }
  return n;
}
