import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { armDatasets } from '../../collect/arm-datasets.ts';
import { graphDatasets } from '../../collect/graph-datasets.ts';
import { defineRoute } from './route-kit.ts';

const usedFor = z.array(
  z.object({ dataset: z.string(), why: z.string(), licence: z.enum(['P1', 'P2']).nullable() }),
);

const permissionsSchema = z.object({
  graph: z
    .array(z.object({ permission: z.string(), type: z.literal('Application'), usedFor }))
    .describe('Microsoft Graph application permissions, all read-only'),
  arm: z
    .array(z.object({ role: z.string(), usedFor }))
    .describe('Azure RBAC roles to assign the app on each subscription, all read-only'),
});

export type PermissionCatalogue = z.input<typeof permissionsSchema>;

/**
 * What a connection asks for, from the dataset lists themselves (src/collect/graph-datasets.ts,
 * arm-datasets.ts): a permission added there appears here with its reason, with nothing to update.
 */
export function permissionCatalogue(): PermissionCatalogue {
  const graph = new Map<string, PermissionCatalogue['graph'][number]['usedFor']>();
  for (const d of graphDatasets)
    for (const p of d.permissions)
      graph.set(p, [...(graph.get(p) ?? []), { dataset: d.name, why: d.why, licence: d.licence ?? null }]);
  const arm = new Map<string, PermissionCatalogue['arm'][number]['usedFor']>();
  for (const d of armDatasets)
    for (const r of d.roles)
      arm.set(r, [...(arm.get(r) ?? []), { dataset: d.name, why: d.why, licence: null }]);
  return {
    graph: [...graph]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([permission, uses]) => ({ permission, type: 'Application' as const, usedFor: uses })),
    arm: [...arm].sort(([a], [b]) => a.localeCompare(b)).map(([role, uses]) => ({ role, usedFor: uses })),
  };
}

export function registerPermissionRoutes(app: FastifyInstance): void {
  const catalogue = permissionCatalogue();
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/permissions',
      access: 'signedIn',
      summary: 'The exact read-only permissions a connection requests, and why each is needed',
      description:
        'Shown before consent. Nothing Tenantscope requests can write to a tenant or read content.',
      tags: ['tenants'],
      response: permissionsSchema,
    },
    async () => catalogue,
  );
}
