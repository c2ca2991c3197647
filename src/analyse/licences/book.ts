/**
 * Cross-tenant views: an MSP's whole book (one row per tenant, totals per currency — amounts in
 * two currencies are never added), and the trend of one tenant over several snapshots.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { analyseLicences, type LicenceOptions } from './analyse-licences.ts';
import { isIdle } from './findings.ts';
import type { LicenceAnalysis } from './licence-types.ts';

export interface BookRow {
  tenantId: string;
  displayName: string | null;
  collectedAt: string;
  currency: string;
  purchased: number;
  consumed: number;
  available: number;
  licensedUsers: number;
  disabledWithLicences: number;
  /** null: cannot tell (no sign-in data) */
  neverSignedIn: number | null;
  idle: number | null;
  overlapping: number;
  spendMonthly: number;
  wasteMonthly: number;
  possibleWasteMonthly: number;
  savingsAnnual: number;
  unpricedUnits: number;
}

export interface BookTotals {
  currency: string;
  tenants: number;
  spendMonthly: number;
  wasteMonthly: number;
  possibleWasteMonthly: number;
  savingsAnnual: number;
  unpricedUnits: number;
  /** tenants whose idle and never-signed-in waste is unknown (no Entra ID P1) */
  tenantsWithoutSignInData: number;
}

export interface Book {
  tenants: BookRow[];
  totals: BookTotals[];
}

export function bookRow(a: LicenceAnalysis): BookRow {
  const sum = (pick: (s: LicenceAnalysis['inventory'][number]) => number) =>
    a.inventory.filter((s) => !s.free).reduce((n, s) => n + pick(s), 0);
  const f = a.findings;
  const nowMs = Date.parse(a.now);
  return {
    tenantId: a.tenant.tenantId,
    displayName: a.tenant.displayName,
    collectedAt: a.collectedAt,
    currency: a.waste.currency,
    purchased: sum((s) => s.purchased),
    consumed: sum((s) => s.consumed),
    available: sum((s) => s.available),
    licensedUsers: f.licensedUsers,
    disabledWithLicences: f.disabledWithLicences.length,
    neverSignedIn: f.neverSignedInWithLicences?.length ?? null,
    idle:
      f.idle.status === 'known'
        ? a.users.filter((u) => u.licences.length > 0 && isIdle(u, a.waste.idleDays, nowMs)).length
        : null,
    overlapping: f.overlapping.length,
    spendMonthly: a.waste.spend.monthly,
    wasteMonthly: a.waste.total.monthly,
    possibleWasteMonthly: a.waste.possible.monthly,
    savingsAnnual: a.waste.savings.annual,
    unpricedUnits: a.waste.total.unpricedUnits + a.waste.spend.unpricedUnits,
  };
}

/** The book over the latest analysis of each tenant. */
export function licenceBook(analyses: readonly LicenceAnalysis[]): Book {
  const tenants = latestPerTenant(analyses).map(bookRow);
  const byCurrency = new Map<string, { cents: Record<string, number>; row: BookTotals }>();
  for (const t of tenants) {
    const entry = byCurrency.get(t.currency) ?? {
      cents: { spend: 0, waste: 0, possible: 0, savings: 0 },
      row: { ...emptyTotals(t.currency) },
    };
    // add in cents, so a book of many tenants stays exact
    entry.cents.spend! += Math.round(t.spendMonthly * 100);
    entry.cents.waste! += Math.round(t.wasteMonthly * 100);
    entry.cents.possible! += Math.round(t.possibleWasteMonthly * 100);
    entry.cents.savings! += Math.round(t.savingsAnnual * 100);
    entry.row.tenants++;
    entry.row.unpricedUnits += t.unpricedUnits;
    if (t.idle === null) entry.row.tenantsWithoutSignInData++;
    byCurrency.set(t.currency, entry);
  }
  const totals = [...byCurrency.values()].map(({ cents, row }) => ({
    ...row,
    spendMonthly: cents.spend! / 100,
    wasteMonthly: cents.waste! / 100,
    possibleWasteMonthly: cents.possible! / 100,
    savingsAnnual: cents.savings! / 100,
  }));
  return { tenants, totals: totals.sort((a, b) => a.currency.localeCompare(b.currency)) };
}

function emptyTotals(currency: string): BookTotals {
  return {
    currency,
    tenants: 0,
    spendMonthly: 0,
    wasteMonthly: 0,
    possibleWasteMonthly: 0,
    savingsAnnual: 0,
    unpricedUnits: 0,
    tenantsWithoutSignInData: 0,
  };
}

export function latestPerTenant(analyses: readonly LicenceAnalysis[]): LicenceAnalysis[] {
  const latest = new Map<string, LicenceAnalysis>();
  for (const a of analyses) {
    const seen = latest.get(a.tenant.tenantId);
    if (!seen || Date.parse(a.collectedAt) > Date.parse(seen.collectedAt)) latest.set(a.tenant.tenantId, a);
  }
  return [...latest.values()].sort((a, b) =>
    (a.tenant.displayName ?? a.tenant.tenantId).localeCompare(b.tenant.displayName ?? b.tenant.tenantId),
  );
}

/** One tenant's figures over time, oldest first; tenants are kept apart by id. */
export function licenceTrend(analyses: readonly LicenceAnalysis[]): Record<string, BookRow[]> {
  return trendOf(analyses.map(bookRow));
}

/**
 * The trend straight from snapshots; each is analysed at its own `collectedAt` and reduced to its
 * book row at once, so only one full analysis is in memory at a time.
 */
export function licenceTrendFromSnapshots(
  snapshots: readonly Snapshot[],
  options: (snapshot: Snapshot) => Omit<LicenceOptions, 'now'>,
): Record<string, BookRow[]> {
  return trendOf(snapshots.map((s) => bookRow(analyseLicences(s, options(s)))));
}

function trendOf(rows: BookRow[]): Record<string, BookRow[]> {
  const byTenant: Record<string, BookRow[]> = {};
  rows.sort((a, b) => Date.parse(a.collectedAt) - Date.parse(b.collectedAt));
  for (const r of rows) {
    byTenant[r.tenantId] ??= [];
    byTenant[r.tenantId]!.push(r);
  }
  return byTenant;
}
