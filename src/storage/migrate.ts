import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { TenantscopeError } from '../platform/errors.ts';
import type { Schema } from './schema.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** Any constant works; it only has to be the same for every Tenantscope process. */
const MIGRATION_LOCK = 7_342_001;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** The migrations shipped with this build, in order (`0001_name.sql`). */
export function knownMigrations(): Migration[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.slice(5, -4),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

/**
 * Applies what is missing, each migration in its own transaction, under an advisory lock so two
 * processes starting together do not race. Forward-only: an applied migration whose file changed
 * is an error, never silently re-run.
 */
export async function migrate(db: Kysely<Schema>): Promise<{ applied: string[] }> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`.execute(db);
  const applied: string[] = [];
  for (const migration of knownMigrations()) {
    const done = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
      const row = await tx
        .selectFrom('schema_migrations')
        .selectAll()
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (row) {
        assertUnchanged(row.checksum, migration);
        return false;
      }
      await sql.raw(migration.sql).execute(tx);
      await tx.insertInto('schema_migrations').values(pick(migration)).execute();
      return true;
    });
    if (done) applied.push(`${migration.version}_${migration.name}`);
  }
  return { applied };
}

/** What /readyz asks: is every shipped migration applied, and nothing unknown? */
export async function migrationStatus(
  db: Kysely<Schema>,
): Promise<{ current: boolean; pending: string[]; unknown: string[] }> {
  const rows = await db
    .selectFrom('schema_migrations')
    .select('version')
    .execute()
    .catch(() => []);
  const applied = new Set(rows.map((r) => r.version));
  const known = knownMigrations();
  const pending = known.filter((m) => !applied.has(m.version)).map((m) => m.version);
  const unknown = [...applied].filter((v) => !known.some((m) => m.version === v));
  return { current: pending.length === 0 && unknown.length === 0, pending, unknown };
}

function assertUnchanged(checksum: string, migration: Migration): void {
  if (checksum !== migration.checksum) {
    throw new TenantscopeError(
      'TS_ERR_DATABASE_MIGRATION',
      `migration ${migration.version}_${migration.name} was applied, but its file has changed since; add a new migration instead`,
    );
  }
}

const pick = (m: Migration) => ({ version: m.version, name: m.name, checksum: m.checksum });
