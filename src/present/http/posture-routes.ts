import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getTenantExceptions, setTenantExceptions } from '../../pipeline/exceptions-queries.ts';
import { scoreHistory } from '../../pipeline/findings-queries.ts';
import { exceptionsSchema, limitQuery, scorePointSchema, toJson } from './analysis-schemas.ts';
import { idParams } from './api-schemas.ts';
import { inWorkspace } from './auth-plugin.ts';
import type { AnalysisRouteDeps } from './finding-routes.ts';
import { defineRoute } from './route-kit.ts';

const exceptionsBody = z
  .object({
    breakGlass: z
      .array(z.string().trim().min(1).max(320))
      .max(50)
      .describe('break-glass accounts: user principal names or object ids'),
    thresholds: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('overrides of the posture thresholds (docs/scan-report.md, "Settings file")'),
  })
  .strict();

/** A tenant's score over time and its posture exceptions. */
export function registerPostureRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/score-history',
      access: 'reports',
      summary: "The tenant's posture score per analysed snapshot, oldest first",
      tags: ['findings'],
      params: idParams,
      querystring: z.object({ limit: limitQuery(90) }).strict(),
      response: z.object({ points: z.array(scorePointSchema) }),
    },
    async ({ request, params, query }) =>
      inWorkspace(deps.db, request, async (tx) => ({
        points: toJson(await scoreHistory(tx, params.id, query.limit)),
      })),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/exceptions',
      access: 'reports',
      summary: "The tenant's break-glass accounts and threshold overrides",
      tags: ['findings'],
      params: idParams,
      response: exceptionsSchema,
    },
    async ({ request, params }) =>
      inWorkspace(deps.db, request, async (tx) => toJson(await getTenantExceptions(tx, params.id))),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/tenants/:id/exceptions',
      access: 'admin',
      summary: "Replace the tenant's break-glass accounts and threshold overrides",
      description: 'Used from the next analysis of the tenant (its next sync).',
      tags: ['findings'],
      params: idParams,
      body: exceptionsBody,
      response: exceptionsSchema,
    },
    async ({ request, params, body }) =>
      inWorkspace(deps.db, request, async (tx, member) =>
        toJson(
          await setTenantExceptions(tx, {
            workspaceId: member.workspaceId,
            tenantId: params.id,
            breakGlass: body.breakGlass,
            ...(body.thresholds ? { thresholds: body.thresholds } : {}),
            by: member.personId,
            now: deps.clock.now(),
            ip: member.ip,
          }),
        ),
      ),
  );
}
