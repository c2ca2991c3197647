/**
 * Advisor recommendations (Microsoft.Advisor/recommendations, extendedProperties as strings per
 * azure-cost.md §4.1) and legacy reservation recommendations (Microsoft.Consumption, §4.2).
 */
import type { ArmObject } from '../../contract.ts';
import type { GenContext } from '../context.ts';
import type { Rng } from '../prng.ts';
import { VM_SIZES } from './catalog.ts';
import type { ResourceMeta } from './resources.ts';

/** Advisor's recommendation type for "right-size or shut down underutilized VMs" (azure-cost.md §4.1). */
const VM_RIGHTSIZE_TYPE = 'e10b1381-5f0a-47ff-8c7b-37bd13d7c974';

export function buildAdvisor(ctx: GenContext, resources: ResourceMeta[]): ArmObject[] {
  const rng = ctx.rng.stream('advisor');
  // Other recommendation types get a stable id per tenant; only the VM type id above is Microsoft's.
  const typeIds = { backup: rng.guid(), zones: rng.guid(), storageNetwork: rng.guid(), tls: rng.guid() };
  const recs: ArmObject[] = [];
  let monthly = 0;
  for (const r of resources) {
    if (!r.vm || (r.usage !== 'idle' && r.usage !== 'rightsize')) continue;
    const shutdown = r.usage === 'idle';
    const saving = round2(
      r.daily *
        30 *
        (shutdown
          ? 1
          : 1 - (VM_SIZES.find((s) => s.name === r.vm!.smaller)?.hourly ?? r.vm.hourly / 2) / r.vm.hourly),
    );
    monthly += saving;
    recs.push(
      rec(
        ctx,
        rng,
        r,
        'Cost',
        'High',
        VM_RIGHTSIZE_TYPE,
        'Right-size or shutdown underutilized virtual machines',
        shutdown ? 'Shut down the virtual machine' : 'Right-size the virtual machine to a smaller SKU',
        {
          currentSku: r.vm.name,
          targetSku: shutdown ? 'Shutdown' : (r.vm.smaller ?? r.vm.name),
          recommendationType: shutdown ? 'Shutdown' : 'SkuChange',
          savingsAmount: String(saving),
          annualSavingsAmount: String(round2(saving * 12)),
          savingsCurrency: 'USD',
          MaxCpuP95: shutdown ? '1.8' : '17.5',
          regionId: r.location,
          subId: r.subscriptionId,
          ResourceGroup: r.resourceGroup,
          lookbackPeriod: '7',
          ObservationPeriodStartDate: ctx.clock.dayIso(8),
          ObservationPeriodEndDate: ctx.clock.dayIso(1),
        },
      ),
    );
  }
  for (const r of resources) {
    if (r.vm && r.usage === 'busy' && rng.chance(ctx.profile === 'hardened' ? 0.05 : 0.4)) {
      recs.push(
        rec(
          ctx,
          rng,
          r,
          'HighAvailability',
          'Medium',
          typeIds.backup,
          'Enable Backup on your virtual machines',
          'Enable Azure Backup for the virtual machine',
          {},
        ),
      );
    }
    if (r.type === 'microsoft.storage/storageaccounts' && ctx.profile !== 'hardened' && rng.chance(0.5)) {
      recs.push(
        rec(
          ctx,
          rng,
          r,
          'Security',
          'High',
          typeIds.storageNetwork,
          'Storage accounts should restrict network access',
          'Restrict network access with firewall rules or private endpoints',
          {},
        ),
      );
    }
    if (r.type === 'microsoft.sql/servers/databases' && ctx.profile === 'neglected' && rng.chance(0.5)) {
      recs.push(
        rec(
          ctx,
          rng,
          r,
          'HighAvailability',
          'Low',
          typeIds.zones,
          'Use availability zones for better resiliency',
          'Enable zone redundancy for the database',
          {},
        ),
      );
    }
  }
  ctx.planted.notes.advisorMonthlySavings = round2(monthly);
  return recs;
}

function rec(
  ctx: GenContext,
  rng: Rng,
  r: ResourceMeta,
  category: string,
  impact: string,
  typeId: string,
  problem: string,
  solution: string,
  ext: Record<string, string>,
): ArmObject {
  const name = rng.guid();
  const provider = r.type.split('/').slice(0, 2).join('/');
  return {
    id: `${r.obj.id}/providers/Microsoft.Advisor/recommendations/${name}`,
    name,
    type: 'Microsoft.Advisor/recommendations',
    properties: {
      category,
      impact,
      impactedField: canonicalType(provider),
      impactedValue: r.obj.name,
      lastUpdated: ctx.clock.daysAgo(1),
      recommendationTypeId: typeId,
      risk: category === 'Security' ? 'Warning' : null,
      shortDescription: { problem, solution },
      extendedProperties: ext,
      resourceMetadata: { resourceId: r.obj.id, source: null, action: null, singular: null, plural: null },
      suppressionIds: null,
    },
  };
}

const CANONICAL: Record<string, string> = {
  'microsoft.compute/virtualmachines': 'Microsoft.Compute/virtualMachines',
  'microsoft.storage/storageaccounts': 'Microsoft.Storage/storageAccounts',
  'microsoft.sql/servers': 'Microsoft.Sql/servers',
};
const canonicalType = (t: string) => CANONICAL[t] ?? t;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Legacy-kind reservation recommendations for VM sizes running steadily (≥ 2 instances). */
export function buildReservationRecs(ctx: GenContext, resources: ResourceMeta[]): ArmObject[] {
  const rng = ctx.rng.stream('reservations');
  const groups = new Map<string, ResourceMeta[]>();
  for (const r of resources) {
    if (!r.vm || r.usage !== 'busy' || r.ageDays < 30) continue;
    const key = `${r.subscriptionId}|${r.location}|${r.vm.name}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: ArmObject[] = [];
  for (const [key, vms] of groups) {
    if (vms.length < 2) continue;
    const [sub, location] = key.split('|') as [string, string];
    const size = vms[0]!.vm!;
    const payg = round2(size.hourly * 24 * 30 * vms.length);
    for (const [term, factor] of [
      ['P1Y', 0.62],
      ['P3Y', 0.4],
    ] as const) {
      const name = rng.guid();
      out.push({
        id: `/subscriptions/${sub}/providers/Microsoft.Consumption/reservationRecommendations/${name}`,
        name,
        type: 'Microsoft.Consumption/reservationRecommendations',
        location,
        sku: size.name,
        kind: 'legacy',
        properties: {
          lookBackPeriod: 'Last30Days',
          instanceFlexibilityRatio: 1,
          instanceFlexibilityGroup: size.family,
          normalizedSize: size.name,
          recommendedQuantityNormalized: vms.length,
          meterId: rng.guid(),
          resourceType: 'virtualmachines',
          term,
          costWithNoReservedInstances: payg,
          recommendedQuantity: vms.length,
          totalCostWithReservedInstances: round2(payg * factor),
          netSavings: round2(payg * (1 - factor)),
          firstUsageDate: ctx.clock.dayIso(Math.max(...vms.map((v) => Math.min(v.ageDays, 365)))),
          scope: 'Single',
          subscriptionId: sub,
          skuProperties: [
            { name: 'Cores', value: String(size.cores) },
            { name: 'MemoryGB', value: String(size.memoryGb) },
          ],
        },
      });
    }
  }
  return out;
}
