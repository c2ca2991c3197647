/**
 * Date helpers. Every date in a tenant is an offset from `asOf`, so a tenant generated "as of"
 * another day is the same tenant shifted in time. Strings for whole days and hours are cached
 * and shared, which keeps a 100,000-user tenant's many identical dates from costing memory.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export class Clock {
  readonly asOfMs: number;
  private readonly isoDayCache = new Map<number, string>();
  private readonly dateCache = new Map<number, string>();

  constructor(asOf: string) {
    const ms = Date.parse(asOf);
    if (Number.isNaN(ms)) throw new Error(`asOf is not an ISO date: ${asOf}`);
    this.asOfMs = ms;
  }

  /** Graph's usual form: seconds precision, `Z` (e.g. `2021-03-04T10:11:12Z`). */
  iso(ms: number): string {
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  }

  /** `asOf − days` (fractional days allowed) as ISO. */
  daysAgo(days: number): string {
    return this.iso(this.asOfMs - Math.round(days * DAY_MS));
  }

  /** Midnight of `asOf − days` as ISO, shared string. */
  dayIso(daysAgo: number): string {
    const key = Math.floor(this.asOfMs / DAY_MS) - daysAgo;
    let s = this.isoDayCache.get(key);
    if (s === undefined) {
      s = this.iso(key * DAY_MS);
      this.isoDayCache.set(key, s);
    }
    return s;
  }

  /** `YYYY-MM-DD` of `asOf − days`, shared string. */
  date(daysAgo: number): string {
    const key = Math.floor(this.asOfMs / DAY_MS) - daysAgo;
    let s = this.dateCache.get(key);
    if (s === undefined) {
      s = new Date(key * DAY_MS).toISOString().slice(0, 10);
      this.dateCache.set(key, s);
    }
    return s;
  }

  /** Whole days between an ISO instant and `asOf` (positive in the past). */
  ageDays(iso: string): number {
    return (this.asOfMs - Date.parse(iso)) / DAY_MS;
  }
}
