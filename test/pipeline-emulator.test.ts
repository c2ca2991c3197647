import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { pipelineHooks } from '../src/pipeline/analyse-snapshot.ts';
import {
  listComparisons,
  listDriftEvents,
  objectTimeline,
  triageDriftEvent,
} from '../src/pipeline/drift-queries.ts';
import {
  acceptFinding,
  findingHistory,
  listFindings,
  revokeAcceptance,
  scoreHistory,
} from '../src/pipeline/findings-queries.ts';
import { licenceBookView, licenceSummaries } from '../src/pipeline/licence-queries.ts';
import { systemClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import type { Database } from '../src/storage/database.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { type SyncDeps, syncTenant } from '../src/sync/sync-service.ts';
import { connectAppRegistration } from '../src/tenants/connect-service.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import type { TenantRecord } from '../src/tenants/tenant-repo.ts';
import { createWorkspace } from '../src/workspaces/workspace-repo.ts';
import { adminOf, change, control, tick } from './drift-emulator-harness.ts';
import { openTestDatabase } from './helpers/database.ts';

/**
 * The analysis pipeline behind real syncs: a tenant served by the emulator is connected, synced
 * with the pipeline as the sync's hook, changed through the control API as a named admin, and
 * synced again. The tests run in order; each builds on the syncs before it.
 */
let emulator: RunningEmulator;
let database: Database;
let workspaceA: string;
let workspaceB: string;
let tenant: TenantRecord;
const vault = createVault([generateKey()]);
const logger = createLogger({ level: 'silent' });
const CA = 'identity/conditionalAccess/policies';
const LEGACY = 'ca-block-legacy-auth';
/** collection times of the syncs so far */
const collected: Date[] = [];

const deps = (over: Partial<SyncDeps> = {}): SyncDeps => ({
  db: database.db,
  vault,
  clock: systemClock,
  logger,
  extraCaFile: emulator.caFile,
  sleep: async () => {},
  ...pipelineHooks({ db: database.db, clock: systemClock, logger }),
  ...over,
});

beforeAll(async () => {
  [emulator, database] = await Promise.all([
    startEmulator({
      tenants: [
        { users: 60, profile: 'typical', seed: 'pipeline-a' },
        { users: 40, profile: 'neglected', seed: 'pipeline-b' },
      ],
    }),
    openTestDatabase(),
  ]);
  const ws = (slug: string) =>
    withSystem(database.db, (tx) => createWorkspace(tx, { slug, name: slug })).then((w) => w.id);
  workspaceA = await ws('pipeline-a');
  workspaceB = await ws('pipeline-b');
  tenant = await connect(0);
});
afterAll(async () => {
  await emulator?.close();
  await database?.close();
});

function connect(index: number): Promise<TenantRecord> {
  const t = emulator.tenants[index]!;
  return connectAppRegistration(deps(), {
    workspaceId: workspaceA,
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
}

/** Syncs back to back, which a schedule never does: reset the emulator's CA throttle first. */
async function sync(t: TenantRecord = tenant, over: Partial<SyncDeps> = {}) {
  await control(emulator, 'POST', '/throttle/reset');
  await tick();
  const result = await syncTenant(deps(over), { workspaceId: workspaceA, tenantId: t.id, trigger: 'manual' });
  expect(result.status).toBe('succeeded');
  return result;
}

const inA = <T>(fn: Parameters<typeof withWorkspace<T>>[2]) => withWorkspace(database.db, workspaceA, fn);
const finding = async (checkId: string, now = new Date()) =>
  (await inA((tx) => listFindings(tx, { tenantId: tenant.id }, now))).find((f) => f.checkId === checkId)!;
const legacyPolicy = () =>
  emulator.stores[0]!.model.graph.collections[CA]!.find(
    (p) => p.displayName === 'Block legacy authentication',
  )!;

describe('the analysis pipeline after each sync', () => {
  test('the first sync stores findings, a score and a licence summary, and says there was nothing to compare', async () => {
    const result = await sync();
    const run = await inA((tx) =>
      tx
        .selectFrom('analysis_runs')
        .selectAll()
        .where('snapshot_id', '=', result.snapshotId!)
        .executeTakeFirstOrThrow(),
    );
    expect(run.status).toBe('succeeded');
    const findings = await inA((tx) => listFindings(tx, { tenantId: tenant.id, limit: 1000 }, new Date()));
    expect(findings.length).toBeGreaterThan(250);
    const failing = findings.filter((f) => f.state === 'fail');
    expect(failing.length).toBeGreaterThan(5);
    collected.push(failing[0]!.firstSeenAt!);
    for (const f of failing)
      expect([f.firstSeenAt, f.lastSeenAt, f.resolvedAt]).toEqual([collected[0], collected[0], null]);
    expect((await finding(LEGACY)).state).toBe('fail'); // the generator plants it report-only
    const scores = await inA((tx) => scoreHistory(tx, tenant.id));
    expect(scores).toHaveLength(1);
    expect(scores[0]!.score).toBeGreaterThan(0);
    expect(scores[0]!.counts.fail).toBe(failing.length);
    const licences = await inA((tx) => licenceSummaries(tx, tenant.id));
    expect(licences).toHaveLength(1);
    expect(licences[0]).toMatchObject({ currency: 'USD', snapshotId: result.snapshotId });
    expect(licences[0]!.counts.purchased).toBeGreaterThan(0);
    expect(await inA((tx) => listComparisons(tx, tenant.id))).toMatchObject([{ status: 'noPrevious' }]);
    expect(await inA((tx) => listDriftEvents(tx, {}))).toEqual([]);
  });

  test('a CA policy enforced by an admin: one drift event with the actor, the fixed finding resolved, the rest seen again', async () => {
    const admin = adminOf(emulator);
    const policy = legacyPolicy();
    const before = (await inA((tx) => scoreHistory(tx, tenant.id)))[0]!.score!;
    await tick();
    await change(emulator, 0, { actor: admin, collection: CA, id: policy.id, patch: { state: 'enabled' } });
    await sync();
    const events = await inA((tx) => listDriftEvents(tx, { tenantId: tenant.id }));
    expect(events).toHaveLength(1);
    const upn = 'user' in admin ? admin.user.userPrincipalName : '';
    expect(events[0]).toMatchObject({
      objectKind: 'conditionalAccessPolicy',
      objectId: policy.id,
      path: 'state',
      kind: 'changed',
      before: 'enabledForReportingButNotEnforced',
      after: 'enabled',
      actor: upn,
      attribution: { actor: { type: 'user', userPrincipalName: upn }, confidence: 'high' },
      triage: { state: 'open' },
    });
    collected.push(events[0]!.toCollectedAt);
    expect(await inA((tx) => listDriftEvents(tx, { actor: 'someone-else@contoso.test' }))).toEqual([]);

    const legacy = await finding(LEGACY);
    expect(legacy).toMatchObject({ state: 'pass', firstSeenAt: collected[0], resolvedAt: collected[1] });
    const stillFailing = (await inA((tx) =>
      listFindings(tx, { tenantId: tenant.id, state: ['fail'] }, new Date()),
    ))!;
    expect(stillFailing.length).toBeGreaterThan(0);
    for (const f of stillFailing) {
      expect(f.lastSeenAt).toEqual(collected[1]);
      expect(f.firstSeenAt).toEqual(collected[0]);
    }
    const history = await inA((tx) => findingHistory(tx, tenant.id, LEGACY));
    expect(history.changes.map((c) => [c.from, c.to])).toEqual([
      [null, 'fail'],
      ['fail', 'pass'],
    ]);
    const resolved = await inA((tx) => listFindings(tx, { tenantId: tenant.id, open: false }, new Date()));
    expect(resolved.map((f) => f.checkId)).toContain(LEGACY);
    const scores = await inA((tx) => scoreHistory(tx, tenant.id));
    expect(scores.map((s) => s.collectedAt)).toEqual(collected);
    expect(scores[1]!.score!).toBeGreaterThan(before);
  });

  test('an accepted finding reads accepted until its expiry, then fails again; revoking ends it at once', async () => {
    const target = (
      await inA((tx) => listFindings(tx, { tenantId: tenant.id, state: ['fail'] }, new Date()))
    )[0]!;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 86_400_000);
    await inA((tx) =>
      acceptFinding(tx, {
        workspaceId: workspaceA,
        tenantId: tenant.id,
        checkId: target.checkId,
        reason: 'compensating control: vendor MFA',
        expiresAt,
        by: 'owner@contoso.test',
        now,
      }),
    );
    expect(await finding(target.checkId, now)).toMatchObject({
      state: 'accepted',
      acceptance: { acceptedBy: 'owner@contoso.test', expired: false, expiresAt },
    });
    const accepted = await inA((tx) => listFindings(tx, { state: ['accepted'] }, now));
    expect(accepted.map((f) => f.checkId)).toEqual([target.checkId]);
    const later = new Date(expiresAt.getTime() + 1);
    expect(await finding(target.checkId, later)).toMatchObject({
      state: 'fail',
      acceptance: { expired: true },
    });

    await inA((tx) =>
      revokeAcceptance(tx, {
        workspaceId: workspaceA,
        tenantId: tenant.id,
        checkId: target.checkId,
        by: 'x',
        now,
      }),
    );
    expect(await finding(target.checkId, now)).toMatchObject({ state: 'fail', acceptance: null });

    const refused = (input: { checkId?: string; expiresAt?: Date; reason?: string }) =>
      inA((tx) =>
        acceptFinding(tx, {
          workspaceId: workspaceA,
          tenantId: tenant.id,
          checkId: target.checkId,
          reason: 'r',
          expiresAt,
          by: 'x',
          now,
          ...input,
        }),
      ).catch((e: { code?: string }) => e.code);
    expect(await refused({ expiresAt: new Date(now.getTime() - 1) })).toBe('TS_ERR_VALIDATION');
    expect(await refused({ reason: '  ' })).toBe('TS_ERR_VALIDATION');
    expect(await refused({ checkId: 'no-such-check' })).toBe('TS_ERR_NOT_FOUND');
  });

  test('a change marked reverted-in-tenant is closed by the sync that shows the old value back', async () => {
    const [event] = await inA((tx) => listDriftEvents(tx, { tenantId: tenant.id }));
    const triaged = await inA((tx) =>
      triageDriftEvent(tx, {
        workspaceId: workspaceA,
        eventId: event!.id,
        state: 'revertedInTenant',
        note: 'enforced by mistake; back to report-only',
        by: 'owner@contoso.test',
        now: new Date(),
      }),
    );
    expect(triaged.triage).toMatchObject({ state: 'revertedInTenant', revertSeenAt: null });
    const policy = legacyPolicy();
    await tick();
    await change(emulator, 0, {
      actor: adminOf(emulator),
      collection: CA,
      id: policy.id,
      patch: { state: 'enabledForReportingButNotEnforced' },
    });
    await sync();
    const events = await inA((tx) => listDriftEvents(tx, { tenantId: tenant.id }));
    expect(events).toHaveLength(2);
    collected.push(events[0]!.toCollectedAt);
    const first = events.find((e) => e.id === event!.id)!;
    expect(first.triage).toMatchObject({ state: 'revertedInTenant', revertSeenAt: collected[2] });
    // The legacy check fails again: a new episode, not the old one reopened.
    expect(await finding(LEGACY)).toMatchObject({
      state: 'fail',
      firstSeenAt: collected[2],
      resolvedAt: null,
    });
    const timeline = await inA((tx) => objectTimeline(tx, tenant.id, 'conditionalAccessPolicy', policy.id));
    expect(timeline.map((p) => [p.collectedAt, p.events.map((e) => e.after)])).toEqual([
      [collected[1], ['enabled']],
      [collected[2], ['enabledForReportingButNotEnforced']],
    ]);
  });

  test('minimal mode stores findings, a score and a licence summary, but no snapshot and no drift', async () => {
    const minimal = await connect(1);
    await inA((tx) =>
      tx.updateTable('tenants').set({ minimal_mode: true }).where('id', '=', minimal.id).execute(),
    );
    const result = await sync({ ...minimal, minimalMode: true });
    expect(result.snapshotId).toBeUndefined();
    const snapshots = await inA((tx) =>
      tx.selectFrom('snapshots').select('id').where('tenant_id', '=', minimal.id).execute(),
    );
    expect(snapshots).toEqual([]);
    const findings = await inA((tx) =>
      listFindings(tx, { tenantId: minimal.id, state: ['fail'] }, new Date()),
    );
    expect(findings.length).toBeGreaterThan(10); // the neglected profile fails in every area
    expect(findings.every((f) => f.snapshotId === null)).toBe(true);
    expect(await inA((tx) => scoreHistory(tx, minimal.id))).toHaveLength(1);
    expect(await inA((tx) => licenceSummaries(tx, minimal.id))).toHaveLength(1);
    expect(await inA((tx) => listComparisons(tx, minimal.id))).toMatchObject([{ status: 'minimalMode' }]);

    const book = await inA((tx) => licenceBookView(tx));
    expect(book.tenants.map((t) => t.tenantId).sort()).toEqual([tenant.id, minimal.id].sort());
    expect(book.totals).toHaveLength(1);
    expect(book.totals[0]).toMatchObject({ currency: 'USD', tenants: 2 });
    const waste = book.tenants.reduce((n, t) => n + Math.round(Number(t.totals.wasteMonthly) * 100), 0);
    expect(Math.round(book.totals[0]!.wasteMonthly * 100)).toBe(waste);
  });

  test('the run says the analysis is running while it runs, then that it succeeded', async () => {
    let during: unknown;
    const result = await sync(tenant, {
      afterSnapshot: async () => {
        during = await inA((tx) =>
          tx
            .selectFrom('sync_runs')
            .select(['status', 'progress'])
            .orderBy('started_at', 'desc')
            .executeTakeFirstOrThrow(),
        );
      },
    });
    expect(during).toMatchObject({ status: 'succeeded', progress: { analysis: { status: 'running' } } });
    const run = await inA((tx) =>
      tx.selectFrom('sync_runs').select('progress').where('id', '=', result.runId).executeTakeFirstOrThrow(),
    );
    expect(run.progress).toMatchObject({ analysis: { status: 'succeeded' } });
  });

  test('an analysis that fails never fails the sync, and is noted on the run', async () => {
    const result = await sync(tenant, {
      afterSnapshot: async () => {
        throw new Error('boom');
      },
    });
    const run = await inA((tx) =>
      tx.selectFrom('sync_runs').select('progress').where('id', '=', result.runId).executeTakeFirstOrThrow(),
    );
    expect(run.progress).toMatchObject({ analysis: { status: 'failed', code: 'TS_ERR_INTERNAL' } });
  });

  test('a second workspace sees none of it and cannot act on it', async () => {
    const inB = <T>(fn: Parameters<typeof withWorkspace<T>>[2]) => withWorkspace(database.db, workspaceB, fn);
    const now = new Date();
    expect(await inB((tx) => listFindings(tx, {}, now))).toEqual([]);
    expect(await inB((tx) => listFindings(tx, { tenantId: tenant.id }, now))).toEqual([]);
    expect(await inB((tx) => listDriftEvents(tx, {}))).toEqual([]);
    expect(await inB((tx) => licenceBookView(tx))).toEqual({ tenants: [], totals: [] });
    const code = (p: Promise<unknown>) => p.then(() => 'ok').catch((e: { code?: string }) => e.code);
    expect(await code(inB((tx) => scoreHistory(tx, tenant.id)))).toBe('TS_ERR_NOT_FOUND');
    expect(await code(inB((tx) => objectTimeline(tx, tenant.id, 'conditionalAccessPolicy', 'x')))).toBe(
      'TS_ERR_NOT_FOUND',
    );
    const [event] = await inA((tx) => listDriftEvents(tx, { tenantId: tenant.id }));
    expect(
      await code(
        inB((tx) =>
          triageDriftEvent(tx, {
            workspaceId: workspaceB,
            eventId: event!.id,
            state: 'accepted',
            by: 'x',
            now,
          }),
        ),
      ),
    ).toBe('TS_ERR_NOT_FOUND');
    expect(
      await code(
        inB((tx) =>
          acceptFinding(tx, {
            workspaceId: workspaceB,
            tenantId: tenant.id,
            checkId: LEGACY,
            reason: 'r',
            expiresAt: new Date(now.getTime() + 1000),
            by: 'x',
            now,
          }),
        ),
      ),
    ).toBe('TS_ERR_NOT_FOUND');
    expect((await inA((tx) => listDriftEvents(tx, { tenantId: tenant.id })))[0]!.triage.state).toBe(
      event!.triage.state,
    );
  });
});
