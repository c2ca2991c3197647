import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../storage/database.ts';
import { migrationStatus } from '../../storage/migrate.ts';

const readySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'not-ready'] },
    database: { type: 'string' },
    migrations: { type: 'string' },
  },
  required: ['status', 'database', 'migrations'],
} as const;

/** Liveness says the process answers; readiness says it can do its work (database and schema). */
export function registerHealthRoutes(app: FastifyInstance, database: Database): void {
  app.get(
    '/healthz',
    { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { schema: { response: { 200: readySchema, 503: readySchema } } },
    async (request, reply) => {
      let databaseState = 'ok';
      let migrations = 'current';
      try {
        await sql`select 1`.execute(database.db);
        const status = await migrationStatus(database.db);
        if (status.pending.length > 0) migrations = `pending: ${status.pending.join(', ')}`;
        else if (status.unknown.length > 0)
          migrations = `newer than this build: ${status.unknown.join(', ')}`;
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        databaseState = 'unreachable';
        migrations = 'unknown';
      }
      const ready = databaseState === 'ok' && migrations === 'current';
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', database: databaseState, migrations });
    },
  );
}
