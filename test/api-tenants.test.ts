import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import type { SyncJob } from '../src/jobs/job-queue.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp } from '../src/present/http/app.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type SyncDeps, type SyncResult, syncTenant } from '../src/sync/sync-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { listAudit } from '../src/workspaces/audit-repo.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';

/**
 * A tenant connected through the API against the emulator, with the app's real vault, then
 * synced through POST /api/tenants/:id/sync by an inline worker (the job runs syncTenant at once).
 */
const PASSWORD = 'tenant suite password 31';
let emulator: RunningEmulator;
let h: Harness;
let admin: Agent;
let owner: Agent;
let reports: Agent;
let workspaceId: string;
const vault = createVault([generateKey()]);
const runs: Promise<SyncResult>[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 60, profile: 'typical', seed: 'api-tenants' }] });
  const sync = (): SyncDeps => ({
    db: h.database.db,
    vault,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    extraCaFile: emulator.caFile,
    sleep: async () => {},
  });
  h = await openHarness({
    connect: { vault, extraCaFile: emulator.caFile },
    jobs: {
      enqueueSync: async (job: SyncJob) => {
        runs.push(syncTenant(sync(), job));
        return `inline-${runs.length}`;
      },
    },
  });
  workspaceId = await h.workspace('msp');
  await h.person('admin@msp.example', PASSWORD, [{ workspaceId, role: 'admin' }]);
  await h.person('owner@msp.example', PASSWORD, [{ workspaceId, role: 'owner' }]);
  await h.person('reader@msp.example', PASSWORD, [{ workspaceId, role: 'reports' }]);
  admin = await h.signIn('admin@msp.example', PASSWORD);
  owner = await h.signIn('owner@msp.example', PASSWORD);
  reports = await h.signIn('reader@msp.example', PASSWORD);
});
afterAll(async () => {
  await Promise.allSettled(runs);
  h.assertNoSecrets([PASSWORD, emulator.tenants[0]!.clientSecret, 'wrong-secret-value-123']);
  await h.close();
  await emulator.close();
});

const connectBody = (secret: string) => ({
  tenantId: emulator.tenants[0]!.tenantId,
  clientId: emulator.tenants[0]!.clientId,
  clientSecret: secret,
  cloud: 'global',
  endpoints: { authorityHost: emulator.authorityHost, graphUrl: emulator.graphUrl, armUrl: emulator.armUrl },
});

let tenantId: string;

