/**
 * Licence queries for the API: one tenant's latest summary and trend, and the workspace's whole
 * book (the MSP view): the latest summary of every tenant, with totals per currency — amounts in
 * two currencies are never added.
 */
import { sql } from 'kysely';
import { type BookTrendSeries, bookTrend } from '../analyse/licences/book-trend.ts';
import { idleSeats, type SkuLine, topWasteSku } from '../analyse/licences/index.ts';
import type { Tx } from '../storage/transactions.ts';
import { requireTenant } from './tenant-guard.ts';

export interface LicenceSummaryView {
  tenantId: string;
  tenantName: string;
  snapshotId: string | null;
  collectedAt: Date;
  currency: string;
  /** spendMonthly, wasteMonthly, possibleWasteMonthly, savingsAnnual, savings, unpricedUnits,
   * unpricedSkus, idleDays, idleKnown, byReason, byDepartment (licence-store.ts), and
   * topWasteSku derived from bySku (null: none wastes money, or bySku was not stored) */
  totals: Record<string, unknown>;
  /** purchased, consumed, available, licensedUsers, disabledWithLicences, neverSignedIn (null:
   * cannot tell), idle (null: cannot tell), overlapping, guestsWithLicences, skus, unavailable,
   * and idleSeats derived from bySku (null: cannot tell) */
  counts: Record<string, unknown>;
  /** the stored `totals.bySku`, kept apart from `totals`; null when the summary predates it */
  skuLines: SkuLine[] | null;
}

export interface CurrencyTotals {
  currency: string;
  tenants: number;
  spendMonthly: number;
  wasteMonthly: number;
  possibleWasteMonthly: number;
  savingsAnnual: number;
  unpricedUnits: number;
  /** tenants whose idle and never-signed-in waste is unknown (no sign-in data) */
  tenantsWithoutSignInData: number;
}

const summaryColumns = [
  'l.tenant_id',
  't.display_name',
  'l.snapshot_id',
  'l.collected_at',
  'l.currency',
  'l.totals',
  'l.counts',
] as const;

type Row = {
  tenant_id: string;
  display_name: string;
  snapshot_id: string | null;
  collected_at: Date;
  currency: string;
  totals: Record<string, unknown>;
  counts: Record<string, unknown>;
};

function toView(r: Row): LicenceSummaryView {
  const { bySku, ...totals } = r.totals;
  // summaries stored before per-SKU lines were kept have none: not known, never "no SKUs"
  const lines = Array.isArray(bySku) ? (bySku as SkuLine[]) : null;
  const idleKnown = r.counts.idle !== null && r.counts.idle !== undefined;
  return {
    tenantId: r.tenant_id,
    tenantName: r.display_name,
    snapshotId: r.snapshot_id,
    collectedAt: r.collected_at,
    currency: r.currency,
    totals: { ...totals, topWasteSku: lines ? topWasteSku(lines) : null },
    counts: { ...r.counts, idleSeats: lines && idleKnown ? idleSeats(lines) : null },
    skuLines: lines,
  };
}

/** One tenant's summaries, newest first (the first is the current one; the rest is the trend). */
export async function licenceSummaries(tx: Tx, tenantId: string, limit = 30): Promise<LicenceSummaryView[]> {
  await requireTenant(tx, tenantId);
  const rows = await tx
    .selectFrom('licence_summaries as l')
    .innerJoin('tenants as t', 't.id', 'l.tenant_id')
    .select(summaryColumns)
    .where('l.tenant_id', '=', tenantId)
    .orderBy('l.collected_at', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1000))
    .execute();
  return rows.map(toView);
}

/** The workspace's book: each tenant's latest summary, and totals per currency. */
export async function licenceBookView(
  tx: Tx,
): Promise<{ tenants: LicenceSummaryView[]; totals: CurrencyTotals[] }> {
  const rows = await tx
    .selectFrom('licence_summaries as l')
    .innerJoin('tenants as t', 't.id', 'l.tenant_id')
    .select(summaryColumns)
    .distinctOn('l.tenant_id')
    .orderBy('l.tenant_id')
    .orderBy('l.collected_at', 'desc')
    .execute();
  const tenants = rows.map(toView).sort((a, b) => a.tenantName.localeCompare(b.tenantName));
  return { tenants, totals: totalsByCurrency(tenants) };
}

/**
 * The book at each of `ends` (ISO instants, oldest first): per tenant, the latest summary at or
 * before that instant — one index lookup per tenant and bucket on (tenant_id, collected_at), so
 * hourly syncs over months cost no more than weekly ones.
 */
export async function licenceBookTrend(tx: Tx, ends: readonly string[]): Promise<BookTrendSeries[]> {
  if (ends.length === 0) return [];
  const { rows } = await sql<{
    at: Date;
    tenant_id: string;
    currency: string;
    spend: string | null;
    waste: string | null;
    possible: string | null;
    unpriced: string | null;
  }>`
    SELECT e.at, t.id AS tenant_id, s.currency,
      s.totals->>'spendMonthly' AS spend, s.totals->>'wasteMonthly' AS waste,
      s.totals->>'possibleWasteMonthly' AS possible, s.totals->>'unpricedUnits' AS unpriced
    FROM tenants t
    CROSS JOIN unnest(${sql.val(ends)}::timestamptz[]) AS e(at)
    JOIN LATERAL (
      SELECT l.currency, l.totals FROM licence_summaries l
      WHERE l.tenant_id = t.id AND l.collected_at <= e.at
      ORDER BY l.collected_at DESC LIMIT 1
    ) s ON true
  `.execute(tx);
  return bookTrend(
    ends,
    rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      tenantId: r.tenant_id,
      currency: r.currency,
      spendMonthly: Number(r.spend ?? 0),
      wasteMonthly: Number(r.waste ?? 0),
      possibleWasteMonthly: Number(r.possible ?? 0),
      unpricedUnits: Number(r.unpriced ?? 0),
    })),
  );
}

/** Sums in integer cents, per currency, so a book of many tenants stays exact. */
export function totalsByCurrency(tenants: readonly LicenceSummaryView[]): CurrencyTotals[] {
  const by = new Map<string, { cents: number[]; row: CurrencyTotals }>();
  for (const t of tenants) {
    const entry = by.get(t.currency) ?? {
      cents: [0, 0, 0, 0],
      row: {
        currency: t.currency,
        tenants: 0,
        spendMonthly: 0,
        wasteMonthly: 0,
        possibleWasteMonthly: 0,
        savingsAnnual: 0,
        unpricedUnits: 0,
        tenantsWithoutSignInData: 0,
      },
    };
    const money = ['spendMonthly', 'wasteMonthly', 'possibleWasteMonthly', 'savingsAnnual'] as const;
    money.forEach((k, i) => {
      entry.cents[i]! += Math.round(Number(t.totals[k] ?? 0) * 100);
    });
    entry.row.tenants++;
    entry.row.unpricedUnits += Number(t.totals.unpricedUnits ?? 0);
    if (t.counts.idle === null || t.counts.idle === undefined) entry.row.tenantsWithoutSignInData++;
    by.set(t.currency, entry);
  }
  return [...by.values()]
    .map(({ cents, row }) => ({
      ...row,
      spendMonthly: cents[0]! / 100,
      wasteMonthly: cents[1]! / 100,
      possibleWasteMonthly: cents[2]! / 100,
      savingsAnnual: cents[3]! / 100,
    }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}
