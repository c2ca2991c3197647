import { type Kysely, sql, type Transaction } from 'kysely';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import type { Schema } from './schema.ts';

export type Tx = Transaction<Schema>;

/** The role row-level security applies to; created by the first migration. */
export const APP_ROLE = 'tenantscope_app';

/**
 * The only way to touch workspace data. The workspace and the role are set for this transaction
 * alone (SET LOCAL / set_config(..., true)): pooled connections outlive requests, so a session-wide
 * setting would leak one workspace's context into another's query.
 *
 * Keep the callback short and never await other database work inside it: on the embedded
 * database every other connection waits while this transaction is open.
 */
export async function withWorkspace<T>(
  db: Kysely<Schema>,
  workspaceId: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (!isUuid(workspaceId)) {
    throw new TenantscopeError(
      'TS_ERR_WORKSPACE_ID_INVALID',
      `workspace id ${JSON.stringify(workspaceId)} is not a UUID`,
    );
  }
  return db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('tenantscope.workspace_id', ${workspaceId}, true)`.execute(tx);
    await sql.raw(`SET LOCAL ROLE ${APP_ROLE}`).execute(tx);
    return fn(tx);
  });
}

/**
 * Work that is not inside one workspace: creating a workspace, finding a person by email at
 * sign-in, migrations, retention purges. It runs as the owning role, so row-level security does
 * not apply; keep every use small and reviewable (grep for withSystem).
 */
export async function withSystem<T>(db: Kysely<Schema>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