describe('connecting and syncing a tenant through the API', () => {
  test('a wrong secret is refused by Microsoft before anything is stored', async () => {
    const res = await admin.request('POST', '/api/tenants', connectBody('wrong-secret-value-123'));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TS_ERR_MS_CREDENTIAL_INVALID' });
    expect((await admin.request('GET', '/api/tenants')).json().tenants).toEqual([]);
  });

  test('secret and certificate together, or a plain-http endpoint, are validation errors', async () => {
    const both = await admin.request('POST', '/api/tenants', { ...connectBody('x'), certificatePem: 'PEM' });
    expect(both.json()).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('clientSecret'),
    });
    const http = await admin.request('POST', '/api/tenants', {
      ...connectBody('x'),
      endpoints: { graphUrl: 'http://169.254.169.254' },
    });
    expect(http.json()).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('graphUrl'),
    });
  });

  test('an admin connects the emulated tenant with its app registration; no credential is returned', async () => {
    const res = await admin.request('POST', '/api/tenants', connectBody(emulator.tenants[0]!.clientSecret));
    expect(res.statusCode, res.body).toBe(201);
    const tenant = res.json();
    tenantId = tenant.id;
    expect(tenant).toMatchObject({
      microsoftTenantId: emulator.tenants[0]!.tenantId,
      status: 'connected',
      connectionKind: 'app',
      credential: { kind: 'secret', expiresAt: null },
    });
    expect(tenant.displayName).not.toBe(emulator.tenants[0]!.tenantId); // named from /organization
    expect(Object.keys(tenant)).not.toContain('secret');
    expect(res.body).not.toMatch(/ciphertext|wrapped/i);
  });

  test('the sealed credential in the database does not contain the secret', async () => {
    const row = await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx
        .selectFrom('tenant_credentials')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow(),
    );
    expect(JSON.stringify(row)).not.toContain(emulator.tenants[0]!.clientSecret);
  });

  test('POST /api/tenants/:id/sync queues a sync; the history shows it finished with progress per dataset', async () => {
    const res = await admin.request('POST', `/api/tenants/${tenantId}/sync`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ queued: true, jobId: 'inline-1' });
    const result = await runs[0]!;
    expect(result.status).toBe('succeeded');

    const syncs = (await reports.request('GET', `/api/tenants/${tenantId}/syncs`)).json().syncs;
    expect(syncs).toHaveLength(1);
    expect(syncs[0]).toMatchObject({
      trigger: 'manual',
      status: 'succeeded',
      error: null,
      snapshotId: result.snapshotId,
    });
    expect(syncs[0].requests).toBeGreaterThan(0);
    expect(syncs[0].progress.datasets.users).toMatchObject({ items: expect.any(Number), status: 'ok' });
  });

  test('the snapshot is listed with the status of every dataset', async () => {
    const snapshots = (await reports.request('GET', `/api/tenants/${tenantId}/snapshots`)).json().snapshots;
    expect(snapshots).toHaveLength(1);
    const users = snapshots[0].datasets.find((d: { name: string }) => d.name === 'users');
    expect(users).toMatchObject({ status: 'ok', itemCount: expect.any(Number) });
    expect(users.itemCount).toBeGreaterThanOrEqual(60);
    const tenant = (await reports.request('GET', `/api/tenants/${tenantId}`)).json();
    expect(tenant.lastSyncAt).not.toBeNull();
    expect(tenant.armReads).toBe('off');
  });

  test('PATCH renames, sets the interval and minimal mode; resuming a tenant that is not paused is refused', async () => {
    const res = await admin.request('PATCH', `/api/tenants/${tenantId}`, {
      displayName: 'Contoso (API)',
      syncIntervalMinutes: 360,
      minimalMode: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      displayName: 'Contoso (API)',
      syncIntervalMinutes: 360,
      minimalMode: true,
    });
    const resume = await admin.request('PATCH', `/api/tenants/${tenantId}`, { resume: true });
    expect(resume.statusCode).toBe(409);
    expect(resume.json().code).toBe('TS_ERR_TENANT_STATE');
    const tooOften = await admin.request('PATCH', `/api/tenants/${tenantId}`, { syncIntervalMinutes: 5 });
    expect(tooOften.json().code).toBe('TS_ERR_VALIDATION');
  });

  test('a paused tenant is resumed by PATCH { resume: true }', async () => {
    await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx
        .updateTable('tenants')
        .set({ status: 'paused', status_reason: 'paused after 3 failed syncs', consecutive_failures: 3 })
        .where('id', '=', tenantId)
        .execute(),
    );
    const sync = await admin.request('POST', `/api/tenants/${tenantId}/sync`);
    expect(sync.json()).toMatchObject({ code: 'TS_ERR_TENANT_STATE' });
    const res = await admin.request('PATCH', `/api/tenants/${tenantId}`, { resume: true });
    expect(res.json()).toMatchObject({ status: 'connected', statusReason: null, consecutiveFailures: 0 });
  });

  test('the owner disconnects the tenant: the credential is deleted at once and syncing is refused', async () => {
    const res = await owner.request('DELETE', `/api/tenants/${tenantId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'disconnected', credential: null, nextSyncAt: null });
    const left = await withWorkspace(h.database.db, workspaceId, (tx) =>
      tx.selectFrom('tenant_credentials').select('tenant_id').where('tenant_id', '=', tenantId).execute(),
    );
    expect(left).toEqual([]);
    const sync = await admin.request('POST', `/api/tenants/${tenantId}/sync`);
    expect(sync.statusCode).toBe(409);
    // the history stays
    expect((await reports.request('GET', `/api/tenants/${tenantId}/syncs`)).json().syncs).toHaveLength(1);
  });

  test('every state-changing action is in the audit log with its actor and address', async () => {
    const entries = await withWorkspace(h.database.db, workspaceId, (tx) => listAudit(tx, 200));
    const seen = entries.map((e) => `${e.action} ${e.actor} ${e.ip}`);
    expect(seen).toContain(`tenant.connected ${admin.personId} ${admin.ip}`);
    expect(seen).toContain(`tenant.sync_requested ${admin.personId} ${admin.ip}`);
    expect(seen).toContain(`tenant.updated ${admin.personId} ${admin.ip}`);
    expect(seen).toContain(`tenant.resumed ${admin.personId} ${admin.ip}`);
    expect(seen).toContain(`tenant.disconnected ${owner.personId} ${owner.ip}`);
  });

  test('GET /api/permissions lists only read-only Graph permissions and ARM reader roles, each with its reason', async () => {
    const body = (await reports.request('GET', '/api/permissions')).json();
    expect(body.graph.length).toBeGreaterThan(10);
    for (const p of body.graph) {
      expect(p.permission).toMatch(/\.Read(\.All|Basic\.All)?$|\.Read\./);
      expect(p.permission).not.toMatch(/Write|ReadWrite/);
      expect(p.usedFor.length).toBeGreaterThan(0);
      for (const u of p.usedFor) expect(u.why.length).toBeGreaterThan(5);
    }
    expect(body.graph.map((p: { permission: string }) => p.permission)).toContain('User.Read.All');
    expect(body.arm.map((r: { role: string }) => r.role).sort()).toEqual(
      ['Cost Management Reader', 'Monitoring Reader', 'Reader'].sort(),
    );
  });
});

describe('secrets stay out of logs', () => {
  test('connecting with a secret writes no trace of it to the server log', async () => {
    const destination = new Writable({
      write(chunk, _e, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({
      config: { tls: false },
      database: h.database,
      logger: createLogger({ level: 'trace', destination }),
      clock: h.clock,
      connect: { vault, extraCaFile: emulator.caFile },
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/tenants',
      remoteAddress: admin.ip,
      cookies: { ts_session: admin.cookie },
      headers: { 'x-csrf-token': admin.csrfToken },
      payload: connectBody('wrong-secret-value-123'),
    });
    await app.close();
    expect(res.statusCode).toBe(409);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain('wrong-secret-value-123');
    expect(logLines.join('')).not.toContain(admin.cookie);
  });
});
