/**
 * The book over time: at each week's end, the sum of every tenant's latest licence summary as of
 * then, per currency. A tenant counts from its first summary on, with the figures it had at that
 * moment (a tenant synced on Monday still counts on Sunday); amounts in two currencies are never
 * added, and a missing price or sign-in data stays a gap rather than a zero.
 */

/** One tenant's latest summary as of one bucket's end. */
export interface BookTrendInput {
  at: string;
  tenantId: string;
  currency: string;
  spendMonthly: number;
  wasteMonthly: number;
  possibleWasteMonthly: number;
  unpricedUnits: number;
}

export interface BookTrendPoint {
  at: string;
  tenants: number;
  spendMonthly: number;
  wasteMonthly: number;
  possibleWasteMonthly: number;
  unpricedUnits: number;
}

export interface BookTrendSeries {
  currency: string;
  points: BookTrendPoint[];
}

const DAY_MS = 86_400_000;

/**
 * Bucket ends, oldest first: `weeks` week-long buckets ending at `now` (the newest bucket is
 * "as of now", so the last point equals the book's totals).
 */
export function weekEnds(now: Date, weeks: number): string[] {
  return Array.from({ length: weeks }, (_, i) =>
    new Date(now.getTime() - (weeks - 1 - i) * 7 * DAY_MS).toISOString(),
  );
}

/**
 * Sums rows per currency and bucket in integer cents. Every currency has a point for every bucket
 * (zero tenants before its first summary), so the series line up on one time axis.
 */
export function bookTrend(ends: readonly string[], rows: readonly BookTrendInput[]): BookTrendSeries[] {
  const byCurrency = new Map<string, Map<string, Cents>>();
  for (const r of rows) {
    const buckets = byCurrency.get(r.currency) ?? new Map<string, Cents>();
    const c = buckets.get(r.at) ?? { tenants: new Set(), spend: 0, waste: 0, possible: 0, unpriced: 0 };
    // one summary per tenant and bucket: a duplicate row must not count twice
    if (c.tenants.has(r.tenantId)) continue;
    c.tenants.add(r.tenantId);
    c.spend += toCents(r.spendMonthly);
    c.waste += toCents(r.wasteMonthly);
    c.possible += toCents(r.possibleWasteMonthly);
    c.unpriced += r.unpricedUnits;
    buckets.set(r.at, c);
    byCurrency.set(r.currency, buckets);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, buckets]) => ({
      currency,
      points: ends.map((at) => pointOf(at, buckets.get(at))),
    }));
}

interface Cents {
  tenants: Set<string>;
  spend: number;
  waste: number;
  possible: number;
  unpriced: number;
}

function pointOf(at: string, c: Cents | undefined): BookTrendPoint {
  return {
    at,
    tenants: c?.tenants.size ?? 0,
    spendMonthly: (c?.spend ?? 0) / 100,
    wasteMonthly: (c?.waste ?? 0) / 100,
    possibleWasteMonthly: (c?.possible ?? 0) / 100,
    unpricedUnits: c?.unpriced ?? 0,
  };
}

const toCents = (amount: number) => Math.round(amount * 100);
