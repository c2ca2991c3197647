import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isTenantscopeError } from '../src/platform/errors.ts';
import type { Database } from '../src/storage/database.ts';
import { knownMigrations, migrate, migrationStatus } from '../src/storage/migrate.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { appendAudit, listAudit } from '../src/workspaces/audit-repo.ts';
import {
  createPerson,
  createWorkspace,
  listMembers,
  upsertMembership,
} from '../src/workspaces/workspace-repo.ts';
import { openTestDatabase } from './helpers/database.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe(`storage on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  test('migrations are applied once and then reported current', async () => {
    const again = await migrate(database.db);
    expect(again.applied).toEqual([]);
    const status = await migrationStatus(database.db);
    expect(status).toEqual({ current: true, pending: [], unknown: [] });
    const rows = await database.db.selectFrom('schema_migrations').select('version').execute();
    expect(rows.map((r) => r.version)).toEqual(knownMigrations().map((m) => m.version));
  });

  test('an applied migration whose file changed stops the migrator', async () => {
    await database.db
      .updateTable('schema_migrations')
      .set({ checksum: 'tampered' })
      .where('version', '=', '0001')
      .execute();
    const error = await migrate(database.db).catch((e: unknown) => e);
    await database.db
      .updateTable('schema_migrations')
      .set({ checksum: knownMigrations()[0]!.checksum })
      .where('version', '=', '0001')
      .execute();
    expect(isTenantscopeError(error) && error.code).toBe('TS_ERR_DATABASE_MIGRATION');
  });

  test('withWorkspace refuses an id that is not a UUID', async () => {
    const error = await withWorkspace(database.db, "x' or 1=1 --", async () => 1).catch((e: unknown) => e);
    expect(isTenantscopeError(error) && error.code).toBe('TS_ERR_WORKSPACE_ID_INVALID');
  });

  test('workspace transactions run as a role that is neither superuser nor table owner', async () => {
    const ws = await withSystem(database.db, (tx) =>
      createWorkspace(tx, { slug: 'role-check', name: 'Role check' }),
    );
    const row = await withWorkspace(database.db, ws.id, async (tx) => {
      const result = await sql<{ role: string; superuser: boolean; owner: string }>`
        SELECT current_user AS role,
               (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
               (SELECT tableowner FROM pg_tables WHERE tablename = 'tenants' AND schemaname = current_schema()) AS owner`.execute(
        tx,
      );
      return result.rows[0]!;
    });
    expect(row.role).toBe('tenantscope_app');
    expect(row.superuser).toBe(false);
    expect(row.owner).not.toBe('tenantscope_app');
  });

  test('the workspace context does not outlive its transaction on a pooled connection', async () => {
    const ws = await withSystem(database.db, (tx) =>
      createWorkspace(tx, { slug: 'no-leak', name: 'No leak' }),
    );
    await withWorkspace(database.db, ws.id, async () => undefined);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        sql<{
          ws: string | null;
          role: string;
        }>`SELECT current_setting('tenantscope.workspace_id', true) AS ws, current_user AS role`.execute(
          database.db,
        ),
      ),
    );
    for (const r of results) {
      expect(r.rows[0]!.ws ?? '').toBe('');
      expect(r.rows[0]!.role).not.toBe('tenantscope_app');
    }
  });

  test('the audit log is append-only', async () => {
    const ws = await withSystem(database.db, (tx) =>
      createWorkspace(tx, { slug: 'audit-only', name: 'Audit' }),
    );
    await withWorkspace(database.db, ws.id, (tx) =>
      appendAudit(tx, { workspaceId: ws.id, actor: 'system', action: 'test.done', ip: '127.0.0.1' }),
    );
    const update = await withWorkspace(database.db, ws.id, (tx) =>
      tx.updateTable('audit_log').set({ action: 'rewritten' }).execute(),
    ).catch((e: Error) => e);
    expect(update).toBeInstanceOf(Error);
    const remove = await withWorkspace(database.db, ws.id, (tx) =>
      tx.deleteFrom('audit_log').execute(),
    ).catch((e: Error) => e);
    expect(remove).toBeInstanceOf(Error);
    const ownerUpdate = await withSystem(database.db, (tx) =>
      tx.updateTable('audit_log').set({ action: 'rewritten' }).execute(),
    ).catch((e: Error) => e);
    expect(String(ownerUpdate)).toMatch(/append-only/);
    const entries = await withWorkspace(database.db, ws.id, (tx) => listAudit(tx));
    expect(entries.map((e) => [e.action, e.ip])).toEqual([['test.done', '127.0.0.1']]);
  });

  test('members are listed with their role, and password hashes are out of reach of the application role', async () => {
    const ws = await withSystem(database.db, (tx) =>
      createWorkspace(tx, { slug: 'members', name: 'Members' }),
    );
    const person = await withSystem(database.db, (tx) =>
      createPerson(tx, { email: 'Ada@Example.com', passwordHash: 'hash' }),
    );
    await withWorkspace(database.db, ws.id, (tx) => upsertMembership(tx, ws.id, person.id, 'admin'));
    await withWorkspace(database.db, ws.id, (tx) => upsertMembership(tx, ws.id, person.id, 'reports'));
    const members = await withWorkspace(database.db, ws.id, (tx) => listMembers(tx));
    expect(members).toEqual([
      { id: person.id, email: 'ada@example.com', displayName: null, role: 'reports' },
    ]);
    const hashRead = await withWorkspace(database.db, ws.id, (tx) =>
      tx.selectFrom('users').select('password_hash').execute(),
    ).catch((e: Error) => e);
    expect(String(hashRead)).toMatch(/permission denied/);
  });

  test('a bad role is refused by the database itself', async () => {
    const ws = await withSystem(database.db, (tx) =>
      createWorkspace(tx, { slug: 'bad-role', name: 'Bad role' }),
    );
    const person = await withSystem(database.db, (tx) =>
      createPerson(tx, { email: 'bob@example.com', passwordHash: 'h' }),
    );
    const error = await withWorkspace(database.db, ws.id, (tx) =>
      tx
        .insertInto('memberships')
        .values({ workspace_id: ws.id, user_id: person.id, role: 'root' as 'owner' })
        .execute(),
    ).catch((e: Error) => e);
    expect(String(error)).toMatch(/check constraint/);
  });
});
