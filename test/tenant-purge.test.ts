import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { connectEmulatorTenant, testSyncDeps } from './helpers/emulator-tenant.ts';

/**
 * Purging a disconnected tenant removes everything held about it and nothing else: the same
 * Microsoft tenant in another workspace and a second tenant in the same workspace keep every row.
 * Rows are counted, as the table owner, in every table that has a `tenant_id` column — including
 * tables other modules add later.
 */
const PASSWORD = 'purge suite password 77';
let emulator: RunningEmulator;
let h: Harness;
let owner: Agent;
let admin: Agent;
let wsA: string;
let wsB: string;
const vault = createVault([generateKey()]);
const ids: Record<'a1' | 'a2' | 'b1', string> = { a1: '', a2: '', b1: '' };

/** Rows per table for one tenant, read as the owner (no row-level security) so nothing hides. */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  return withSystem(h.database.db, async (tx) => {
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`.execute(tx);
    const out: Record<string, number> = {};
    for (const { table_name } of tables.rows) {
      const r = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)} WHERE tenant_id = ${tenantId}`.execute(tx);
      out[table_name] = r.rows[0]!.n;
    }
    const chunks = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM snapshot_chunks c JOIN snapshots s ON s.id = c.snapshot_id
      WHERE s.tenant_id = ${tenantId}`.execute(tx);
    out.snapshot_chunks = chunks.rows[0]!.n;
    const tenants = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM tenants WHERE id = ${tenantId}`.execute(tx);
    out.tenants = tenants.rows[0]!.n;
    return out;
  });
}

beforeAll(async () => {
  emulator = await startEmulator({
    tenants: [
      { users: 40, profile: 'neglected', seed: 'purge-1' },
      { users: 30, profile: 'typical', seed: 'purge-2' },
    ],
  });
  h = await openHarness({ connect: { vault, extraCaFile: emulator.caFile } });
  wsA = await h.workspace('purge-a');
  wsB = await h.workspace('purge-b');
  await h.person('owner@purge.example', PASSWORD, [
    { workspaceId: wsA, role: 'owner' },
    { workspaceId: wsB, role: 'owner' },
  ]);
  await h.person('admin@purge.example', PASSWORD, [{ workspaceId: wsA, role: 'admin' }]);
  owner = await h.signIn('owner@purge.example', PASSWORD, { workspaceId: wsA });
  admin = await h.signIn('admin@purge.example', PASSWORD);
  const deps = testSyncDeps(h.database.db, vault, emulator);
  ids.a1 = await connectEmulatorTenant(deps, emulator, wsA, 0, 2);
  ids.a2 = await connectEmulatorTenant(deps, emulator, wsA, 1, 2);
  // the same Microsoft tenant, in another workspace
  ids.b1 = await connectEmulatorTenant(deps, emulator, wsB, 0, 2);
}, 120_000);
afterAll(async () => {
  h.assertNoSecrets([PASSWORD, emulator.tenants[0]!.clientSecret]);
  await h.close();
  await emulator.close();
});

describe('purging a tenant', () => {
  test('every tenant holds snapshots, findings, licence summaries and sync runs before', async () => {
    for (const id of Object.values(ids)) {
      const rows = await rowsOf(id);
      for (const table of [
        'snapshots',
        'snapshot_chunks',
        'findings',
        'licence_summaries',
        'sync_runs',
        'drift_comparisons',
      ])
        expect(rows[table], `${table} of ${id}`).toBeGreaterThan(0);
    }
  });

  test('a connected tenant cannot be purged; an admin may not purge; an id of another workspace is not found', async () => {
    const connected = await owner.request('POST', `/api/tenants/${ids.a1}/purge`);
    expect(connected.json()).toMatchObject({ statusCode: 409, code: 'TS_ERR_TENANT_STATE' });
    const byAdmin = await admin.request('POST', `/api/tenants/${ids.a1}/purge`);
    expect(byAdmin.json()).toMatchObject({ statusCode: 403, code: 'TS_ERR_FORBIDDEN' });
    await withWorkspace(h.database.db, wsB, (tx) =>
      tx.updateTable('tenants').set({ status: 'disconnected' }).where('id', '=', ids.b1).execute(),
    );
    const foreign = await owner.request('POST', `/api/tenants/${ids.b1}/purge`);
    expect(foreign.json()).toMatchObject({ statusCode: 404, code: 'TS_ERR_NOT_FOUND' });
    expect((await rowsOf(ids.b1)).tenants).toBe(1);
  });

  test('disconnect then purge removes all of the tenant and nothing of anyone else; the audit log stays', async () => {
    const keepA2 = await rowsOf(ids.a2);
    const keepB1 = await rowsOf(ids.b1);
    const gone = await owner.request('DELETE', `/api/tenants/${ids.a1}`);
    expect(gone.json()).toMatchObject({ status: 'disconnected', credential: null });
    const res = await owner.request('POST', `/api/tenants/${ids.a1}/purge`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ tenantId: ids.a1, snapshots: 2, syncRuns: 2 });
    const after = await rowsOf(ids.a1);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(await rowsOf(ids.a2)).toEqual(keepA2);
    expect(await rowsOf(ids.b1)).toEqual(keepB1);
    const audit = await withWorkspace(h.database.db, wsA, (tx) =>
      tx.selectFrom('audit_log').select(['action']).where('target', '=', ids.a1).execute(),
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['tenant.connected', 'tenant.disconnected', 'tenant.purged']),
    );
    const again = await owner.request('POST', `/api/tenants/${ids.a1}/purge`);
    expect(again.json()).toMatchObject({ code: 'TS_ERR_NOT_FOUND' });
  });
});
