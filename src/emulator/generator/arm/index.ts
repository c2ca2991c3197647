/** The ARM half of a tenant: subscriptions, resources, daily cost, recommendations and metrics. */
import type { TenantModel } from '../../contract.ts';
import type { GenContext } from '../context.ts';
import { buildAdvisor, buildReservationRecs } from './advisor.ts';
import { buildDailyCost } from './cost.ts';
import { buildMetrics } from './metrics.ts';
import { buildArmResources } from './resources.ts';

export function buildArm(ctx: GenContext): TenantModel['arm'] {
  const { subscriptions, resources } = buildArmResources(ctx);
  return {
    subscriptions,
    resources: resources.map((r) => r.obj),
    dailyCost: buildDailyCost(ctx, resources),
    advisorRecommendations: buildAdvisor(ctx, resources),
    reservationRecommendations: buildReservationRecs(ctx, resources),
    metrics: buildMetrics(ctx, resources),
  };
}
