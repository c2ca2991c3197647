import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { newId } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/logger.ts';
import { purgeAllWorkspaces, RETENTION_ACTOR } from '../src/retention/purge-expired.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { connectEmulatorTenant, testSyncDeps } from './helpers/emulator-tenant.ts';

/**
 * Retention against real synced data: rows are made old by moving their dates back (as the
 * table owner), then the purge runs through the API and the job's entry point. What must stay
 * (the latest snapshot, a pinned baseline, the latest score, unsent emails, another workspace's
 * rows) is checked as carefully as what must go.
 */
const PASSWORD = 'retention suite password 31';
const DAY = 86_400_000;
let emulator: RunningEmulator;
let h: Harness;
let owner: Agent;
let admin: Agent;
let reports: Agent;
let wsA: string;
let wsB: string;
const vault = createVault([generateKey()]);
let tenantA = '';
let tenantB = '';
let snapshotsA: string[] = [];

/** Moves every date tied to these snapshots `days` into the past. */
async function age(snapshotIds: string[], days: number): Promise<void> {
  const shift = sql.raw(`interval '${days} days'`);
  await withSystem(h.database.db, async (tx) => {
    for (const id of snapshotIds) {
      await sql`UPDATE snapshots SET started_at = started_at - ${shift}, completed_at = completed_at - ${shift} WHERE id = ${id}`.execute(
        tx,
      );
      await sql`UPDATE sync_runs SET started_at = started_at - ${shift}, finished_at = finished_at - ${shift} WHERE snapshot_id = ${id}`.execute(
        tx,
      );
      await sql`UPDATE analysis_runs SET started_at = started_at - ${shift} WHERE snapshot_id = ${id}`.execute(
        tx,
      );
      for (const table of ['posture_scores', 'licence_summaries', 'finding_history'])
        await sql`UPDATE ${sql.table(table)} SET collected_at = collected_at - ${shift} WHERE snapshot_id = ${id}`.execute(
          tx,
        );
      await sql`UPDATE drift_events SET to_collected_at = to_collected_at - ${shift} WHERE to_snapshot_id = ${id}`.execute(
        tx,
      );
      await sql`UPDATE drift_comparisons SET to_collected_at = to_collected_at - ${shift} WHERE to_snapshot_id = ${id}`.execute(
        tx,
      );
    }
  });
}

