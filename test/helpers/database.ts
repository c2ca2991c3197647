import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrate.ts';

/**
 * A database of its own for one test file: an in-memory PGlite, or — when DATABASE_URL is set,
 * as in CI's second run — a fresh PostgreSQL database created on that server and dropped after.
 */
export async function openTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<Database & { url?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  const database = serverUrl ? await freshPostgres(serverUrl) : await openDatabase({});
  if (options.migrate !== false) await migrate(database.db);
  return database;
}

/** A new empty database on the test server; returns its URL and a function that drops it. */
export async function createScratchDatabase(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ts_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function freshPostgres(serverUrl: string): Promise<Database & { url: string }> {
  const scratch = await createScratchDatabase(serverUrl);
  const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 4 });
  return {
    ...database,
    url: scratch.url,
    async close() {
      await database.close();
      await scratch.drop();
    },
  };
}
