import type { MetricPoint } from '../contract.ts';

/** Pure parts of the Azure Monitor metrics answer (azure-cost.md §4.3). */

export type Aggregation = 'average' | 'maximum' | 'minimum' | 'total' | 'count';
export const AGGREGATIONS: readonly Aggregation[] = ['average', 'maximum', 'minimum', 'total', 'count'];

/** Units of the metrics a generated tenant carries; anything else reports `Count`. */
const UNITS: Record<string, string> = {
  'percentage cpu': 'Percent',
  'available memory bytes': 'Bytes',
  'network in total': 'Bytes',
  'network out total': 'Bytes',
  'disk read bytes': 'Bytes',
  'disk write bytes': 'Bytes',
  'disk read operations/sec': 'CountPerSecond',
  'disk write operations/sec': 'CountPerSecond',
  cpupercentage: 'Percent',
  memorypercentage: 'Percent',
  dtu_consumption_percent: 'Percent',
};

export function unitOf(metric: string): string {
  return UNITS[metric.toLowerCase()] ?? 'Count';
}

/** ISO 8601 duration (`PT1H`, `P1D`, `PT30M`) in milliseconds; undefined when malformed or zero. */
export function parseDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(text.trim());
  if (!m) return undefined;
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  const ms = ((d * 24 + h) * 60 + min) * 60_000 + s * 1000;
  return ms > 0 ? ms : undefined;
}

/** `start/end`, `start/duration` or a bare duration ending at `now` (Azure Monitor's timespan forms). */
export function parseTimespan(text: string | null, now: Date): { start: number; end: number } | undefined {
  // Without a timespan Azure Monitor answers the last hour.
  if (!text) return { start: now.getTime() - 3_600_000, end: now.getTime() };
  const [a, b] = text.split('/');
  if (b === undefined) {
    const d = parseDuration(a!);
    return d ? { start: now.getTime() - d, end: now.getTime() } : undefined;
  }
  const start = Date.parse(a!);
  const end = Number.isNaN(Date.parse(b)) ? start + (parseDuration(b) ?? Number.NaN) : Date.parse(b);
  return Number.isNaN(start) || Number.isNaN(end) || end <= start ? undefined : { start, end };
}

/** Azure's timestamps have no fraction: `2021-04-20T09:00:00Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Buckets hourly points into `interval` slices from `start`. A slice without points carries only
 * its timeStamp, as Azure Monitor omits aggregates when there is no data (§4.3). The model holds
 * one hourly average and maximum, so `minimum` is the lowest hourly average, `total` the sum of
 * hourly averages and `count` the number of hourly points: approximations, documented in README.
 */
export function bucketize(
  points: readonly MetricPoint[],
  start: number,
  end: number,
  interval: number,
  aggregations: readonly Aggregation[],
) {
  const slices: MetricPoint[][] = [];
  for (let t = start; t < end; t += interval) slices.push([]);
  for (const p of points) {
    const t = Date.parse(p.timeStamp);
    if (t >= start && t < end) slices[Math.floor((t - start) / interval)]!.push(p);
  }
  return slices.map((slice, i) => {
    const entry: Record<string, number | string> = { timeStamp: isoSeconds(start + i * interval) };
    if (slice.length === 0) return entry;
    const avgs = slice.map((p) => p.average);
    const values: Record<Aggregation, number> = {
      average: avgs.reduce((a, b) => a + b, 0) / avgs.length,
      maximum: Math.max(...slice.map((p) => p.maximum)),
      minimum: Math.min(...avgs),
      total: avgs.reduce((a, b) => a + b, 0),
      count: slice.length,
    };
    for (const a of aggregations) entry[a] = values[a];
    return entry;
  });
}
