/**
 * Resolves a Cost Management `timeframe` to inclusive dates. "Today" is the tenant's `asOf`, so a
 * generated tenant always has data for MonthToDate. Timeframe names: azure-cost.md §1.2 (SDK
 * KnownTimeframeType, plus the SKILL extras marked [O/U] there).
 */
export interface DateRange {
  from: string;
  to: string;
}

const DAY = 86_400_000;

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function monthStart(y: number, m: number): number {
  return Date.UTC(y, m, 1);
}

export function resolveTimeframe(timeframe: string, asOf: Date): DateRange | undefined {
  const today = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  const y = asOf.getUTCFullYear();
  const m = asOf.getUTCMonth();
  switch (timeframe.toLowerCase()) {
    case 'monthtodate':
    case 'billingmonthtodate': // billing month = calendar month for PAYG/EA subscriptions [U]
    case 'thecurrentmonth':
      return { from: iso(monthStart(y, m)), to: iso(today) };
    case 'thelastmonth':
    case 'thelastbillingmonth':
      return { from: iso(monthStart(y, m - 1)), to: iso(monthStart(y, m) - DAY) };
    case 'weektodate': {
      // weeks start on Sunday in Cost analysis [U]
      return { from: iso(today - asOf.getUTCDay() * DAY), to: iso(today) };
    }
    case 'thelastweek': {
      const thisWeek = today - asOf.getUTCDay() * DAY;
      return { from: iso(thisWeek - 7 * DAY), to: iso(thisWeek - DAY) };
    }
    case 'thelast7days':
      return { from: iso(today - 6 * DAY), to: iso(today) };
    case 'thelast3months':
      return { from: iso(monthStart(y, m - 3)), to: iso(monthStart(y, m) - DAY) };
    case 'yeartodate':
      return { from: iso(Date.UTC(y, 0, 1)), to: iso(today) };
    case 'thelastyear':
      return { from: iso(Date.UTC(y - 1, 0, 1)), to: iso(Date.UTC(y, 0, 1) - DAY) };
    default:
      return undefined;
  }
}

/** Calendar months a range touches: one QPU per month of data queried (azure-cost.md §1.5). */
export function monthsSpanned(range: DateRange): number {
  const [fy, fm] = range.from.split('-').map(Number) as [number, number];
  const [ty, tm] = range.to.split('-').map(Number) as [number, number];
  return Math.max(1, (ty - fy) * 12 + (tm - fm) + 1);
}

/** Days in an inclusive range. */
export function daysSpanned(range: DateRange): number {
  return Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY) + 1;
}

/** `2025-01-31T23:59:59Z` or `2025-01-31` → `2025-01-31`; undefined when not a date. */
export function datePart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!match || Number.isNaN(Date.parse(match[1]!))) return undefined;
  return match[1];
}
