import { type Formats, formatNumber } from '../format.ts';

/**
 * Pure parts shared by the sortable tables: sorting with unknown values last, the direction of a
 * click on a column, and counted nouns ("1 tenant", "2 tenants").
 */
export type Dir = 'asc' | 'desc';
export interface SortState<K extends string> {
  key: K;
  dir: Dir;
}

/** A sort key: a number or text, or null when unknown (no price, no sign-in data). */
export type SortValue = string | number | null;

/**
 * Sorts a copy of `rows` by `value(row, key)`; unknown values go last in either direction, and
 * ties fall back to `tie` (a name), so the order is stable.
 */
export function sortBy<T, K extends string>(
  rows: readonly T[],
  sort: SortState<K>,
  value: (row: T, key: K) => SortValue,
  tie: (row: T) => string,
): T[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const ka = value(a, sort.key);
    const kb = value(b, sort.key);
    if (ka === null || kb === null) {
      if (ka !== kb) return ka === null ? 1 : -1;
    } else if (ka !== kb) {
      const order =
        typeof ka === 'string' && typeof kb === 'string' ? ka.localeCompare(kb) : ka < kb ? -1 : 1;
      return order * sign;
    }
    return tie(a).localeCompare(tie(b));
  });
}

/** A click on the sorted column turns it round; a click on another sorts it its own first way. */
export function nextSort<K extends string>(
  current: SortState<K>,
  key: K,
  first: (key: K) => Dir,
): SortState<K> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: first(key) };
}

/** `aria-sort` of a column header. */
export function ariaSort<K extends string>(
  sort: SortState<K>,
  key: K,
): 'ascending' | 'descending' | undefined {
  if (sort.key !== key) return undefined;
  return sort.dir === 'asc' ? 'ascending' : 'descending';
}

/** "1 tenant", "2,000 tenants"; `many` for nouns that do not just add an s. */
export function counted(n: number, one: string, many = `${one}s`, f?: Formats): string {
  return `${formatNumber(n, f)} ${n === 1 ? one : many}`;
}

/** "1–50 of 1,234 findings": the rows a page shows, or "No findings" when there are none. */
export function pageLabel(
  offset: number,
  shown: number,
  total: number,
  one: string,
  many?: string,
  f?: Formats,
): string {
  if (total === 0) return `No ${many ?? `${one}s`}`;
  return `${formatNumber(offset + 1, f)}–${formatNumber(offset + shown, f)} of ${counted(total, one, many, f)}`;
}
