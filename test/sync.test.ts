import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotFromTenant } from '../src/collect/snapshot-from-tenant.ts';
import { resolveEndpoints } from '../src/connectors/clouds.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { trustingFetch } from '../src/emulator/server/test-clients.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import { listSnapshots, loadSnapshot } from '../src/snapshots/snapshot-repo.ts';
import type { Database } from '../src/storage/database.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { MAX_CONSECUTIVE_FAILURES, syncTenant } from '../src/sync/sync-service.ts';
import { connectAppRegistration } from '../src/tenants/connect-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { findTenant, type TenantRecord } from '../src/tenants/tenant-repo.ts';
import { createWorkspace } from '../src/workspaces/workspace-repo.ts';
import { openTestDatabase } from './helpers/database.ts';

let emulator: RunningEmulator;
let database: Database;
let workspaceId: string;
const kek = generateKey();
const vault = createVault([kek]);
const deps = () => ({
  db: database.db,
  vault,
  clock: systemClock,
  logger: createLogger({ level: 'silent' }),
  extraCaFile: emulator.caFile,
  sleep: async () => {},
});

beforeAll(async () => {
  [emulator, database] = await Promise.all([
    startEmulator({
      tenants: [
        { users: 300, profile: 'typical', seed: 'sync-a' },
        { users: 120, profile: 'neglected', seed: 'sync-b' },
      ],
    }),
    openTestDatabase(),
  ]);
  workspaceId = (await withSystem(database.db, (tx) => createWorkspace(tx, { slug: 'sync', name: 'Sync' })))
    .id;
});
afterAll(async () => {
  await emulator.close();
  await database.close();
});

const endpoints = () => ({
  authorityHost: emulator.authorityHost,
  graphUrl: emulator.graphUrl,
  armUrl: emulator.armUrl,
});

async function connect(index: number, secret?: string): Promise<TenantRecord> {
  const t = emulator.tenants[index]!;
  return connectAppRegistration(deps(), {
    workspaceId,
    actor: 'cli',
    microsoftTenantId: t.tenantId,
    clientId: t.clientId,
    credential: { kind: 'secret', clientSecret: secret ?? t.clientSecret },
    cloud: 'global',
    endpoints: endpoints(),
  });
}

