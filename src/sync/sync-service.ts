import { type Kysely, sql } from 'kysely';
import type { ProgressEvent } from '../collect/collect-graph.ts';
import { collectSnapshot } from '../collect/collect-snapshot.ts';
import { memorySink } from '../collect/dataset-sink.ts';
import { DELTA_DATASETS } from '../collect/delta-read.ts';
import { type MicrosoftSession, openMicrosoftSession } from '../collect/microsoft-session.ts';
import { SNAPSHOT_FORMAT, type Snapshot } from '../collect/snapshot-types.ts';
import { resolveEndpoints } from '../connectors/clouds.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import type { Sleep } from '../connectors/retry.ts';
import type { Clock } from '../platform/clock.ts';
import { isTenantscopeError, TenantscopeError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import type { Logger } from '../platform/logger.ts';
import { erasureGuard } from '../rights/erasure-list.ts';
import {
  abandonUnfinished,
  beginSnapshot,
  completeSnapshot,
  listSnapshots,
  loadSnapshot,
  storageSink,
} from '../snapshots/snapshot-repo.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';
import type { TenantscopeApp } from '../tenants/consent-service.ts';
import { type Vault, vaultOwner } from '../tenants/credential-vault.ts';
import { findTenant, getCredential, type TenantRecord, updateTenantState } from '../tenants/tenant-repo.ts';
import { credentialWatcher, noteCredentialExpiry } from './credential-expiry.ts';
import { collectArmForSync } from './sync-arm.ts';

/**
 * After this many failed syncs in a row a tenant is paused with its reason, instead of failing
 * every day forever; a person resumes it. Connection failures (consent revoked, secret expired)
 * disconnect at once: retrying cannot fix them.
 */
export const MAX_CONSECUTIVE_FAILURES = 3;

export interface SyncDeps {
  db: Kysely<Schema>;
  vault: Vault;
  clock: Clock;
  logger: Logger;
  extraCaFile?: string | undefined;
  /** how retries wait; tests pass an instant sleep */
  sleep?: Sleep;
  /**
   * Runs once a snapshot is complete and the run recorded (the analysis pipeline, src/pipeline/).
   * A failure is logged and noted on the run (`progress.analysis`); it never fails the sync.
   */
  afterSnapshot?: (ref: { workspaceId: string; tenantId: string; snapshotId: string }) => Promise<void>;
  /**
   * Tenantscope's own multi-tenant app (TENANTSCOPE_APP_CLIENT_ID / _SECRET): the credential of
   * admin-consent tenants and of delegated ARM sign-ins. Without it those tenants cannot sync.
   */
  app?: TenantscopeApp | undefined;
  /** Minimal mode: the read is held in memory only, analysed here, then dropped (same failure rule). */
  analyseInMemory?: (ref: { workspaceId: string; tenantId: string }, snapshot: Snapshot) => Promise<void>;
}

export interface SyncResult {
  runId: string;
  status: 'succeeded' | 'failed' | 'skipped';
  snapshotId?: string;
  error?: { code: string; message: string };
}

/** One complete sync of one tenant: collect → store (or, in minimal mode, discard) → record. */
export async function syncTenant(
  deps: SyncDeps,
  job: { workspaceId: string; tenantId: string; trigger: 'schedule' | 'manual' | 'demo' },
  onProgress: (event: ProgressEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<SyncResult> {
  const tenant = await withWorkspace(deps.db, job.workspaceId, (tx) => findTenant(tx, job.tenantId));
  if (!tenant || tenant.status === 'disconnected' || tenant.status === 'paused') {
    return {
      runId: '',
      status: 'skipped',
      error: { code: 'TS_ERR_NOT_FOUND', message: tenant ? `tenant is ${tenant.status}` : 'no such tenant' },
    };
  }
  const locked = await withSyncLock(deps.db, tenant.id, () => runSync(deps, job, tenant, onProgress, signal));
  return (
    locked ?? {
      runId: '',
      status: 'skipped',
      error: { code: 'TS_ERR_NOT_FOUND', message: 'another worker is syncing this tenant' },
    }
  );
}

/**
 * One sync at a time per tenant, across every worker: a session advisory lock on a connection
 * held for the whole sync. A worker that dies (even `kill -9`) loses its connection and with it
 * the lock, so the next worker can start at once; the queue alone could not tell a dead worker
 * from a slow one until the job expires.
 */
async function withSyncLock<T>(
  db: Kysely<Schema>,
  tenantId: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  return db.connection().execute(async (conn) => {
    const key = `tenantscope-sync:${tenantId}`;
    const got = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(conn);
    if (!got.rows[0]?.ok) return undefined;
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(conn);
    }
  });
}

async function runSync(
  deps: SyncDeps,
  job: { workspaceId: string; tenantId: string; trigger: 'schedule' | 'manual' | 'demo' },
  tenant: TenantRecord,
  onProgress: (event: ProgressEvent) => void,
  signal: AbortSignal | undefined,
): Promise<SyncResult> {
  await abandonUnfinished(deps.db, job.workspaceId, tenant.id);
  await closeInterruptedRuns(deps, job.workspaceId, tenant.id);
  const startedAt = deps.clock.now();
  const runId = newId();
  const ref = tenant.minimalMode
    ? undefined
    : await beginSnapshot(deps.db, job.workspaceId, tenant.id, startedAt);
  await withWorkspace(deps.db, job.workspaceId, (tx) =>
    tx
      .insertInto('sync_runs')
      .values({
        id: runId,
        workspace_id: job.workspaceId,
        tenant_id: tenant.id,
        snapshot_id: ref?.snapshotId ?? null,
        trigger: job.trigger,
        status: 'running',
        started_at: startedAt,
      })
      .execute(),
  );
  const progress = progressRecorder(deps, job.workspaceId, runId, (event) => {
    // Checked at every page: a stopping worker leaves within one request.
    if (signal?.aborted)
      throw new TenantscopeError(
        'TS_ERR_SYNC_INTERRUPTED',
        'the sync was stopped because the worker is shutting down',
      );
    onProgress(event);
  });
  let session: MicrosoftSession | undefined;
  let armStats: { requests: number; throttled: number } | undefined;
  try {
    session = openMicrosoftSession(
      await connectionOf(deps, tenant),
      deps.sleep ? { retrySleep: deps.sleep } : {},
    );
    const memory = !ref && deps.analyseInMemory ? memorySink() : undefined;
    // People erased from the tenant (src/rights/) are dropped before anything is stored or analysed.
    // Loaded only now, after the run is recorded as running: an erasure recorded later sees the run
    // and refuses until it ends, so a stale read of the list never goes unnoticed.
    const erasures = await erasureGuard(deps.db, tenant);
    const inner = ref ? storageSink(deps.db, ref) : (memory ?? discardSink());
    const watcher = credentialWatcher(tenant.clientId ?? '', erasures ? erasures.wrap(inner) : inner);
    // Users and groups read only what changed since the last stored snapshot (Graph delta).
    const previous = ref ? await previousForDelta(deps, tenant) : undefined;
    const open = session;
    // Graph and ARM are read at once (separate throttling budgets); both end before anything
    // is decided, so no read still writes to the sink after a failure. ARM never fails the sync.
    const [graphRead, armRead] = await Promise.allSettled([
      collectSnapshot({
        graph: open.graph,
        sink: watcher.sink,
        ctx: { now: startedAt },
        onProgress: progress.event,
        ...(previous ? { previous } : {}),
      }),
      collectArmForSync(deps, tenant, open, {
        sink: watcher.sink,
        now: startedAt,
        onProgress: progress.event,
      }),
    ]);
    if (graphRead.status === 'rejected') throw graphRead.reason;
    if (armRead.status === 'rejected') throw armRead.reason;
    armStats = armRead.value.arm?.stats;
    const outcomes = graphRead.value;
    if (outcomes.every((o) => o.status === 'error')) {
      // Nothing could be read (Microsoft or the network down): a failed sync, not a snapshot of errors.
      throw new MicrosoftError(
        'transient',
        `no dataset could be read; first error: ${outcomes[0]?.error?.message ?? 'unknown'}`,
      );
    }
    if (ref) await completeSnapshot(deps.db, ref, deps.clock.now());
    await progress.flush();
    await finishRun(deps, job.workspaceId, tenant, runId, addStats(session.graph.stats, armStats), undefined);
    await noteCredentialExpiry(deps, tenant, watcher.seen());
    await analyseAfterSync(deps, job.workspaceId, runId, async () => {
      if (ref) await deps.afterSnapshot?.(ref);
      else if (memory)
        await deps.analyseInMemory?.(
          { workspaceId: job.workspaceId, tenantId: tenant.id },
          {
            format: SNAPSHOT_FORMAT,
            tenant: {
              tenantId: tenant.microsoftTenantId,
              displayName: tenant.displayName,
              cloud: tenant.cloud,
            },
            collectedAt: startedAt.toISOString(),
            completedAt: deps.clock.now().toISOString(),
            datasets: memory.datasets,
          },
        );
    });
    return { runId, status: 'succeeded', ...(ref ? { snapshotId: ref.snapshotId } : {}) };
  } catch (error) {
    await progress.flush();
    if (ref) await abandonUnfinished(deps.db, job.workspaceId, tenant.id);
    const failure = describe(error);
    deps.logger.warn({ tenantId: tenant.id, code: failure.code }, 'sync failed');
    const stats = addStats(session?.graph.stats ?? { requests: 0, throttled: 0 }, armStats);
    await finishRun(deps, job.workspaceId, tenant, runId, stats, {
      ...failure,
      disconnects: error instanceof MicrosoftError && error.disconnects,
    });
    return { runId, status: 'failed', error: failure };
  } finally {
    await session?.close();
  }
}

/** The users and groups of the tenant's last complete snapshot, with their delta links. */
async function previousForDelta(deps: SyncDeps, tenant: TenantRecord) {
  const [last] = await listSnapshots(deps.db, tenant.workspaceId, tenant.id, 1);
  if (!last) return undefined;
  return loadSnapshot(
    deps.db,
    tenant.workspaceId,
    last.id,
    { ...tenant, cloud: tenant.cloud },
    DELTA_DATASETS,
  );
}

async function connectionOf(deps: SyncDeps, tenant: TenantRecord) {
  const base = {
    endpoints: resolveEndpoints(tenant.cloud, tenant.endpoints),
    cloud: tenant.cloud,
    tenantId: tenant.microsoftTenantId,
    caFile: deps.extraCaFile,
  };
  if (tenant.connectionKind === 'consent') {
    // Admin consent: Tenantscope's own app signs in; its secret comes from configuration.
    if (!deps.app || deps.app.clientId !== tenant.clientId)
      throw new TenantscopeError(
        'TS_ERR_APP_NOT_CONFIGURED',
        'this tenant consented to a multi-tenant app this server is not configured with',
      );
    return {
      ...base,
      clientId: deps.app.clientId,
      credential: { kind: 'secret' as const, clientSecret: deps.app.clientSecret },
    };
  }
  const sealed = await withWorkspace(deps.db, tenant.workspaceId, (tx) => getCredential(tx, tenant.id));
  if (!sealed || !tenant.clientId)
    throw new MicrosoftError('credentialInvalid', 'the tenant has no stored credential');
  return {
    ...base,
    clientId: tenant.clientId,
    // decrypted here, inside the worker, right before Microsoft is called
    credential: deps.vault.open(vaultOwner(tenant.workspaceId, tenant.microsoftTenantId), sealed),
  };
}

function addStats(
  graph: { requests: number; throttled: number },
  arm: { requests: number; throttled: number } | undefined,
): { requests: number; throttled: number } {
  return {
    requests: graph.requests + (arm?.requests ?? 0),
    throttled: graph.throttled + (arm?.throttled ?? 0),
  };
}

async function finishRun(
  deps: SyncDeps,
  workspaceId: string,
  tenant: TenantRecord,
  runId: string,
  stats: { requests: number; throttled: number },
  failure: { code: string; message: string; disconnects: boolean; interrupted?: boolean } | undefined,
): Promise<void> {
  const now = deps.clock.now();
  if (failure?.interrupted) {
    // Not the tenant's fault: no failure counted, and the next worker picks it up at once.
    await withWorkspace(deps.db, workspaceId, async (tx) => {
      await tx
        .updateTable('sync_runs')
        .set({
          status: 'failed',
          finished_at: now,
          requests: stats.requests,
          throttled: stats.throttled,
          error_code: failure.code,
          error_message: failure.message,
        })
        .where('id', '=', runId)
        .execute();
      await updateTenantState(tx, tenant.id, { next_sync_at: now });
    });
    return;
  }
  const failures = failure ? tenant.consecutiveFailures + 1 : 0;
  const paused = failure && !failure.disconnects && failures >= MAX_CONSECUTIVE_FAILURES;
  await withWorkspace(deps.db, workspaceId, async (tx) => {
    await tx
      .updateTable('sync_runs')
      .set({
        status: failure ? 'failed' : 'succeeded',
        finished_at: now,
        requests: stats.requests,
        throttled: stats.throttled,
        error_code: failure?.code ?? null,
        error_message: failure?.message ?? null,
      })
      .where('id', '=', runId)
      .execute();
    await updateTenantState(tx, tenant.id, {
      consecutive_failures: failures,
      next_sync_at: new Date(
        now.getTime() +
          (failure ? retryDelayMinutes(failures, tenant.syncIntervalMinutes) : tenant.syncIntervalMinutes) *
            60_000,
      ),
      ...(failure ? {} : { last_sync_at: now, status: 'connected', status_reason: null }),
      ...(failure?.disconnects ? { status: 'disconnected', status_reason: failure.message } : {}),
      ...(paused
        ? {
            status: 'paused',
            status_reason: `paused after ${failures} failed syncs in a row; last: ${failure.message}`,
          }
        : {}),
    });
  });
}

/** A run still `running` when the next one starts was cut short (a killed worker): say so. */
async function closeInterruptedRuns(deps: SyncDeps, workspaceId: string, tenantId: string): Promise<void> {
  await withWorkspace(deps.db, workspaceId, (tx) =>
    tx
      .updateTable('sync_runs')
      .set({
        status: 'failed',
        finished_at: deps.clock.now(),
        error_code: 'TS_ERR_SYNC_INTERRUPTED',
        error_message: 'the sync stopped before it finished (the worker ended); a later run replaced it',
      })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'running')
      .execute(),
  );
}

/** After a failure the next try comes sooner than the schedule: 15 min, 30, 60… capped at the interval. */
export function retryDelayMinutes(failures: number, intervalMinutes: number): number {
  return Math.min(intervalMinutes, 15 * 2 ** Math.max(0, failures - 1));
}

function describe(error: unknown): { code: string; message: string } {
  if (isTenantscopeError(error)) return { code: error.code, message: error.message };
  return { code: 'TS_ERR_INTERNAL', message: 'the sync failed unexpectedly; the server log has details' };
}

/** Keeps the run's progress in the database (at most once a second) for the API and the CLI. */
function progressRecorder(
  deps: SyncDeps,
  workspaceId: string,
  runId: string,
  onProgress: (e: ProgressEvent) => void,
) {
  const datasets: Record<string, { items: number; status?: string; read?: 'full' | 'delta' }> = {};
  let last = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const write = () => {
    const body = JSON.stringify({ datasets });
    writing = writing
      .then(() =>
        withWorkspace(deps.db, workspaceId, (tx) =>
          tx.updateTable('sync_runs').set({ progress: body }).where('id', '=', runId).execute(),
        ),
      )
      .catch(() => {});
    return writing;
  };
  return {
    event(e: ProgressEvent) {
      datasets[e.dataset] = {
        items: e.items,
        ...(e.phase === 'done' ? { status: e.status, ...(e.read ? { read: e.read } : {}) } : {}),
      };
      onProgress(e);
      const now = Date.now();
      if (now - last >= 1_000) {
        last = now;
        void write();
      }
    },
    flush: () => write(),
  };
}

/**
 * The analysis hooks: a failure is logged and noted on the run, never a failed sync. The run says
 * `analysis: running` then `succeeded` (or `failed`), because it is marked succeeded as soon as
 * the snapshot is complete: until the analysis ends, findings and drift are those of the run before.
 */
async function analyseAfterSync(
  deps: SyncDeps,
  workspaceId: string,
  runId: string,
  work: () => Promise<void>,
): Promise<void> {
  const note = (analysis: Record<string, string>) =>
    withWorkspace(deps.db, workspaceId, (tx) =>
      tx
        .updateTable('sync_runs')
        .set({ progress: sql<string>`progress || ${JSON.stringify({ analysis })}::jsonb` })
        .where('id', '=', runId)
        .execute(),
    ).catch(() => {});
  await note({ status: 'running' });
  try {
    await work();
    await note({ status: 'succeeded' });
  } catch (error) {
    const failure = describe(error);
    deps.logger.warn({ runId, code: failure.code, err: error }, 'analysis after sync failed');
    await note({ status: 'failed', ...failure });
  }
}

/** Minimal mode: the sync reads everything but keeps no raw data. */
function discardSink() {
  return { begin: async () => {}, append: async () => {}, finish: async () => {} };
}
