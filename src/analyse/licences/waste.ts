/**
 * Waste in money. Every licence unit is counted at most once, under the first reason that fits, in
 * this order: unassigned (bought, held by nobody) › disabled account › never signed in › idle
 * (more than `idleDays`) › overlapping (the included SKU of a pair the user pays twice for) ›
 * possible shared mailbox or service account › guest. The last two are heuristics and are summed
 * apart as `possible`.
 *
 * Not counted: free SKUs (catalogue `free`), and SKUs Microsoft no longer bills (Suspended, Deleted,
 * LockedOut). A SKU without a price adds its units to `unpricedUnits` — the gap — never zero.
 */
import { isIdle, isNeverSignedIn } from './findings.ts';
import {
  type BillingTerm,
  type Money,
  POSSIBLE_REASONS,
  type SkuInventoryRow,
  type UserLicenceRow,
  WASTE_REASONS,
  type WasteLine,
  type WasteReason,
  type WasteSummary,
} from './licence-types.ts';
import type { PriceBook, ResolvedPrice } from './price-book.ts';
import { priceLookup } from './price-book.ts';
import type { SkuCatalogue } from './sku-catalogue.ts';

export interface WasteInput {
  inventory: readonly SkuInventoryRow[];
  users: readonly UserLicenceRow[];
  catalogue: SkuCatalogue;
  prices: PriceBook;
  nowMs: number;
  idleDays: number;
  newAccountGraceDays: number;
  idleKnown: boolean;
}

/** A running sum in cents, so totals are exact. */
class Tally {
  units = 0;
  cents = 0;
  unpricedUnits = 0;
  add(units: number, price: ResolvedPrice | undefined): void {
    this.units += units;
    if (price) this.cents += price.cents * units;
    else this.unpricedUnits += units;
  }
  money(): Money {
    return { units: this.units, monthly: this.cents / 100, unpricedUnits: this.unpricedUnits };
  }
}

export function buildWaste(input: WasteInput): WasteSummary {
  const price = priceLookup(input.prices);
  const bySku = new Map(input.inventory.map((s) => [s.skuId, s]));
  const billable = (skuId: string) => {
    const row = bySku.get(skuId);
    return !(row?.notBilled ?? false) && !(row?.free ?? input.catalogue.byId.get(skuId)?.free ?? false);
  };
  const lines: WasteLine[] = [];
  const unpriced = new Set<string>();
  const line = (l: Omit<WasteLine, 'possible' | 'pricePerMonth' | 'term' | 'monthly'>) => {
    const p = price(l.skuId, l.skuPartNumber);
    if (!p) unpriced.add(l.skuPartNumber);
    lines.push({
      ...l,
      possible: POSSIBLE_REASONS.has(l.reason),
      pricePerMonth: p?.pricePerMonth ?? null,
      term: p?.term ?? null,
      monthly: p ? (p.cents * l.units) / 100 : null,
    });
  };
  for (const s of input.inventory) {
    if (s.available > 0 && billable(s.skuId))
      line({
        reason: 'unassigned',
        skuId: s.skuId,
        skuPartNumber: s.skuPartNumber,
        units: s.available,
        ...NOBODY,
      });
  }
  for (const u of input.users) {
    if (u.licences.length === 0) continue;
    const holderReason = reasonForHolder(u, input);
    for (const l of u.licences) {
      if (!billable(l.skuId)) continue;
      const reason = holderReason ?? reasonForLicence(u, l.skuId);
      if (!reason) continue;
      line({
        reason,
        skuId: l.skuId,
        skuPartNumber: l.skuPartNumber,
        units: 1,
        userId: u.userId,
        userPrincipalName: u.userPrincipalName,
        department: u.department,
        viaGroups: l.groups.map((g) => g.displayName ?? g.id),
      });
    }
  }
  return summarise(lines, input, price, billable, unpriced);
}

const NOBODY = { userId: null, userPrincipalName: null, department: null, viaGroups: [] };

/** Reasons that make every licence of the holder waste. */
function reasonForHolder(u: UserLicenceRow, input: WasteInput): WasteReason | null {
  if (u.accountEnabled === false) return 'disabled';
  if (input.idleKnown && isNeverSignedIn(u, input.nowMs, input.newAccountGraceDays)) return 'neverSignedIn';
  if (input.idleKnown && isIdle(u, input.idleDays, input.nowMs)) return 'idle';
  return null;
}

function reasonForLicence(u: UserLicenceRow, skuId: string): WasteReason | null {
  if (u.redundantSkuIds.includes(skuId)) return 'overlapping';
  if (u.possibleSharedMailbox || u.possibleServiceAccount) return 'possibleSharedOrService';
  if (u.userType === 'Guest') return 'guest';
  return null;
}

function summarise(
  lines: WasteLine[],
  input: WasteInput,
  price: ReturnType<typeof priceLookup>,
  billable: (skuId: string) => boolean,
  unpriced: Set<string>,
): WasteSummary {
  const reasons = new Map(WASTE_REASONS.map((r) => [r, new Tally()]));
  const departments = new Map<string, Tally>();
  const total = new Tally();
  const possible = new Tally();
  const byTerm: Record<BillingTerm, number> = { monthly: 0, annual: 0 };
  for (const l of lines) {
    const p = price(l.skuId, l.skuPartNumber);
    reasons.get(l.reason)!.add(l.units, p);
    (l.possible ? possible : total).add(l.units, p);
    if (l.possible) continue;
    const dept = l.reason === 'unassigned' ? '(unassigned)' : (l.department ?? '(no department)');
    if (!departments.has(dept)) departments.set(dept, new Tally());
    departments.get(dept)!.add(l.units, p);
    if (p) byTerm[p.term] += p.cents * l.units;
  }
  const spend = new Tally();
  for (const s of input.inventory) {
    if (!billable(s.skuId) || s.purchased === 0) continue;
    const p = price(s.skuId, s.skuPartNumber);
    if (!p) unpriced.add(s.skuPartNumber);
    spend.add(s.purchased, p);
  }
  const byReason = Object.fromEntries(
    WASTE_REASONS.map((r) => [
      r,
      !input.idleKnown && (r === 'idle' || r === 'neverSignedIn') ? null : reasons.get(r)!.money(),
    ]),
  ) as Record<WasteReason, Money | null>;
  return {
    currency: input.prices.currency,
    idleDays: input.idleDays,
    idleKnown: input.idleKnown,
    lines,
    byReason,
    byDepartment: Object.fromEntries(
      [...departments].sort(([a], [b]) => a.localeCompare(b)).map(([d, t]) => [d, t.money()]),
    ),
    total: total.money(),
    possible: possible.money(),
    spend: spend.money(),
    savings: {
      immediateMonthly: byTerm.monthly / 100,
      atRenewalMonthly: byTerm.annual / 100,
      annual: ((byTerm.monthly + byTerm.annual) * 12) / 100,
    },
    unpricedSkus: [...unpriced].sort(),
  };
}
