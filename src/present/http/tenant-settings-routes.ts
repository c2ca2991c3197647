import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { readTenantSettings } from '../../pipeline/tenant-settings.ts';
import type { Schema } from '../../storage/schema.ts';
import { limitQuery, OBJECT_KIND_NAMES, offsetQuery } from './analysis-schemas.ts';
import { idParams } from './api-schemas.ts';
import { memberOf } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

const settingSchema = z.object({
  kind: z.string(),
  objectId: z.string().optional().describe('collections only; a singleton is named by its kind'),
  objectName: z.string(),
  path: z.string().describe('as rules write it: a.b.c, keyed entries as list[key].c'),
  value: z.unknown().describe('the normalised value: sets as arrays in sorted order'),
  valueType: z.enum(['string', 'number', 'boolean', 'list']),
});

const kindSchema = z.object({
  kind: z.string(),
  label: z.string(),
  cardinality: z.enum(['one', 'many']),
  objects: z.number().int(),
  settings: z.number().int(),
  matching: z.number().int().describe('settings of this kind matching q'),
  unavailable: z.string().optional().describe('why the kind has no settings: its dataset was not read'),
});

const settingsQuery = z
  .object({
    kind: z.enum(OBJECT_KIND_NAMES).optional(),
    q: z.string().trim().max(200).optional(),
    limit: limitQuery(200, 1000),
    offset: offsetQuery,
  })
  .strict();

/**
 * The tenant's current settings as a standard rule addresses them, for picking paths and values
 * in the standard editor. Read-only like the tenant's other analysis routes.
 */
export function registerTenantSettingsRoute(app: FastifyInstance, deps: { db: Kysely<Schema> }): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/settings',
      access: 'reports',
      summary: "The tenant's current settings, as standard rules address them",
      description:
        'From the newest complete snapshot, normalised as the standard evaluator compares them: ' +
        'a rule of `kind` with `expect: { [path]: { equals: value } }` holds for that object. ' +
        'Filter by `kind` and `q` (words in the path, object, or value); page with `limit` and `offset`. ' +
        'Credential key material and secret hints are never listed. `TS_ERR_NO_SNAPSHOT` (409) before the first sync.',
      tags: ['standards'],
      params: idParams,
      querystring: settingsQuery,
      response: z.object({
        snapshotId: z.string(),
        collectedAt: z.string(),
        total: z.number().int(),
        offset: z.number().int(),
        truncated: z.boolean(),
        settings: z.array(settingSchema),
        kinds: z.array(kindSchema),
      }),
    },
    async ({ request, params, query }) => {
      const { workspaceId } = memberOf(request);
      const page = await readTenantSettings(
        deps.db,
        workspaceId,
        params.id,
        { kind: query.kind, q: query.q },
        { limit: query.limit, offset: query.offset },
      );
      return { ...page, collectedAt: page.collectedAt.toISOString() };
    },
  );
}
