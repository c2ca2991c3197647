import type { BookTenant } from '../types.ts';
import { type Dir, type SortState, type SortValue, sortBy } from './table-fns.ts';

/**
 * The licence book (`/licences`): one row per tenant, sorted and filtered in the page (the book is
 * one row per tenant, small even for hundreds), with totals per currency over the rows shown —
 * amounts in two currencies are never added, and sums are taken in cents.
 */
export type BookSortKey =
  | 'tenant'
  | 'spend'
  | 'waste'
  | 'possible'
  | 'idleSeats'
  | 'available'
  | 'topSku'
  | 'collectedAt';

function sortValue(t: BookTenant, key: BookSortKey): SortValue {
  switch (key) {
    case 'tenant':
      return t.tenantName.toLocaleLowerCase();
    case 'spend':
      return t.totals.spendMonthly;
    case 'waste':
      return t.totals.wasteMonthly;
    case 'possible':
      return t.totals.possibleWasteMonthly;
    case 'idleSeats':
      return t.counts.idleSeats;
    case 'available':
      return t.counts.available;
    case 'topSku':
      return t.totals.topWasteSku?.name.toLocaleLowerCase() ?? null;
    case 'collectedAt':
      return Date.parse(t.collectedAt);
  }
}

export function sortBook(rows: readonly BookTenant[], sort: SortState<BookSortKey>): BookTenant[] {
  return sortBy(rows, sort, sortValue, (t) => t.tenantName);
}

/** Names A–Z; money and counts largest first. */
export const bookFirstDir = (key: BookSortKey): Dir =>
  key === 'tenant' || key === 'topSku' ? 'asc' : 'desc';

/** Case-insensitive match on the tenant's name or its most wasted product. */
export function filterBook(rows: readonly BookTenant[], text: string): BookTenant[] {
  const q = text.trim().toLocaleLowerCase();
  if (!q) return [...rows];
  return rows.filter(
    (t) =>
      t.tenantName.toLocaleLowerCase().includes(q) ||
      (t.totals.topWasteSku?.name.toLocaleLowerCase().includes(q) ?? false) ||
      (t.totals.topWasteSku?.skuPartNumber.toLocaleLowerCase().includes(q) ?? false),
  );
}

export interface BookSum {
  currency: string;
  tenants: number;
  spendMonthly: number;
  wasteMonthly: number;
  possibleWasteMonthly: number;
  /** idle seats of the tenants that can tell */
  idleSeats: number;
  /** tenants whose idle seats cannot be told (no sign-in data): the sum leaves them out */
  idleUnknown: number;
  available: number;
}

/** Totals per currency over `rows`, in cents; currencies A–Z. */
export function bookTotals(rows: readonly BookTenant[]): BookSum[] {
  const by = new Map<string, { sum: BookSum; cents: [number, number, number] }>();
  for (const t of rows) {
    const entry = by.get(t.currency) ?? {
      sum: {
        currency: t.currency,
        tenants: 0,
        spendMonthly: 0,
        wasteMonthly: 0,
        possibleWasteMonthly: 0,
        idleSeats: 0,
        idleUnknown: 0,
        available: 0,
      },
      cents: [0, 0, 0],
    };
    entry.cents[0] += Math.round(t.totals.spendMonthly * 100);
    entry.cents[1] += Math.round(t.totals.wasteMonthly * 100);
    entry.cents[2] += Math.round(t.totals.possibleWasteMonthly * 100);
    entry.sum.tenants += 1;
    entry.sum.available += t.counts.available;
    if (t.counts.idleSeats === null) entry.sum.idleUnknown += 1;
    else entry.sum.idleSeats += t.counts.idleSeats;
    by.set(t.currency, entry);
  }
  return [...by.values()]
    .map(({ sum, cents }) => ({
      ...sum,
      spendMonthly: cents[0] / 100,
      wasteMonthly: cents[1] / 100,
      possibleWasteMonthly: cents[2] / 100,
    }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

/**
 * The weeks worth drawing: from the first week any tenant had a summary. Earlier weeks hold no
 * tenant, and drawing them as zero would read as "cost nothing" rather than "not connected yet".
 */
export function fromFirstTenant<P extends { tenants: number }>(points: readonly P[]): P[] {
  const first = points.findIndex((p) => p.tenants > 0);
  return first < 0 ? [] : points.slice(first);
}
