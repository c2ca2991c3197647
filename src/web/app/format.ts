/**
 * Numbers, money and dates in the reader's locale and time zone (the browser's). `locale`
 * and `timeZone` are parameters so the functions are pure and tested with tables.
 */
export interface Formats {
  locale: string | undefined;
  timeZone: string | undefined;
}

const browser: Formats = { locale: undefined, timeZone: undefined };

export function formatNumber(n: number | null | undefined, f: Formats = browser): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(f.locale, { maximumFractionDigits: 1 }).format(n);
}

export function formatMoney(
  amount: number | null | undefined,
  currency: string,
  f: Formats = browser,
): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return '—';
  try {
    return new Intl.NumberFormat(f.locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(
      amount,
    );
  } catch {
    // a code Intl does not know: the number and the code, never a wrong symbol
    return `${formatNumber(amount, f)} ${currency}`;
  }
}

export function formatPercent(n: number | null | undefined, f: Formats = browser): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(f.locale, { style: 'percent', maximumFractionDigits: 0 }).format(n / 100);
}

export function formatDateTime(iso: string | null | undefined, f: Formats = browser): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(f.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(f.timeZone ? { timeZone: f.timeZone } : {}),
  }).format(d);
}

export function formatDate(iso: string | null | undefined, f: Formats = browser): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(f.locale, {
    dateStyle: 'medium',
    ...(f.timeZone ? { timeZone: f.timeZone } : {}),
  }).format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago", "in 2 days"; under a minute is "just now". */
export function formatRelative(iso: string | null | undefined, now: Date, f: Formats = browser): string {
  if (!iso) return 'never';
  const diff = new Date(iso).getTime() - now.getTime();
  const rtf = new Intl.RelativeTimeFormat(f.locale, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms) return rtf.format(Math.round(diff / ms), unit);
  return rtf.format(0, 'second') === 'now' ? 'just now' : rtf.format(0, 'second');
}

/** A duration between two instants, e.g. "1 min 5 s". */
export function formatDuration(fromIso: string, toIso: string | null, now: Date): string {
  const ms = (toIso ? new Date(toIso).getTime() : now.getTime()) - new Date(fromIso).getTime();
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * A count with its noun in the right form: "1 tenant", "2 tenants", "1,204 changes". English
 * nouns, so the plural rule is English too; the number follows the reader's locale.
 */
export function formatCount(n: number, one: string, other: string, f: Formats = browser): string {
  const form = new Intl.PluralRules('en').select(n) === 'one' ? one : other;
  return `${formatNumber(n, f)} ${form}`;
}
