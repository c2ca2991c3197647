/**
 * Twelve months of daily actual cost, one row per resource per day it existed (days 365…1
 * before asOf). Deallocated VMs cost nothing after they stopped (their disks still do);
 * storage grows slowly; one resource has a planted three-day spike (`notes.costAnomalies`).
 */
import type { DailyCostRow } from '../../contract.ts';
import type { GenContext } from '../context.ts';
import type { ResourceMeta } from './resources.ts';

const DAYS = 365;

export function buildDailyCost(ctx: GenContext, resources: ResourceMeta[]): DailyCostRow[] {
  const rng = ctx.rng.stream('cost');
  const rows: DailyCostRow[] = [];
  const spikeTarget =
    ctx.profile === 'hardened'
      ? null
      : (resources.find((r) => r.type === 'microsoft.compute/virtualmachines' && r.usage === 'busy') ?? null);
  const spikeDays = new Set([40, 39, 38]);
  const totals = new Map<string, number>();
  for (const r of resources) {
    const first = Math.min(DAYS, r.ageDays);
    let sum = 0;
    for (let day = first; day >= 1; day--) {
      let cost = r.daily * (0.96 + rng.next() * 0.08);
      if (r.type === 'microsoft.storage/storageaccounts') cost *= 1 + (DAYS - day) * 0.001;
      if (r.stoppedDays !== undefined && day <= r.stoppedDays) cost = 0;
      if (r === spikeTarget && spikeDays.has(day)) cost *= 5;
      cost = Math.round(cost * 10000) / 10000;
      sum += cost;
      rows.push({
        date: ctx.clock.date(day),
        subscriptionId: r.subscriptionId,
        resourceGroup: r.resourceGroup,
        resourceId: r.obj.id,
        resourceType: r.type,
        location: r.location,
        meterCategory: r.meterCategory,
        serviceName: r.serviceName,
        cost,
        currency: 'USD',
        tags: r.tags,
      });
    }
    totals.set(r.obj.id, sum);
  }
  ctx.planted.notes.costAnomalies = spikeTarget
    ? [
        {
          resourceId: spikeTarget.obj.id,
          dates: [...spikeDays].map((d) => ctx.clock.date(d)).sort(),
          factor: 5,
        },
      ]
    : [];
  ctx.planted.notes.totalCost12Months =
    Math.round([...totals.values()].reduce((a, b) => a + b, 0) * 100) / 100;
  return rows;
}