/** Rows of each table for one workspace, read as the owner so nothing hides. */
async function counts(workspaceId: string): Promise<Record<string, number>> {
  const tables = [
    'snapshots',
    'snapshot_chunks',
    'sync_runs',
    'analysis_runs',
    'posture_scores',
    'licence_summaries',
    'finding_history',
    'drift_comparisons',
    'email_outbox',
    'audit_log',
    'tenants',
  ];
  return withSystem(h.database.db, async (tx) => {
    const out: Record<string, number> = {};
    for (const t of tables)
      out[t] = (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM ${sql.table(t)} WHERE workspace_id = ${workspaceId}`.execute(tx)
      ).rows[0]!.n;
    return out;
  });
}

async function outbox(workspaceId: string, status: string, daysAgo: number): Promise<string> {
  const id = newId();
  await withSystem(h.database.db, (tx) =>
    sql`INSERT INTO email_outbox (id, workspace_id, kind, to_address, content, status, created_at)
      VALUES (${id}, ${workspaceId}, 'driftAlert', 'someone@retention.example', '{}', ${status},
        now() - ${sql.raw(`interval '${daysAgo} days'`)})`.execute(tx),
  );
  return id;
}

beforeAll(async () => {
  emulator = await startEmulator({
    tenants: [
      { users: 30, profile: 'typical', seed: 'retention-1' },
      { users: 30, profile: 'neglected', seed: 'retention-2' },
    ],
  });
  h = await openHarness({ connect: { vault, extraCaFile: emulator.caFile } });
  wsA = await h.workspace('retention-a');
  wsB = await h.workspace('retention-b');
  await h.person('owner@retention.example', PASSWORD, [
    { workspaceId: wsA, role: 'owner' },
    { workspaceId: wsB, role: 'owner' },
  ]);
  await h.person('admin@retention.example', PASSWORD, [{ workspaceId: wsA, role: 'admin' }]);
  await h.person('reports@retention.example', PASSWORD, [{ workspaceId: wsA, role: 'reports' }]);
  owner = await h.signIn('owner@retention.example', PASSWORD, { workspaceId: wsA });
  admin = await h.signIn('admin@retention.example', PASSWORD);
  reports = await h.signIn('reports@retention.example', PASSWORD);
  const deps = testSyncDeps(h.database.db, vault, emulator);
  tenantA = await connectEmulatorTenant(deps, emulator, wsA, 0, 3);
  tenantB = await connectEmulatorTenant(deps, emulator, wsB, 0, 2);
  snapshotsA = (
    await withSystem(h.database.db, (tx) =>
      tx
        .selectFrom('snapshots')
        .select('id')
        .where('tenant_id', '=', tenantA)
        .orderBy('started_at')
        .execute(),
    )
  ).map((s) => s.id);
  expect(snapshotsA).toHaveLength(3);
}, 180_000);

afterAll(async () => {
  h.assertNoSecrets([PASSWORD, emulator.tenants[0]!.clientSecret]);
  await h.close();
  await emulator.close();
});

describe('the retention policy', () => {
  test('admins read the defaults and bounds; reports members may not; only owners change it', async () => {
    const res = await admin.request('GET', '/api/retention');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      policy: { snapshots: 90, findings: 365, drift: 365, deliveries: 90, audit: 365, disconnected: 30 },
      bounds: { audit: { min: 90, max: 3650 } },
      lastPurgeAt: null,
    });
    expect((await reports.request('GET', '/api/retention')).json().code).toBe('TS_ERR_FORBIDDEN');
    expect((await admin.request('PUT', '/api/retention', { snapshots: 30 })).json().code).toBe(
      'TS_ERR_FORBIDDEN',
    );
    expect((await admin.request('POST', '/api/retention/purge')).json().code).toBe('TS_ERR_FORBIDDEN');
  });

  test('a value out of bounds or an unknown kind changes nothing and names every problem', async () => {
    const res = await owner.request('PUT', '/api/retention', {
      audit: 10,
      snapshots: 30.5,
      photos: 7,
      drift: 60,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('TS_ERR_RETENTION_INVALID');
    expect(res.json().message).toContain('audit must be a whole number of days from 90 to 3650');
    expect(res.json().message).toContain('snapshots must be');
    expect(res.json().message).toContain('photos is not a kind of data');
    expect((await owner.request('GET', '/api/retention')).json().policy.drift).toBe(365);
  });

  test('an owner shortens the periods; the change is audited with before and after', async () => {
    const res = await owner.request('PUT', '/api/retention', { findings: 30, drift: 30 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      policy: { findings: 30, drift: 30, snapshots: 90 },
      updatedBy: owner.personId,
    });
    const audit = await withWorkspace(h.database.db, wsA, (tx) =>
      tx.selectFrom('audit_log').select('detail').where('action', '=', 'retention.changed').execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ before: { findings: 365 }, after: { findings: 30 } });
  });
});

describe('the purge', () => {
  test('deletes what is due and keeps the latest snapshot, a pinned baseline and unsent emails', async () => {
    const [first, second, latest] = snapshotsA as [string, string, string];
    const pin = await admin.request('PUT', `/api/tenants/${tenantA}/baseline`, { snapshotId: first });
    expect(pin.statusCode, pin.body).toBe(200);
    await age([first, second], 200);
    await age([latest], 1);
    const sentLongAgo = await outbox(wsA, 'sent', 120);
    const stillWaiting = await outbox(wsA, 'pending', 120);
    const sentRecently = await outbox(wsA, 'sent', 2);
    await withSystem(h.database.db, (tx) =>
      sql`INSERT INTO audit_log (workspace_id, actor, action, at) VALUES (${wsA}, 'cli', 'old.entry', now() - interval '400 days')`.execute(
        tx,
      ),
    );
    const beforeB = await counts(wsB);
    const before = await counts(wsA);

    const res = await owner.request('POST', '/api/retention/purge');
    expect(res.statusCode, res.body).toBe(200);
    const { deleted } = res.json();
    expect(deleted).toMatchObject({ snapshots: 1, emails: 1, auditLog: 1, tenants: 0 });
    expect(deleted.syncRuns).toBe(2);
    expect(deleted.postureScores).toBe(2);
    expect(deleted.licenceSummaries).toBe(2);
    expect(deleted.findingHistory).toBeGreaterThan(0);

    const left = await withSystem(h.database.db, (tx) =>
      tx
        .selectFrom('snapshots')
        .select('id')
        .where('tenant_id', '=', tenantA)
        .orderBy('started_at')
        .execute(),
    );
    expect(left.map((s) => s.id)).toEqual([first, latest]);
    const emails = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('email_outbox').select('id').where('workspace_id', '=', wsA).execute(),
    );
    expect(emails.map((e) => e.id).sort()).toEqual([stillWaiting, sentRecently].sort());
    expect(emails.map((e) => e.id)).not.toContain(sentLongAgo);
    const after = await counts(wsA);
    expect(after.snapshot_chunks).toBeLessThan(before.snapshot_chunks ?? 0);
    expect(after.posture_scores).toBe(1);
    expect(after.tenants).toBe(1);
    expect(await counts(wsB)).toEqual(beforeB);

    // the pages still work on what is left
    expect((await reports.request('GET', `/api/tenants/${tenantA}/score-history`)).statusCode).toBe(200);
    expect((await admin.request('GET', `/api/tenants/${tenantA}/baseline`)).json().baseline.snapshotId).toBe(
      first,
    );
    const view = (await owner.request('GET', '/api/retention')).json();
    expect(view.lastPurge).toEqual(deleted);
    expect(view.lastPurgeAt).not.toBeNull();
    const purged = await withWorkspace(h.database.db, wsA, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['actor', 'detail'])
        .where('action', '=', 'retention.purged')
        .execute(),
    );
    expect(purged).toEqual([{ actor: RETENTION_ACTOR, detail: deleted }]);
  });

  test('a purge with nothing due deletes nothing and does not fill the audit log', async () => {
    const again = (await owner.request('POST', '/api/retention/purge')).json().deleted;
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    const purged = await withWorkspace(h.database.db, wsA, (tx) =>
      tx.selectFrom('audit_log').select('id').where('action', '=', 'retention.purged').execute(),
    );
    expect(purged).toHaveLength(1);
  });

  test('a tenant an owner disconnected is purged once its period has passed; a revoked one is not', async () => {
    const gone = await owner.request('DELETE', `/api/tenants/${tenantA}`);
    expect(gone.json().disconnectedAt).not.toBeNull();
    // tenant B lost its consent: disconnected too, but not by a person
    await withWorkspace(h.database.db, wsB, (tx) =>
      tx
        .updateTable('tenants')
        .set({ status: 'disconnected', status_reason: 'consent revoked' })
        .where('id', '=', tenantB)
        .execute(),
    );
    const logger = createLogger({ level: 'silent' });
    const soon = { now: () => new Date(Date.now() + 29 * DAY) };
    expect(await purgeAllWorkspaces({ db: h.database.db, clock: soon, logger })).toBe(0);
    expect((await counts(wsA)).tenants).toBe(1);

    const later = { now: () => new Date(Date.now() + 31 * DAY) };
    expect(await purgeAllWorkspaces({ db: h.database.db, clock: later, logger })).toBe(0);
    expect((await counts(wsA)).tenants).toBe(0);
    expect((await counts(wsA)).snapshots).toBe(0);
    expect((await counts(wsB)).tenants).toBe(1);
    const audit = await withWorkspace(h.database.db, wsA, (tx) =>
      tx.selectFrom('audit_log').select(['actor']).where('action', '=', 'tenant.purged').execute(),
    );
    expect(audit).toEqual([{ actor: RETENTION_ACTOR }]);
  });
});
