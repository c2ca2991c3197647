import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pendingWebhookDeliveries } from '../src/alerts/alert-delivery.ts';
import { verifyWebhook } from '../src/alerts/webhook-sign.ts';
import { enqueueEmail } from '../src/delivery/outbox.ts';
import { attemptEmail, createTransport } from '../src/delivery/outbox-sender.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { type Jobs, startJobs } from '../src/jobs/job-queue.ts';
import { analyseSnapshot, pipelineHooks } from '../src/pipeline/analyse-snapshot.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type SyncDeps, syncTenant } from '../src/sync/sync-service.ts';
import { connectAppRegistration } from '../src/tenants/connect-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { type Agent, type Harness, openHarness } from './api-harness.ts';
import { startTestSmtp } from './delivery-smtp.ts';
import { adminOf, change, control, tick } from './drift-emulator-harness.ts';

/**
 * Drift alerts end to end: an alert rule with a webhook to a real receiver on loopback that
 * checks every signature; a CA change made through the emulator's control API; a sync whose
 * analysis records the notification; the job queue (pg-boss on this database) delivering it,
 * the receiver failing the first attempt with a 500 so the retry is exercised.
 */
const PASSWORD = 'alerts suite password 2026';
const SECRET = 'whsec-0123456789-abcdef-secret';
const CA = 'identity/conditionalAccess/policies';
const vault = createVault([generateKey()]);
const logger = createLogger({ level: 'silent' });
let emulator: RunningEmulator;
let h: Harness;
let jobs: Jobs;
let ws: string;
let tenantId: string;
let admin: Agent;
let reader: Agent;
let receiver: http.Server;
let receiverUrl: string;
/** what the receiver saw: each request's verdict on the signature and the parsed body */
const received: { verified: boolean; delivery: string; body: Record<string, unknown>; answered: number }[] =
  [];
/** statuses the receiver answers, in order; then 200 */
const answers: number[] = [];

const deps = (): SyncDeps => ({
  db: h.database.db,
  vault,
  clock: systemClock,
  logger,
  extraCaFile: emulator.caFile,
  sleep: async () => {},
  ...pipelineHooks({ db: h.database.db, clock: systemClock, logger }),
});

async function sync() {
  await control(emulator, 'POST', '/throttle/reset');
  await tick();
  const result = await syncTenant(deps(), { workspaceId: ws, tenantId, trigger: 'manual' });
  expect(result.status).toBe('succeeded');
}

