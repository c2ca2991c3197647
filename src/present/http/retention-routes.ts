import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { purgeWorkspace } from '../../retention/purge-expired.ts';
import {
  applyRetentionChange,
  DEFAULT_RETENTION,
  RETENTION_BOUNDS,
  RETENTION_KINDS,
} from '../../retention/retention-policy.ts';
import { getRetention, type StoredRetention, saveRetention } from '../../retention/retention-repo.ts';
import type { Schema } from '../../storage/schema.ts';
import { iso, isoDate } from './api-schemas.ts';
import { inWorkspace, memberOf, recordAudit } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

const days = z.number().int();
const policySchema = z.object(
  Object.fromEntries(RETENTION_KINDS.map((k) => [k, days])) as Record<
    (typeof RETENTION_KINDS)[number],
    typeof days
  >,
);

const retentionSchema = z.object({
  policy: policySchema.describe('days each kind of data is kept'),
  defaults: policySchema,
  bounds: z.record(z.string(), z.object({ min: days, max: days })),
  updatedBy: z.string().nullable(),
  updatedAt: isoDate.nullable(),
  lastPurgeAt: isoDate.nullable().describe('when the purge job last ran for this workspace (hourly)'),
  lastPurge: z.record(z.string(), z.number().int()).nullable().describe('rows of each kind it deleted'),
});

const purgeSchema = z.object({ deleted: z.record(z.string(), z.number().int()) });

const SOON = 'changes take effect at the next purge (hourly), or at once with POST /api/retention/purge';

/** The workspace's retention policy (DESIGN.md "Retention"): read by admins, changed by owners. */
/** The workspace's retention policy (DESIGN.md "Retention"): read by admins, changed by owners. */
export function registerRetentionRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Schema>; clock: Clock },
): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/retention',
      access: 'admin',
      summary: 'How long each kind of data is kept, and what the last purge deleted',
      tags: ['workspace'],
      response: retentionSchema,
    },
    async ({ request }) =>
      inWorkspace(deps.db, request, async (tx, member) => toView(await getRetention(tx, member.workspaceId))),
  );

  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/retention',
      access: 'owner',
      summary: 'Change how long kinds of data are kept (days; only the kinds given change)',
      description: `Every value is checked against its bounds; one out of bounds changes nothing (TS_ERR_RETENTION_INVALID). ${SOON}.`,
      tags: ['workspace'],
      body: z
        .record(z.string(), z.unknown())
        .describe('{ snapshots?, findings?, drift?, deliveries?, audit?, disconnected? }'),
      response: retentionSchema,
    },
    async ({ request, body }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        const before = (await getRetention(tx, member.workspaceId)).policy;
        const after = applyRetentionChange(before, body);
        await saveRetention(tx, member.workspaceId, after, member.personId, deps.clock.now());
        await recordAudit(tx, member, 'retention.changed', undefined, { before, after });
        return toView(await getRetention(tx, member.workspaceId));
      }),
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/retention/purge',
      access: 'owner',
      summary: 'Delete now what the retention policy says is due, instead of waiting for the hourly job',
      description:
        'The purge itself is audited as `retention.purged` (actor system:retention) when it deletes anything.',
      tags: ['workspace'],
      response: purgeSchema,
      rateLimit: { max: 6, timeWindow: '1 minute' },
    },
    async ({ request }) => {
      const member = memberOf(request);
      await inWorkspace(deps.db, request, (tx, m) =>
        recordAudit(tx, m, 'retention.purge_requested', undefined),
      );
      const { deleted } = await purgeWorkspace(deps.db, member.workspaceId, deps.clock.now());
      return { deleted };
    },
  );
}

function toView(stored: StoredRetention): z.input<typeof retentionSchema> {
  return {
    policy: stored.policy,
    defaults: { ...DEFAULT_RETENTION },
    bounds: { ...RETENTION_BOUNDS },
    updatedBy: stored.updatedBy,
    updatedAt: iso(stored.updatedAt),
    lastPurgeAt: iso(stored.lastPurgeAt),
    lastPurge: stored.lastPurge,
  };
}
