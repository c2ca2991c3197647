import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../../platform/ids.ts';
import type { Schema } from '../../storage/schema.ts';
import type { Tx } from '../../storage/transactions.ts';
import { auditEntrySchema } from './api-schemas.ts';
import { inWorkspace, recordAudit } from './auth-plugin.ts';
import { toCsv } from './csv-export.ts';
import { defineRoute } from './route-kit.ts';

type AuditView = z.input<typeof auditEntrySchema>;

export function registerAuditRoutes(app: FastifyInstance, deps: { db: Kysely<Schema> }): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/audit',
      access: 'owner',
      summary: "The workspace's audit log, newest first",
      description: '`?format=csv` downloads the same entries as CSV (the export itself is audited).',
      tags: ['audit'],
      querystring: z
        .object({
          limit: z.coerce.number().int().min(1).max(10_000).default(100),
          format: z.enum(['json', 'csv']).default('json'),
        })
        .strict(),
      response: z.object({ entries: z.array(auditEntrySchema) }),
      rateLimit: { max: 30, timeWindow: '1 minute' },
    },
    async ({ request, reply, query }) => {
      const entries = await inWorkspace(deps.db, request, async (tx, member) => {
        if (query.format === 'csv')
          await recordAudit(tx, member, 'audit.exported', undefined, { limit: query.limit });
        return readAudit(tx, query.limit);
      });
      if (query.format === 'json') return { entries };
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tenantscope-audit-${day}.csv"`)
        .send(
          toCsv(
            ['at', 'actor', 'actorEmail', 'action', 'target', 'ip', 'detail'],
            entries.map((e) => [
              e.at,
              e.actor,
              e.actorEmail,
              e.action,
              e.target,
              e.ip,
              JSON.stringify(e.detail),
            ]),
          ),
        );
    },
  );
}

async function readAudit(tx: Tx, limit: number): Promise<AuditView[]> {
  const rows = await tx
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'target', 'ip', 'detail'])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const people = [...new Set(rows.map((r) => r.actor).filter(isUuid))];
  // Only people who are members now are visible (users' row-level security): others stay ids.
  const emails = new Map(
    people.length === 0
      ? []
      : (await tx.selectFrom('users').select(['id', 'email']).where('id', 'in', people).execute()).map(
          (u) => [u.id, u.email],
        ),
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    actorEmail: emails.get(r.actor) ?? null,
    action: r.action,
    target: r.target,
    ip: r.ip,
    detail: r.detail ?? {},
  }));
}
