/**
 * The Microsoft 365 active-user report (`getOffice365ActiveUserDetail`, one row per CSV line keyed
 * by its header: graph-protocol.md §4 usage reports). Per user: last activity per workload.
 *
 * Concealed names: when `admin/reportSettings.displayConcealedNames` is true (Microsoft's default),
 * the report replaces user principal names with opaque hex strings. Joining those to directory
 * users would match nobody, or worse, match wrongly, so the view says the names are concealed and
 * joins nothing; workload totals stay valid.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import type { UsageView, UserLicenceRow, UserUsage } from './licence-types.ts';
import { read } from './licence-view.ts';

type Row = Record<string, string>;

const UPN = 'User Principal Name';
const LAST_ACTIVITY = / Last Activity Date$/;
/** Concealed names are 32 hexadecimal digits (observed; the emulator serves the same form). */
const CONCEALED = /^[0-9a-f]{32}$/i;

export interface UsageResult {
  view: UsageView;
  /** lower-case UPN → usage, only when names are real */
  byUpn: Map<string, UserUsage> | null;
}

export function buildUsage(snapshot: Snapshot): UsageResult {
  const report = read<Row>(snapshot, 'office365ActiveUserDetail');
  if (!report.ok) {
    return {
      view: unavailable(`The usage report was not read (office365ActiveUserDetail is ${report.status}).`),
      byUpn: null,
    };
  }
  const rows = report.items;
  const workloads = workloadsOf(rows[0]);
  const concealedWhy = concealment(snapshot, rows);
  const view: UsageView = {
    status: 'ok',
    note: concealedWhy,
    concealed: concealedWhy !== null,
    refreshDate: rows[0]?.['Report Refresh Date'] || null,
    rows: rows.length,
    joined: 0,
    workloads: workloadTotals(rows, workloads),
  };
  if (concealedWhy !== null) return { view, byUpn: null };
  const byUpn = new Map<string, UserUsage>();
  for (const r of rows) {
    if (r['Is Deleted'] === 'True' || !r[UPN]) continue;
    byUpn.set(r[UPN].toLowerCase(), usageOf(r, workloads));
  }
  return { view, byUpn };
}

/** Attaches usage to user rows by UPN; returns how many rows were joined. */
export function joinUsage(rows: UserLicenceRow[], byUpn: Map<string, UserUsage> | null): number {
  if (!byUpn) return 0;
  let joined = 0;
  for (const row of rows) {
    const usage = row.userPrincipalName ? byUpn.get(row.userPrincipalName.toLowerCase()) : undefined;
    if (!usage) continue;
    row.usage = usage;
    joined++;
  }
  return joined;
}

/** Licensed and active rows per workload, in one pass over the rows. */
function workloadTotals(rows: Row[], workloads: string[]): UsageView['workloads'] {
  const keys = workloads.map((w) => [`Has ${w} License`, `${w} Last Activity Date`] as const);
  const licensed = workloads.map(() => 0);
  const active = workloads.map(() => 0);
  for (const r of rows) {
    keys.forEach(([has, last], i) => {
      if (r[has] === 'True') licensed[i]!++;
      if (r[last]) active[i]!++;
    });
  }
  return workloads.map((workload, i) => ({ workload, licensed: licensed[i]!, active: active[i]! }));
}

function workloadsOf(row: Row | undefined): string[] {
  return Object.keys(row ?? {})
    .filter((k) => LAST_ACTIVITY.test(k))
    .map((k) => k.replace(LAST_ACTIVITY, ''));
}

function usageOf(r: Row, workloads: string[]): UserUsage {
  const perWorkload: Record<string, string | null> = {};
  let last: string | null = null;
  for (const w of workloads) {
    const date = r[`${w} Last Activity Date`] || null;
    perWorkload[w] = date;
    // ISO dates (YYYY-MM-DD) compare correctly as strings
    if (date && (last === null || date > last)) last = date;
  }
  return { lastActivity: last, workloads: perWorkload };
}

function concealment(snapshot: Snapshot, rows: Row[]): string | null {
  const settings = read<{ displayConcealedNames?: boolean }>(snapshot, 'reportSettings');
  if (settings.ok && settings.items[0]?.displayConcealedNames === true)
    return 'User names in usage reports are concealed (Microsoft 365 admin center › Settings › Org settings › Reports), so usage cannot be matched to users; totals per workload are still shown.';
  if (rows.some((r) => CONCEALED.test(r[UPN] ?? '')))
    return 'The usage report holds concealed (hexadecimal) user names, so usage cannot be matched to users; totals per workload are still shown.';
  return null;
}

function unavailable(note: string): UsageView {
  return {
    status: 'unavailable',
    note,
    concealed: false,
    refreshDate: null,
    rows: 0,
    joined: 0,
    workloads: [],
  };
}
