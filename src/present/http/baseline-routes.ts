import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { compareWithBaseline } from '../../pipeline/baseline-compare.ts';
import {
  type BaselineView,
  getBaseline,
  latestBaselineComparison,
  pinBaseline,
  removeBaseline,
} from '../../pipeline/baseline-queries.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Schema } from '../../storage/schema.ts';
import { idParams } from './api-schemas.ts';
import { inWorkspace, memberOf } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

export interface AnalysisRouteDeps {
  db: Kysely<Schema>;
  clock: Clock;
  logger: Logger;
}

const baselineSchema = z.object({
  snapshotId: z.string(),
  collectedAt: z.string(),
  note: z.string().nullable(),
  pinnedBy: z.string(),
  pinnedAt: z.string(),
});

export const driftEventItemSchema = z.object({
  kind: z.enum(['added', 'removed', 'changed']),
  objectKind: z.string(),
  objectId: z.string(),
  objectName: z.string(),
  path: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  severity: z.enum(['high', 'medium', 'low']),
  fingerprint: z.string(),
  attribution: z.record(z.string(), z.unknown()),
});

const notComparedSchema = z.object({
  dataset: z.string(),
  objectKinds: z.array(z.string()),
  fromStatus: z.string(),
  toStatus: z.string(),
  reason: z.string(),
});

const comparisonSchema = z.object({
  id: z.string(),
  baselineSnapshotId: z.string(),
  baselineCollectedAt: z.string(),
  snapshotId: z.string(),
  collectedAt: z.string(),
  comparedAt: z.string(),
  compared: z.array(z.string()),
  notCompared: z.array(notComparedSchema),
  summary: z.record(z.string(), z.number()),
  events: z.array(driftEventItemSchema),
});

const baselineView = (b: BaselineView | null) =>
  b && {
    snapshotId: b.snapshotId,
    collectedAt: b.collectedAt.toISOString(),
    note: b.note,
    pinnedBy: b.pinnedBy,
    pinnedAt: b.pinnedAt.toISOString(),
  };

/** Baselines: GET/PUT/DELETE the pinned snapshot of a tenant, and its comparison with the newest snapshot. */
export function registerBaselineRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  const comparisonOf = async (request: Parameters<typeof memberOf>[0], tenantId: string) => {
    const c = await inWorkspace(deps.db, request, (tx) => latestBaselineComparison(tx, tenantId));
    return {
      comparison: c && {
        ...c,
        baselineCollectedAt: c.baselineCollectedAt.toISOString(),
        collectedAt: c.collectedAt.toISOString(),
        comparedAt: c.comparedAt.toISOString(),
        notCompared: c.notCompared as z.input<typeof notComparedSchema>[],
        events: c.events as z.input<typeof driftEventItemSchema>[],
      },
    };
  };

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/baseline',
      access: 'reports',
      summary: "The tenant's pinned baseline snapshot, or null",
      tags: ['baselines'],
      params: idParams,
      response: z.object({ baseline: baselineSchema.nullable() }),
    },
    async ({ request, params }) => ({
      baseline: baselineView(await inWorkspace(deps.db, request, (tx) => getBaseline(tx, params.id))),
    }),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/tenants/:id/baseline',
      access: 'admin',
      summary: 'Pin a complete snapshot (the newest by default) as the baseline, and compare with it now',
      description: 'One baseline per tenant: pinning another replaces it, and the replacement is audited.',
      tags: ['baselines'],
      params: idParams,
      body: z.object({ snapshotId: z.guid().optional(), note: z.string().max(2000).optional() }).strict(),
      response: z.object({ baseline: baselineSchema, comparison: comparisonSchema.nullable() }),
    },
    async ({ request, params, body }) => {
      const member = memberOf(request);
      const baseline = await inWorkspace(deps.db, request, (tx) =>
        pinBaseline(tx, {
          workspaceId: member.workspaceId,
          tenantId: params.id,
          ...(body.snapshotId ? { snapshotId: body.snapshotId } : {}),
          ...(body.note ? { note: body.note } : {}),
          by: member.personId,
          now: deps.clock.now(),
          ip: member.ip,
        }),
      );
      // compared outside the pinning transaction: loading snapshots must not hold one open
      await compareWithBaseline(deps, { workspaceId: member.workspaceId, tenantId: params.id });
      return { baseline: baselineView(baseline)!, ...(await comparisonOf(request, params.id)) };
    },
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/tenants/:id/baseline',
      access: 'admin',
      summary: "Unpin the tenant's baseline (its stored comparisons stay)",
      tags: ['baselines'],
      params: idParams,
    },
    async ({ request, params }) => {
      const member = memberOf(request);
      await inWorkspace(deps.db, request, (tx) =>
        removeBaseline(tx, {
          workspaceId: member.workspaceId,
          tenantId: params.id,
          by: member.personId,
          ip: member.ip,
        }),
      );
      return undefined;
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/baseline/comparison',
      access: 'reports',
      summary: 'The newest comparison with the pinned baseline: events, and what was not compared',
      description:
        'A dataset that was not read in full on either side is listed in notCompared and yields no event.',
      tags: ['baselines'],
      params: idParams,
      response: z.object({ comparison: comparisonSchema.nullable() }),
    },
    async ({ request, params }) => comparisonOf(request, params.id),
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/tenants/:id/baseline/comparison',
      access: 'admin',
      summary: 'Compare the newest complete snapshot with the baseline now',
      tags: ['baselines'],
      params: idParams,
      response: z.object({ status: z.string(), comparison: comparisonSchema.nullable() }),
    },
    async ({ request, params }) => {
      const { workspaceId } = memberOf(request);
      await inWorkspace(deps.db, request, (tx) => getBaseline(tx, params.id));
      const outcome = await compareWithBaseline(deps, { workspaceId, tenantId: params.id });
      return { status: outcome.status, ...(await comparisonOf(request, params.id)) };
    },
  );
}
