/**
 * Hourly Monitor metrics for 30 days, VMs only: `Percentage CPU` and `Available Memory Bytes`
 * (azure-cost.md §4.3). Busy VMs follow a working-day curve; right-size candidates stay under
 * 30 % CPU (AOE's threshold, §5.2); idle VMs stay under 3 % (Advisor's shutdown criterion).
 * Deallocated VMs have no data points, as Monitor returns none.
 */
import type { MetricPoint } from '../../contract.ts';
import type { GenContext } from '../context.ts';
import { HOUR_MS } from '../time.ts';
import type { ResourceMeta } from './resources.ts';

const HOURS = 30 * 24;

export function buildMetrics(
  ctx: GenContext,
  resources: ResourceMeta[],
): Record<string, Record<string, MetricPoint[]>> {
  const rng = ctx.rng.stream('metrics');
  const start = Math.floor(ctx.clock.asOfMs / HOUR_MS) * HOUR_MS - HOURS * HOUR_MS;
  const stamps = Array.from({ length: HOURS }, (_, h) =>
    new Date(start + h * HOUR_MS).toISOString().replace('.000Z', 'Z'),
  );
  const out: Record<string, Record<string, MetricPoint[]>> = {};
  for (const r of resources) {
    if (!r.vm) continue;
    if (r.usage === 'deallocated') {
      out[r.obj.id] = { 'Percentage CPU': [], 'Available Memory Bytes': [] };
      continue;
    }
    const [base, swing, cap] =
      r.usage === 'idle'
        ? [0.8, 0.4, 2.9]
        : r.usage === 'rightsize'
          ? [10, 6, 28]
          : [rng.float(30, 50), rng.float(10, 20), 100];
    const memTotal = r.vm.memoryGb * 1024 ** 3;
    const memUsed = r.usage === 'idle' ? 0.15 : r.usage === 'rightsize' ? 0.3 : rng.float(0.55, 0.75);
    const cpu: MetricPoint[] = new Array(HOURS);
    const mem: MetricPoint[] = new Array(HOURS);
    for (let h = 0; h < HOURS; h++) {
      const hourOfDay = (h + Math.floor(start / HOUR_MS)) % 24;
      const day = Math.sin(((hourOfDay - 8) / 24) * 2 * Math.PI);
      const avg = clamp(base + swing * day + rng.float(-1, 1) * swing * 0.2, 0.05, cap);
      const max = clamp(avg * rng.float(1.1, 1.6), avg, cap);
      cpu[h] = { timeStamp: stamps[h]!, average: round(avg), maximum: round(max) };
      const avail = memTotal * (1 - clamp(memUsed + day * 0.05, 0.05, 0.95));
      mem[h] = { timeStamp: stamps[h]!, average: Math.round(avail), maximum: Math.round(avail * 1.03) };
    }
    out[r.obj.id] = { 'Percentage CPU': cpu, 'Available Memory Bytes': mem };
  }
  return out;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number) => Math.round(x * 100) / 100;
