import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { NotCompared } from '../../analyse/drift/index.ts';
import {
  type DriftEventView,
  listComparisons,
  listDriftEvents,
  objectTimeline,
  triageDriftEvent,
} from '../../pipeline/drift-queries.ts';
import { requireTenant } from '../../pipeline/tenant-guard.ts';
import {
  comparisonSchema,
  DRIFT_KINDS,
  DRIFT_SEVERITIES,
  driftEventSchema,
  limitQuery,
  listOf,
  OBJECT_KIND_NAMES,
  offsetQuery,
  TRIAGE_STATES,
  timelinePointSchema,
  toJson,
} from './analysis-schemas.ts';
import { idParams } from './api-schemas.ts';
import { inWorkspace } from './auth-plugin.ts';
import type { AnalysisRouteDeps } from './finding-routes.ts';
import { defineRoute } from './route-kit.ts';

const isoQuery = z.iso.datetime({ offset: true });

const eventsQuery = z
  .object({
    triage: listOf(TRIAGE_STATES),
    severity: listOf(DRIFT_SEVERITIES),
    objectKind: listOf(OBJECT_KIND_NAMES),
    kind: listOf(DRIFT_KINDS),
    actor: z.string().min(1).max(320).optional().describe('a UPN, an app name, or unknown'),
    since: isoQuery.optional().describe('collection time of the later snapshot, inclusive'),
    until: isoQuery.optional(),
    limit: limitQuery(200),
    offset: offsetQuery,
  })
  .strict();

const triageBody = z
  .object({
    state: z.enum(TRIAGE_STATES),
    note: z.string().max(2000).optional(),
  })
  .strict();

/** Configuration drift: events, what each sync compared, one object's timeline, and triage. */
export function registerDriftRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/drift',
      access: 'reports',
      summary: "The tenant's drift events, newest first, with who changed what",
      description: 'List filters take comma-separated values (`?severity=high,medium`).',
      tags: ['drift'],
      params: idParams,
      querystring: eventsQuery,
      response: z.object({ events: z.array(driftEventSchema) }),
    },
    async ({ request, params, query }) =>
      inWorkspace(deps.db, request, async (tx) => {
        await requireTenant(tx, params.id);
        const events = await listDriftEvents(tx, {
          tenantId: params.id,
          ...definedOnly({
            triage: query.triage,
            severity: query.severity,
            objectKind: query.objectKind,
            kind: query.kind,
            actor: query.actor,
          }),
          ...(query.since ? { since: new Date(query.since) } : {}),
          ...(query.until ? { until: new Date(query.until) } : {}),
          limit: query.limit,
          offset: query.offset,
        });
        return { events: events.map(eventJson) };
      }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/drift/comparisons',
      access: 'reports',
      summary: 'What each sync was compared with, and which datasets could not be compared',
      tags: ['drift'],
      params: idParams,
      querystring: z.object({ limit: limitQuery(30) }).strict(),
      response: z.object({ comparisons: z.array(comparisonSchema) }),
    },
    async ({ request, params, query }) =>
      inWorkspace(deps.db, request, async (tx) => {
        const rows = await listComparisons(tx, params.id, query.limit);
        return {
          comparisons: rows.map((c) => ({ ...toJson(c), notCompared: c.notCompared as NotCompared[] })),
        };
      }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/drift/timeline',
      access: 'reports',
      summary: "One object's changes over time, oldest first",
      description:
        'A point per comparison that changed the object, or could not compare its kind (`unknown`).',
      tags: ['drift'],
      params: idParams,
      querystring: z
        .object({ objectKind: z.enum(OBJECT_KIND_NAMES), objectId: z.string().min(1).max(500) })
        .strict(),
      response: z.object({ points: z.array(timelinePointSchema) }),
    },
    async ({ request, params, query }) =>
      inWorkspace(deps.db, request, async (tx) => {
        const points = await objectTimeline(tx, params.id, query.objectKind, query.objectId);
        return { points: points.map((p) => ({ ...toJson(p), events: p.events.map(eventJson) })) };
      }),
  );

  defineRoute(
    app,
    {
      method: 'PATCH',
      url: '/api/drift-events/:eventId',
      access: 'admin',
      summary: 'Triage a drift event: accepted, revertedInTenant, customerSpecific, or open again',
      description:
        'customerSpecific and accepted follow the same change when a later sync sees it again; ' +
        'revertedInTenant closes when a later snapshot shows the old value back.',
      tags: ['drift'],
      params: z.object({ eventId: z.guid() }).strict(),
      body: triageBody,
      response: driftEventSchema,
    },
    async ({ request, params, body }) =>
      inWorkspace(deps.db, request, async (tx, member) =>
        eventJson(
          await triageDriftEvent(tx, {
            workspaceId: member.workspaceId,
            eventId: params.eventId,
            state: body.state,
            ...(body.note !== undefined ? { note: body.note } : {}),
            by: member.personId,
            now: deps.clock.now(),
            ip: member.ip,
          }),
        ),
      ),
  );
}

function eventJson(e: DriftEventView) {
  return toJson(e);
}

/** The entries whose value is set (exactOptionalPropertyTypes: an absent filter is not `undefined`). */
function definedOnly<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