async function control(method: string, path: string, body?: unknown) {
  const res = await trustingFetch(emulator.caPem)(`${emulator.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${emulator.controlToken}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBe(200);
}

describe('connecting and syncing tenants', () => {
  test('a wrong secret is refused before anything is saved', async () => {
    const error = await connect(0, 'wrong-secret-value-1').catch((e: { code?: string }) => e);
    expect(error).toMatchObject({ code: 'TS_ERR_MS_CREDENTIAL_INVALID' });
    const tenants = await withWorkspace(database.db, workspaceId, (tx) =>
      tx.selectFrom('tenants').select('id').execute(),
    );
    expect(tenants).toEqual([]);
  });

  test('a connected tenant syncs into a complete stored snapshot equal to a direct read', async () => {
    const tenant = await connect(0);
    expect(tenant.displayName).not.toBe(emulator.tenants[0]!.tenantId); // named from /organization
    const result = await syncTenant(deps(), { workspaceId, tenantId: tenant.id, trigger: 'manual' });
    expect(result).toMatchObject({ status: 'succeeded' });
    const stored = await loadSnapshot(database.db, workspaceId, result.snapshotId!, {
      ...tenant,
      cloud: 'global',
    });
    const t = emulator.tenants[0]!;
    const direct = await snapshotFromTenant({
      endpoints: resolveEndpoints('global', endpoints()),
      cloud: 'global',
      tenantId: t.tenantId,
      clientId: t.clientId,
      credential: { kind: 'secret', clientSecret: t.clientSecret },
      caFile: emulator.caFile,
    });
    const content = (d: Record<string, { status: string; items: unknown[] }>) =>
      Object.fromEntries(Object.entries(d).map(([k, v]) => [k, [v.status, v.items]]));
    expect(content(stored!.datasets)).toEqual(content(direct.snapshot.datasets));
    const run = await withWorkspace(database.db, workspaceId, (tx) =>
      tx.selectFrom('sync_runs').selectAll().where('id', '=', result.runId).executeTakeFirstOrThrow(),
    );
    expect(run).toMatchObject({ status: 'succeeded', throttled: 0 });
    expect(run.requests).toBeGreaterThan(20);
    const after = await withWorkspace(database.db, workspaceId, (tx) => findTenant(tx, tenant.id));
    expect(after).toMatchObject({ status: 'connected', consecutiveFailures: 0 });
    expect(after!.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  test('the next sync reads users and groups by delta and still stores them completely', async () => {
    const t = emulator.tenants[0]!;
    const tenant = (await withWorkspace(database.db, workspaceId, (tx) => findTenant(tx, t.tenantId)))!;
    const [user] = emulator.stores[0]!.collection('users');
    const actor = { user: { id: user!.id, userPrincipalName: String(user!.userPrincipalName) } };
    await control('POST', `/tenants/${t.tenantId}/changes`, {
      actor,
      collection: 'users',
      id: user!.id,
      patch: { department: 'Delta Team' },
    });
    await control('POST', `/tenants/${t.tenantId}/changes`, {
      actor,
      collection: 'users',
      delete: emulator.stores[0]!.collection('users')[5]!.id,
    });
    await control('POST', '/throttle/reset');
    const result = await syncTenant(deps(), { workspaceId, tenantId: tenant.id, trigger: 'manual' });
    expect(result.status).toBe('succeeded');
    const stored = await loadSnapshot(database.db, workspaceId, result.snapshotId!, {
      ...tenant,
      cloud: 'global',
    });
    const users = stored!.datasets.users!;
    expect(users.deltaLink).toMatch(/deltatoken/i);
    expect(users.items).toHaveLength(emulator.stores[0]!.collection('users').length);
    expect(users.items.find((u) => (u as { id: string }).id === user!.id)).toMatchObject({
      department: 'Delta Team',
    });
    const run = await withWorkspace(database.db, workspaceId, (tx) =>
      tx.selectFrom('sync_runs').select('progress').where('id', '=', result.runId).executeTakeFirstOrThrow(),
    );
    const progress = run.progress as { datasets: Record<string, { read?: string }> };
    expect(progress.datasets.users?.read).toBe('delta');
    expect(progress.datasets.groups?.read).toBe('delta');
  });

  test('the vault keeps no secret in clear and fails closed with the wrong key', async () => {
    const t = emulator.tenants[0]!;
    const rows = await withWorkspace(database.db, workspaceId, (tx) =>
      tx.selectFrom('tenant_credentials').selectAll().execute(),
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(t.clientSecret);
    const dump = await withSystem(database.db, (tx) =>
      sql<{ t: string }>`SELECT string_agg(tc::text, '') AS t FROM tenant_credentials tc`.execute(tx),
    );
    expect(dump.rows[0]!.t).not.toContain(t.clientSecret);
    const tenant = (await withWorkspace(database.db, workspaceId, (tx) => findTenant(tx, t.tenantId)))!;
    const wrongVault = createVault([generateKey()]);
    const result = await syncTenant(
      { ...deps(), vault: wrongVault },
      { workspaceId, tenantId: tenant.id, trigger: 'manual' },
    );
    expect(result).toMatchObject({ status: 'failed', error: { code: 'TS_ERR_DECRYPT_FAILED' } });
  });

  test('revoked consent ends the sync and marks the tenant disconnected, with no retry', async () => {
    const tenant = await connect(1);
    const t = emulator.tenants[1]!;
    await control('POST', `/tenants/${t.tenantId}/clients/${t.clientId}/revoke`);
    try {
      const result = await syncTenant(deps(), { workspaceId, tenantId: tenant.id, trigger: 'schedule' });
      expect(result).toMatchObject({ status: 'failed', error: { code: 'TS_ERR_MS_CONSENT_REVOKED' } });
      const after = await withWorkspace(database.db, workspaceId, (tx) => findTenant(tx, tenant.id));
      expect(after).toMatchObject({ status: 'disconnected' });
      expect(after!.statusReason).toContain('700016');
      const again = await syncTenant(deps(), { workspaceId, tenantId: tenant.id, trigger: 'schedule' });
      expect(again.status).toBe('skipped');
      const snapshots = await listSnapshots(database.db, workspaceId, tenant.id);
      expect(snapshots).toEqual([]);
      const collecting = await withWorkspace(database.db, workspaceId, (tx) =>
        tx
          .selectFrom('snapshot_chunks')
          .select('seq')
          .where(
            'snapshot_id',
            'in',
            tx.selectFrom('snapshots').select('id').where('tenant_id', '=', tenant.id),
          )
          .execute(),
      );
      expect(collecting).toEqual([]);
    } finally {
      await control('POST', `/tenants/${t.tenantId}/clients/${t.clientId}/consent`);
    }
  });

  test(`a tenant whose syncs fail ${MAX_CONSECUTIVE_FAILURES} times in a row is paused with its reason`, async () => {
    const tenant = await connect(1); // reconnecting clears the disconnection
    await withWorkspace(database.db, workspaceId, (tx) =>
      tx
        .updateTable('tenants')
        .set({ endpoints: JSON.stringify({ ...endpoints(), authorityHost: 'https://127.0.0.1:1' }) })
        .where('id', '=', tenant.id)
        .execute(),
    );
    const statuses: string[] = [];
    for (let i = 0; i < MAX_CONSECUTIVE_FAILURES; i++) {
      const r = await syncTenant(deps(), { workspaceId, tenantId: tenant.id, trigger: 'schedule' });
      statuses.push(r.status);
    }
    expect(statuses).toEqual(Array(MAX_CONSECUTIVE_FAILURES).fill('failed'));
    const after = await withWorkspace(database.db, workspaceId, (tx) => findTenant(tx, tenant.id));
    expect(after).toMatchObject({ status: 'paused', consecutiveFailures: MAX_CONSECUTIVE_FAILURES });
    expect(after!.statusReason).toMatch(/paused after 3 failed syncs/);
  });
});
