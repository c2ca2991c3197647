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

/** A sum of money in whole units ("€1,234"); `cents` keeps two decimals, for a unit price. */
export function formatMoney(
  amount: number | null | undefined,
  currency: string,
  f: Formats = browser,
  cents = false,
): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return '—';
  const digits = cents ? { minimumFractionDigits: 2 } : { maximumFractionDigits: 0 };
  try {
    return new Intl.NumberFormat(f.locale, { style: 'currency', currency, ...digits }).format(amount);
  } catch {
    // a code Intl does not know: the number and the code, never a wrong symbol
    return `${new Intl.NumberFormat(f.locale, digits).format(amount)} ${currency}`;
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
 * The word for a count, in English: "1 tenant", "0 tenants", "2.5 units". Only exactly one is
 * singular (CLDR's English rule for integers; 1.5 reads "1.5 units").
 */
export function plural(n: number, one: string, many: string): string {
  return Math.abs(n) === 1 ? one : many;
}

/** A count and its word, the number formatted for the reader: "1,234 tenants"; unknown is "— tenants". */
export function countOf(
  n: number | null | undefined,
  one: string,
  many: string,
  f: Formats = browser,
): string {
  const known = n !== null && n !== undefined && !Number.isNaN(n);
  return `${formatNumber(n, f)} ${known ? plural(n, one, many) : many}`;
}

/** A unit price: cents shown (a licence at 7.50 a month is not "8"). */
export const formatPrice = (amount: number | null | undefined, currency: string, f: Formats = browser) =>
  formatMoney(amount, currency, f, true);
