import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { TenantscopeError } from '../platform/errors.ts';
import { startPgliteBridge } from './pglite-bridge.ts';
import type { Schema } from './schema.ts';

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Schema>;
  /** Connection settings for other libraries on the same database (the job queue). */
  readonly connection: pg.PoolConfig;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL when set. */
  databaseUrl?: string | undefined;
  /** PGlite's data folder; undefined keeps the embedded database in memory (tests). */
  pgliteDir?: string | undefined;
  /** Pool size; PGlite serialises anyway, so a few connections are plenty. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options);
}

async function openPostgres(databaseUrl: string, poolSize: number): Promise<Database> {
  const connection: pg.PoolConfig = {
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
  };
  const pool = new pg.Pool(connection);
  pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing the process
  await probe(pool, describeUrl(databaseUrl));
  return {
    kind: 'postgres',
    db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }),
    connection,
    close: () => pool.end(),
  };
}

/**
 * PGlite is one connection inside this process. A socket in front of it (pglite-bridge.ts) lets the
 * ordinary `pg` driver (and so Kysely and pg-boss) use it exactly as they use PostgreSQL; it gives
 * the session to one connection at a time, so transactions must stay short (see storage/README.md). The socket lives in a
 * private temporary folder (mode 0700) so no other local user can connect.
 */
async function openPglite(options: DatabaseOptions): Promise<Database> {
  const pglite = await PGlite.create(options.pgliteDir ? { dataDir: options.pgliteDir } : {});
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-pg-'));
  const server = await startPgliteBridge(pglite, path.join(socketDir, '.s.PGSQL.5432'));
  const connection: pg.PoolConfig = { host: socketDir, port: 5432, user: 'postgres', database: 'postgres' };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 4 });
  pool.on('error', () => {});
  await probe(pool, 'the embedded database');
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    db,
    connection,
    async close() {
      await db.destroy();
      await server.stop();
      await pglite.close();
      fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

async function probe(pool: pg.Pool, where: string): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (cause) {
    await pool.end().catch(() => {});
    const reason = (cause as { code?: string; message?: string }).code ?? (cause as Error).message;
    throw new TenantscopeError(
      'TS_ERR_DATABASE_UNREACHABLE',
      `DATABASE_URL: cannot reach ${where} (${reason})`,
      { cause },
    );
  }
}

/** host:port/database without user or password, for messages. */
export function describeUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}
