import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { evaluateStandardEverywhere } from '../../pipeline/standard-evaluate.ts';
import {
  assignStandard,
  createStandard,
  deleteStandard,
  latestStandardResults,
  listStandards,
  mustGetStandard,
  replaceStandard,
  type StandardView,
  unassignStandard,
} from '../../pipeline/standard-queries.ts';
import { idParams } from './api-schemas.ts';
import { actorOf, inWorkspace, memberOf } from './auth-plugin.ts';
import type { AnalysisRouteDeps } from './baseline-routes.ts';
import { defineRoute } from './route-kit.ts';
import { registerTenantSettingsRoute } from './tenant-settings-routes.ts';

const standardSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  document: z
    .record(z.string(), z.unknown())
    .describe('tenantscope.standard/v1 (docs/drift.md), without overrides'),
  updatedBy: z.string(),
  updatedAt: z.string(),
  tenants: z.array(
    z.object({
      tenantId: z.string(),
      overrides: z.record(z.string(), z.unknown()),
      assignedBy: z.string(),
      assignedAt: z.string(),
    }),
  ),
});

const deviationSchema = z.object({
  objectKind: z.string(),
  objectId: z.string().optional(),
  objectName: z.string().optional(),
  path: z.string(),
  expected: z.unknown(),
  actual: z.unknown(),
});

const resultSchema = z.object({
  standardId: z.string(),
  standardName: z.string(),
  standardVersion: z.number().int(),
  snapshotId: z.string(),
  collectedAt: z.string(),
  evaluatedAt: z.string(),
  summary: z.record(z.string(), z.number()),
  results: z.array(
    z.object({
      ruleId: z.string(),
      title: z.string(),
      severity: z.string(),
      status: z.enum(['pass', 'deviation', 'unknown', 'skipped']),
      overridden: z.boolean(),
      deviations: z.array(deviationSchema),
      reason: z.string().optional(),
    }),
  ),
});

const assignParams = z.object({ id: z.guid(), tenantId: z.guid() }).strict();
const documentBody = z
  .record(z.string(), z.unknown())
  .describe('a tenantscope.standard/v1 document without overrides');

const out = (s: StandardView) => ({
  ...s,
  updatedAt: s.updatedAt.toISOString(),
  tenants: s.tenants.map((t) => ({ ...t, assignedAt: t.assignedAt.toISOString() })),
});

/**
 * Standards: CRUD, assignment to tenants with overrides, evaluation on demand, per-tenant results,
 * and a tenant's current settings to write rules from.
 */
export function registerStandardRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  registerTenantSettingsRoute(app, deps);
  const actor = (request: FastifyRequest) => actorOf(request, deps.clock.now());

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/standards',
      access: 'reports',
      summary: "The workspace's standards and the tenants each is assigned to",
      tags: ['standards'],
      response: z.object({ standards: z.array(standardSchema) }),
    },
    async ({ request }) => ({
      standards: (await inWorkspace(deps.db, request, (tx) => listStandards(tx))).map(out),
    }),
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/standards',
      access: 'admin',
      summary: 'Create a standard',
      tags: ['standards'],
      body: documentBody,
      status: 201,
      response: standardSchema,
    },
    async ({ request, body }) =>
      out(await inWorkspace(deps.db, request, (tx) => createStandard(tx, actor(request), body))),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/standards/:id',
      access: 'reports',
      summary: 'One standard',
      tags: ['standards'],
      params: idParams,
      response: standardSchema,
    },
    async ({ request, params }) =>
      out(await inWorkspace(deps.db, request, (tx) => mustGetStandard(tx, params.id))),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/standards/:id',
      access: 'admin',
      summary: "Replace a standard's document (a new version; results follow at the next evaluation)",
      tags: ['standards'],
      params: idParams,
      body: documentBody,
      response: standardSchema,
    },
    async ({ request, params, body }) =>
      out(await inWorkspace(deps.db, request, (tx) => replaceStandard(tx, actor(request), params.id, body))),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/standards/:id',
      access: 'admin',
      summary: 'Delete a standard, its assignments and results',
      tags: ['standards'],
      params: idParams,
    },
    async ({ request, params }) => {
      await inWorkspace(deps.db, request, (tx) => deleteStandard(tx, actor(request), params.id));
      return undefined;
    },
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/standards/:id/tenants/:tenantId',
      access: 'admin',
      summary: "Assign the standard to a tenant, or replace that tenant's overrides",
      description: 'overrides: rule id → { skip?, expect?, where?, reason } (reason required).',
      tags: ['standards'],
      params: assignParams,
      body: z.object({ overrides: z.record(z.string(), z.unknown()).default({}) }).strict(),
      response: standardSchema,
    },
    async ({ request, params, body }) =>
      out(
        await inWorkspace(deps.db, request, (tx) =>
          assignStandard(tx, actor(request), {
            standardId: params.id,
            tenantId: params.tenantId,
            overrides: body.overrides,
          }),
        ),
      ),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/standards/:id/tenants/:tenantId',
      access: 'admin',
      summary: 'Stop applying the standard to a tenant',
      tags: ['standards'],
      params: assignParams,
    },
    async ({ request, params }) => {
      await inWorkspace(deps.db, request, (tx) =>
        unassignStandard(tx, actor(request), { standardId: params.id, tenantId: params.tenantId }),
      );
      return undefined;
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/standards/:id/evaluate',
      access: 'admin',
      summary: "Evaluate the standard now on each assigned tenant's newest complete snapshot",
      tags: ['standards'],
      params: idParams,
      response: z.object({
        tenants: z.array(
          z.object({
            tenantId: z.string(),
            snapshotId: z.string().nullable(),
            summary: z.record(z.string(), z.number()).nullable(),
          }),
        ),
      }),
    },
    async ({ request, params }) => {
      const { workspaceId } = memberOf(request);
      const outcomes = await evaluateStandardEverywhere(deps, workspaceId, params.id);
      return { tenants: outcomes };
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/standards',
      access: 'reports',
      summary: 'The newest result of each standard assigned to the tenant, with every deviation',
      tags: ['standards'],
      params: idParams,
      response: z.object({ results: z.array(resultSchema) }),
    },
    async ({ request, params }) => {
      const rows = await inWorkspace(deps.db, request, (tx) => latestStandardResults(tx, params.id));
      return {
        results: rows.map((r) => ({
          ...r,
          collectedAt: r.collectedAt.toISOString(),
          evaluatedAt: r.evaluatedAt.toISOString(),
          results: r.results as z.input<typeof resultSchema>['results'],
        })),
      };
    },
  );
}
