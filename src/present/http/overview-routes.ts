import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { workspaceOverview } from '../../pipeline/overview-queries.ts';
import { toJson } from './analysis-schemas.ts';
import { inWorkspace } from './auth-plugin.ts';
import type { AnalysisRouteDeps } from './finding-routes.ts';
import { overviewTenantSchema } from './licence-schemas.ts';
import { defineRoute } from './route-kit.ts';

/** The MSP's first page: one row per tenant. */
export function registerOverviewRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/overview',
      access: 'reports',
      summary: 'Every tenant at a glance: last sync, score, open findings, recent drift, licence waste',
      tags: ['overview'],
      // no parameters: anything sent is a mistake worth saying, not something to ignore
      querystring: z.object({}).strict(),
      response: z.object({ tenants: z.array(overviewTenantSchema) }),
    },
    async ({ request }) =>
      inWorkspace(deps.db, request, async (tx) => ({
        tenants: toJson(await workspaceOverview(tx, deps.clock.now())),
      })),
  );
}
