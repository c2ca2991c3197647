/**
 * Licence results into storage: the workspace price book (the starter list until someone saves
 * one) and one summary per analysed snapshot. A summary is the book row of the analysis plus the
 * waste per reason and per department; per-user lines are not stored (recomputed from the
 * snapshot when asked), so storage stays small for large tenants.
 */
import { bookRow } from '../analyse/licences/book.ts';
import {
  type LicenceAnalysis,
  type PriceBook,
  type PriceBookFile,
  skuLines,
  starterPriceBook,
  validatePriceBook,
} from '../analyse/licences/index.ts';
import { newId } from '../platform/ids.ts';
import type { Tx } from '../storage/transactions.ts';
import type { AnalysisTarget } from './pipeline-types.ts';

export interface StoredPriceBook {
  book: PriceBookFile;
  /** false: nothing saved yet, this is the starter list */
  saved: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The workspace's price book; the starter list when none was saved. */
export async function getPriceBook(tx: Tx, workspaceId: string): Promise<StoredPriceBook> {
  const row = await tx
    .selectFrom('price_books')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return { book: starterPriceBook(), saved: false, updatedBy: null, updatedAt: null };
  // Validated on the way in; validated again here so a hand-edited row cannot break analysis quietly.
  return {
    book: validatePriceBook(row.book, 'stored price book'),
    saved: true,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

/**
 * Saves the workspace's price book (format tenantscope.prices/v1). A malformed book is refused
 * with TS_ERR_PRICE_BOOK_INVALID naming the JSON path of the problem; nothing is changed then.
 * Per-tenant overrides are keyed by the Microsoft tenant id, as in the price file.
 */
export async function savePriceBook(
  tx: Tx,
  workspaceId: string,
  document: unknown,
  by: string,
  at: Date,
): Promise<PriceBookFile> {
  const book = validatePriceBook(document, 'price book');
  const values = { book: JSON.stringify(book), updated_by: by, updated_at: at };
  await tx
    .insertInto('price_books')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  return book;
}

/** Back to the starter list. */
export async function resetPriceBook(tx: Tx, workspaceId: string): Promise<void> {
  await tx.deleteFrom('price_books').where('workspace_id', '=', workspaceId).execute();
}

/**
 * What one summary holds: the book row (counts, spend, waste, savings), the waste breakdown, and
 * one line per SKU (`bySku`, priced with `prices`, the book the analysis used). Summaries stored
 * before `bySku` existed lack it: readers treat that as "not known", never as no SKUs.
 */
export function summariseLicences(a: LicenceAnalysis, prices: PriceBook) {
  const row = bookRow(a);
  return {
    currency: a.waste.currency,
    totals: {
      spendMonthly: row.spendMonthly,
      wasteMonthly: row.wasteMonthly,
      possibleWasteMonthly: row.possibleWasteMonthly,
      savingsAnnual: row.savingsAnnual,
      savings: a.waste.savings,
      unpricedUnits: row.unpricedUnits,
      unpricedSkus: a.waste.unpricedSkus,
      idleDays: a.waste.idleDays,
      idleKnown: a.waste.idleKnown,
      byReason: a.waste.byReason,
      byDepartment: a.waste.byDepartment,
      bySku: skuLines(a, prices),
    },
    counts: {
      purchased: row.purchased,
      consumed: row.consumed,
      available: row.available,
      licensedUsers: row.licensedUsers,
      disabledWithLicences: row.disabledWithLicences,
      neverSignedIn: row.neverSignedIn,
      idle: row.idle,
      overlapping: row.overlapping,
      guestsWithLicences: a.findings.holdersKnown ? a.findings.guestsWithLicences.length : null,
      skus: a.inventory.length,
      unavailable: a.unavailable,
      usageConcealed: a.usage.concealed,
    },
  };
}

export async function storeLicenceSummary(
  tx: Tx,
  target: AnalysisTarget,
  summary: ReturnType<typeof summariseLicences>,
): Promise<void> {
  const values = {
    snapshot_id: target.snapshotId,
    currency: summary.currency,
    totals: JSON.stringify(summary.totals),
    counts: JSON.stringify(summary.counts),
  };
  await tx
    .insertInto('licence_summaries')
    .values({
      id: newId(),
      workspace_id: target.workspaceId,
      tenant_id: target.tenantId,
      collected_at: target.collectedAt,
      ...values,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'collected_at']).doUpdateSet(values))
    .execute();
}
