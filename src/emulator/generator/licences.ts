/**
 * Who holds which SKU, and the tenant's subscribedSkus. Assignment counts are exact per profile
 * (see profile.ts); consumedUnits are counted from the assignments, so they always agree.
 */
import type { GraphObject } from '../contract.ts';
import { SKUS, type SkuPartNumber } from './catalog/skus.ts';
import type { GenContext, UserMeta } from './context.ts';
import type { Rng } from './prng.ts';
import { countOf } from './profile.ts';

export function assignLicences(ctx: GenContext): void {
  const rng = ctx.rng.stream('licences');
  const { knobs, mix } = ctx;
  const members = ctx.users.filter((u) => u.kind === 'member');
  const enabled = members.filter((u) => u.enabled);
  const leavers = members.filter((u) => !u.enabled);
  // New starters awaiting a licence: ~3 % of enabled members stay unlicensed.
  const licensed = rng.shuffle([...enabled]).slice(countOf(enabled.length, 0.03));
  const keep = countOf(leavers.length, knobs.disabledKeepsLicence);
  licensed.push(...leavers.slice(0, keep));

  const execs = new Set(rng.shuffle([...licensed]).slice(0, countOf(licensed.length, 0.05)));
  for (const u of licensed) u.skus.push(execs.has(u) ? mix.exec : mix.main);
  ctx.admin.skus.push(mix.main);

  const overlapPool = rng.shuffle(licensed.filter((u) => u.enabled));
  const overlaps = overlapPool.slice(0, countOf(overlapPool.length, knobs.overlapRate, knobs.minProblem));
  for (const u of overlaps) addSku(u, u.skus.includes(mix.overlapWith) ? mix.main : mix.overlapWith);

  for (const [sku, share] of mix.addOns) {
    for (const u of rng.shuffle([...licensed]).slice(0, countOf(licensed.length, share))) addSku(u, sku);
  }
  licenceSpecialAccounts(ctx, rng);
  assignThroughGroups(ctx, rng, licensed);
  ctx.purchased = purchasedSkus(ctx);
}

function addSku(u: UserMeta, sku: SkuPartNumber): void {
  if (!u.skus.includes(sku)) u.skus.push(sku);
}

function licenceSpecialAccounts(ctx: GenContext, rng: Rng): void {
  const { knobs, mix } = ctx;
  const pickCount = (kind: UserMeta['kind'], rate: number, min: number) => {
    const pool = ctx.users.filter((u) => u.kind === kind);
    for (const u of rng.shuffle(pool).slice(0, countOf(pool.length, rate, min))) addSku(u, mix.main);
  };
  pickCount('shared', knobs.sharedMailboxLicensed, 0);
  pickCount('service', knobs.serviceAccountLicensed, 0);
  pickCount('guest', knobs.licensedGuestRate, knobs.minProblem);
}

/** Licence groups carry the main SKU; a share of its holders get it from the group instead of directly. */
function assignThroughGroups(ctx: GenContext, rng: Rng, licensed: UserMeta[]): void {
  const main = ctx.mix.main;
  const groupId = rng.guid();
  ctx.licenceGroups.set(main, groupId);
  const holders = licensed.filter((u) => u.kind === 'member' && u.skus.includes(main));
  for (const u of rng.shuffle(holders).slice(0, countOf(holders.length, ctx.knobs.groupLicensing))) {
    u.viaGroup.set(main, groupId);
  }
}

function purchasedSkus(ctx: GenContext): SkuPartNumber[] {
  const used = new Set<SkuPartNumber>([ctx.mix.main, ctx.mix.exec]);
  for (const u of ctx.users) for (const s of u.skus) used.add(s);
  for (const [s] of ctx.mix.addOns) used.add(s);
  if (ctx.mix.warning) used.add(ctx.mix.warning);
  if (ctx.mix.suspended) used.add(ctx.mix.suspended);
  return (Object.keys(SKUS) as SkuPartNumber[]).filter((s) => used.has(s));
}

/** `/subscribedSkus`: prepaid = consumed + spare (more spare when neglected); states per the mix. */
export function buildSubscribedSkus(ctx: GenContext): GraphObject[] {
  const rng = ctx.rng.stream('subscribedSkus');
  const consumed = new Map<SkuPartNumber, number>();
  for (const u of ctx.users) for (const s of u.skus) consumed.set(s, (consumed.get(s) ?? 0) + 1);
  return ctx.purchased.map((part) => {
    const sku = SKUS[part];
    const used = consumed.get(part) ?? 0;
    const bought = sku.viral
      ? 10000
      : used + Math.max(1, Math.round(used * ctx.knobs.spareLicenceRate)) + rng.int(0, 2);
    const status =
      part === ctx.mix.suspended ? 'Suspended' : part === ctx.mix.warning ? 'Warning' : 'Enabled';
    return {
      id: `${ctx.tenantId}_${sku.skuId}`,
      accountId: ctx.tenantId,
      accountName: ctx.displayName,
      appliesTo: 'User',
      capabilityStatus: status,
      consumedUnits: used,
      // A subscription past its end date moves its units to `warning`, then to `suspended`.
      prepaidUnits: {
        enabled: status === 'Enabled' ? bought : 0,
        suspended: status === 'Suspended' ? bought : 0,
        warning: status === 'Warning' ? bought : 0,
        lockedOut: 0,
      },
      servicePlans: sku.plans.map((p) => ({
        servicePlanId: p.id,
        servicePlanName: p.name,
        provisioningStatus: status === 'Suspended' ? 'Disabled' : 'Success',
        appliesTo: 'User',
      })),
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      subscriptionIds: [rng.guid()],
    };
  });
}