function startReceiver(): Promise<void> {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const verified = verifyWebhook(
        SECRET,
        String(req.headers['x-tenantscope-timestamp']),
        raw,
        String(req.headers['x-tenantscope-signature']),
      );
      const answered = answers.shift() ?? 200;
      received.push({
        verified,
        delivery: String(req.headers['x-tenantscope-delivery']),
        body: JSON.parse(raw),
        answered,
      });
      res.statusCode = verified ? answered : 401;
      res.end();
    });
  });
  return new Promise((resolve) => {
    receiver.listen(0, '127.0.0.1', () => {
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tenantscope`;
      resolve();
    });
  });
}

/** Webhook deliveries waiting to be queued (what the worker's sweep would pick up). */
const withSystemRead = () => pendingWebhookDeliveries(h.database.db);

async function until<T>(what: string, fn: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  for (let i = 0; i < seconds * 4; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  [emulator, h] = await Promise.all([
    startEmulator({ tenants: [{ users: 30, profile: 'typical', seed: 'alerts-a' }] }),
    openHarness({ connect: { vault } }),
    startReceiver(),
  ]);
  ws = await h.workspace('alerting');
  await h.person('admin@alerting.test', PASSWORD, [{ workspaceId: ws, role: 'admin' }]);
  await h.person('reader@alerting.test', PASSWORD, [{ workspaceId: ws, role: 'reports' }]);
  admin = await h.signIn('admin@alerting.test', PASSWORD);
  reader = await h.signIn('reader@alerting.test', PASSWORD);
  const t = emulator.tenants[0]!;
  const tenant = await connectAppRegistration(deps(), {
    workspaceId: ws,
    actor: 'cli',
    microsoftTenantId: t.tenantId,
    clientId: t.clientId,
    credential: { kind: 'secret', clientSecret: t.clientSecret },
    cloud: 'global',
    endpoints: {
      authorityHost: emulator.authorityHost,
      graphUrl: emulator.graphUrl,
      armUrl: emulator.armUrl,
    },
  });
  tenantId = tenant.id;
  await sync();
}, 120_000);

/**
 * Runs the job queue's worker around `fn`. The tests sync outside it: on the embedded database,
 * syncs run beside a polling worker hung intermittently under load (see src/alerts/README.md).
 */
async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  jobs = await startJobs({
    database: h.database,
    logger,
    worker: true,
    sync: deps(),
    // one second, doubling: the retry is exercised without a long test
    alertRetry: { limit: 3, delaySeconds: 1 },
  });
  try {
    return await fn();
  } finally {
    await jobs.stop();
  }
}
afterAll(async () => {
  h?.assertNoSecrets([PASSWORD, SECRET, emulator.tenants[0]!.clientSecret]);
  await emulator?.close();
  await h?.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
}, 120_000);

describe('alert rules', () => {
  let ruleId: string;

  test('webhooks that would reach into private networks, or plain http elsewhere, are refused', async () => {
    for (const url of [
      'https://169.254.169.254/latest',
      'https://10.1.2.3/hook',
      'http://hooks.example.com/x',
    ]) {
      const res = await admin.request('POST', '/api/alert-rules', {
        name: 'bad',
        minSeverity: 'low',
        webhook: { url, secret: SECRET },
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('TS_ERR_WEBHOOK_URL_REFUSED');
    }
    expect((await reader.request('GET', '/api/alert-rules')).json()).toEqual({ rules: [] });
  });

  test('a rule is created with its webhook sealed: the secret is never returned nor stored in clear', async () => {
    const res = await admin.request('POST', '/api/alert-rules', {
      name: 'CA changes',
      minSeverity: 'high',
      objectKinds: ['conditionalAccessPolicy'],
      webhook: { url: receiverUrl, secret: SECRET },
      emailTo: ['soc@msp.test'],
    });
    expect(res.statusCode, res.body).toBe(201);
    ruleId = res.json().id;
    expect(res.json()).toMatchObject({ webhook: { url: receiverUrl, secretSet: true }, tenantIds: [] });
    const row = await withWorkspace(h.database.db, ws, (tx) =>
      tx.selectFrom('alert_rules').selectAll().where('id', '=', ruleId).executeTakeFirstOrThrow(),
    );
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(row.webhook_secret_ciphertext).toMatch(/^v1\./);
  });

  test('a test send is signed and logged', async () => {
    const res = await admin.request('POST', `/api/alert-rules/${ruleId}/test`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'test', status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(received.at(-1)).toMatchObject({ verified: true, body: { type: 'test', rule: { id: ruleId } } });
  });

  test('a CA change by a named admin notifies the webhook once, retried after a 500, and hands an email to the outbox', async () => {
    const before = received.length;
    answers.push(500);
    const actor = adminOf(emulator);
    const policy = emulator.stores[0]!.model.graph.collections[CA]!.find(
      (p) => p.displayName === 'Block legacy authentication',
    )!;
    await tick();
    await change(emulator, 0, { actor, collection: CA, id: policy.id, patch: { state: 'enabled' } });
    await sync();
    const delivered = await withWorker(async () => {
      expect(await jobs.queuePendingAlerts()).toBe(1);
      return until('the webhook delivery', async () => {
        const res = await reader.request('GET', `/api/alert-deliveries?ruleId=${ruleId}&status=delivered`);
        return res.json().deliveries.find((d: { kind: string }) => d.kind === 'drift');
      });
    });
    expect(delivered).toMatchObject({
      channel: 'webhook',
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
      totalEvents: 1,
    });
    const attempts = received.slice(before);
    expect(attempts.map((a) => [a.verified, a.answered])).toEqual([
      [true, 500],
      [true, 200],
    ]);
    expect(attempts[0]!.delivery).toBe(delivered.id);
    const upn = 'user' in actor ? actor.user.userPrincipalName : '';
    expect(attempts[1]!.body).toMatchObject({
      type: 'drift.events',
      tenant: { id: tenantId },
      totalEvents: 1,
      events: [
        {
          objectKind: 'conditionalAccessPolicy',
          objectId: policy.id,
          path: 'state',
          after: 'enabled',
          actor: upn,
        },
      ],
    });
    const email = (await reader.request('GET', `/api/alert-deliveries?ruleId=${ruleId}`))
      .json()
      .deliveries.find((d: { channel: string }) => d.channel === 'email');
    expect(email).toMatchObject({ status: 'queued', target: 'soc@msp.test', attempts: 0, totalEvents: 1 });
    // handed to the email outbox, which sends it (src/delivery); without SMTP it waits there
    const outbox = await withWorkspace(h.database.db, ws, (tx) =>
      tx
        .selectFrom('email_outbox')
        .select(['to_address', 'kind', 'content'])
        .where('kind', '=', 'driftAlert')
        .execute(),
    );
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.to_address).toBe('soc@msp.test');
    expect(JSON.stringify(outbox[0]!.content)).toContain(upn);
  }, 120_000);

  test('the delivery log follows the email through the outbox: sent by SMTP, then one address refused', async () => {
    const emailRow = async () =>
      (await reader.request('GET', `/api/alert-deliveries?ruleId=${ruleId}`))
        .json()
        .deliveries.find((d: { channel: string }) => d.channel === 'email');
    const queued = await emailRow();
    expect(queued).toMatchObject({ status: 'queued', lastError: 'waiting to be sent', deliveredAt: null });
    const smtp = await startTestSmtp();
    try {
      const mailer = {
        db: h.database.db,
        clock: systemClock,
        logger,
        smtp: smtp.settings(),
        from: 'ts@msp.test',
        keks: [],
      };
      const transport = createTransport(smtp.settings());
      const ref = `alertDelivery:${queued.id}`;
      const idsOf = () =>
        withWorkspace(h.database.db, ws, (tx) =>
          tx
            .selectFrom('email_outbox')
            .select('id')
            .where('ref', '=', ref)
            .orderBy('created_at')
            .orderBy('id')
            .execute(),
        );
      const [first] = await idsOf();
      expect((await attemptEmail(mailer, transport, first!.id, false)).outcome).toBe('sent');
      const delivered = await emailRow();
      expect(delivered).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
      expect(Date.parse(delivered.deliveredAt)).not.toBeNaN();
      const onlyDelivered = (
        await reader.request('GET', `/api/alert-deliveries?ruleId=${ruleId}&status=delivered`)
      ).json();
      expect(onlyDelivered.deliveries.map((d: { id: string }) => d.id)).toContain(queued.id);

      // a second address on the same delivery, refused for good by the server
      await withWorkspace(h.database.db, ws, (tx) =>
        enqueueEmail(tx, {
          workspaceId: ws,
          kind: 'driftAlert',
          to: 'noc@msp.test',
          content: { subject: 'Drift', heading: 'Drift', paragraphs: ['A change.'] },
          ref,
        }),
      );
      const partly = await emailRow();
      expect(partly).toMatchObject({ status: 'queued', lastError: '1 of 2 sent', deliveredAt: null });
      smtp.refuseNext(1, 550);
      const second = (await idsOf()).find((r) => r.id !== first!.id)!;
      expect((await attemptEmail(mailer, transport, second.id, false)).outcome).toBe('failed');
      const failed = await emailRow();
      expect(failed.status).toBe('failed');
      expect(failed.lastError).toMatch(/^1 of 2 not sent: noc@msp\.test: .*550/);
      const onlyFailed = (
        await reader.request('GET', `/api/alert-deliveries?ruleId=${ruleId}&status=failed`)
      ).json();
      expect(onlyFailed.deliveries.map((d: { id: string }) => d.id)).toContain(queued.id);
      transport.close();
    } finally {
      await smtp.close();
    }
  });

  test('analysing the same snapshot again, a sync with no change, or a change of another kind, notifies no one', async () => {
    const count = received.length;
    const latest = await withWorkspace(h.database.db, ws, (tx) =>
      tx
        .selectFrom('snapshots')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .orderBy('started_at', 'desc')
        .executeTakeFirstOrThrow(),
    );
    await analyseSnapshot(
      { db: h.database.db, clock: systemClock, logger },
      { workspaceId: ws, tenantId, snapshotId: latest.id },
    );
    await sync(); // no change: no drift events
    await change(emulator, 0, {
      actor: adminOf(emulator),
      singleton: 'policies/authorizationPolicy',
      patch: { allowInvitesFrom: 'everyone' },
    });
    await sync(); // a change, but not a CA policy
    const pending = await withSystemRead();
    expect(pending).toEqual([]);
    expect(received.length).toBe(count);
  }, 120_000);

  test('a receiver that keeps failing ends failed after the retries, with its last error logged', async () => {
    answers.push(503, 503, 503, 503, 503);
    const patched = await admin.request('PATCH', `/api/alert-rules/${ruleId}`, {
      minSeverity: 'low',
      objectKinds: [],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().webhook).toEqual({ url: receiverUrl, secretSet: true });
    await change(emulator, 0, {
      actor: adminOf(emulator),
      singleton: 'policies/authorizationPolicy',
      patch: { allowInvitesFrom: 'adminsAndGuestInviters' },
    });
    await sync();
    const failed = await withWorker(async () => {
      expect(await jobs.queuePendingAlerts()).toBe(1);
      return until('the failed delivery', async () => {
        const res = await reader.request('GET', `/api/alert-deliveries?ruleId=${ruleId}&status=failed`);
        // the email refused above is failed too
        return res.json().deliveries.find((d: { channel: string }) => d.channel === 'webhook');
      });
    });
    // retryLimit 3: the first attempt and three retries
    expect(failed).toMatchObject({
      attempts: 4,
      lastStatusCode: 503,
      lastError: 'the receiver answered 503',
    });
    answers.length = 0;
  }, 120_000);
});
