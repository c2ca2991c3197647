/**
 * The analysis pipeline that runs after each sync: posture (findings, score), licences (summary)
 * and drift (against the tenant's previous complete snapshot). The engines are pure; this file
 * only loads, calls them and stores their results. Each store is its own short transaction: on
 * the embedded database every other query waits while one is open, so nothing here holds one
 * across loading or evaluating.
 */
import { diffSnapshots } from '../analyse/drift/index.ts';
import { analyseLicences, priceBookFor } from '../analyse/licences/index.ts';
import { evaluatePosture } from '../analyse/posture/evaluate.ts';
import type { Snapshot } from '../collect/snapshot-types.ts';
import { isTenantscopeError, TenantscopeError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { loadSnapshot } from '../snapshots/snapshot-repo.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { findTenant, type TenantRecord } from '../tenants/tenant-repo.ts';
import { afterDrift } from './baseline-hook.ts';
import { applyEarlierTriage, EVENT_BATCH, storeComparison, storeEvents } from './drift-store.ts';
import { getPriceBook, storeLicenceSummary, summariseLicences } from './licence-store.ts';
import type {
  AnalysisOutcome,
  AnalysisTarget,
  InMemoryRef,
  PipelineDeps,
  StoredSnapshotRef,
} from './pipeline-types.ts';
import { postureSettingsFor, storePosture } from './posture-store.ts';
import { DRIFT_BEFORE_DATASETS, previousSnapshot } from './snapshot-load.ts';

/** Analyses one stored, complete snapshot and stores what it finds. Safe to run again. */
export async function analyseSnapshot(deps: PipelineDeps, ref: StoredSnapshotRef): Promise<AnalysisOutcome> {
  const tenant = await tenantOf(deps, ref);
  return recorded(deps, ref, ref.snapshotId, async (runId) => {
    const snapshot = await loadSnapshot(deps.db, ref.workspaceId, ref.snapshotId, tenant);
    if (!snapshot) {
      throw new TenantscopeError('TS_ERR_NOT_FOUND', `snapshot ${ref.snapshotId} is not a complete snapshot`);
    }
    const target = { ...ref, collectedAt: new Date(snapshot.collectedAt) };
    const posture = await runPosture(deps, target, snapshot);
    const licences = await runLicences(deps, target, snapshot, tenant);
    const drift = await runDrift(deps, target, snapshot, tenant);
    // baseline comparison, standards and drift alerts (baseline-hook.ts)
    const after = await afterDrift(deps, target, snapshot);
    deps.logger.debug({ tenantId: ref.tenantId, ...after }, 'baseline, standards and alerts done');
    return { runId, posture, licences, drift };
  });
}

/**
 * Minimal mode: the read was held in memory only and is dropped after this. Findings, the score
 * and the licence summary are stored; drift cannot be, since no earlier read was kept to compare.
 */
export async function analyseInMemory(
  deps: PipelineDeps,
  ref: InMemoryRef,
  snapshot: Snapshot,
): Promise<AnalysisOutcome> {
  const tenant = await tenantOf(deps, ref);
  return recorded(deps, ref, null, async (runId) => {
    const target = { ...ref, snapshotId: null, collectedAt: new Date(snapshot.collectedAt) };
    const posture = await runPosture(deps, target, snapshot);
    const licences = await runLicences(deps, target, snapshot, tenant);
    await withWorkspace(deps.db, ref.workspaceId, (tx) =>
      storeComparison(tx, target, { status: 'minimalMode' }),
    );
    return { runId, posture, licences, drift: { status: 'minimalMode' as const, events: 0, notCompared: 0 } };
  });
}

/** The two SyncDeps hooks, wired to this pipeline. */
export function pipelineHooks(deps: PipelineDeps) {
  return {
    afterSnapshot: async (ref: StoredSnapshotRef) => {
      await analyseSnapshot(deps, ref);
    },
    analyseInMemory: async (ref: InMemoryRef, snapshot: Snapshot) => {
      await analyseInMemory(deps, ref, snapshot);
    },
  };
}

async function tenantOf(deps: PipelineDeps, ref: InMemoryRef): Promise<TenantRecord> {
  const tenant = await withWorkspace(deps.db, ref.workspaceId, (tx) => findTenant(tx, ref.tenantId));
  if (!tenant) throw new TenantscopeError('TS_ERR_NOT_FOUND', `no tenant ${ref.tenantId} in this workspace`);
  return tenant;
}

async function runPosture(deps: PipelineDeps, target: AnalysisTarget, snapshot: Snapshot) {
  const settings = await withWorkspace(deps.db, target.workspaceId, (tx) =>
    postureSettingsFor(tx, target.tenantId),
  );
  // `now` stays the snapshot's collectedAt (the default): ages and acceptance expiry are those of
  // the moment the tenant was read, so analysing the same snapshot again gives the same answer.
  const evaluation = evaluatePosture({ snapshot, settings });
  const counts = await withWorkspace(deps.db, target.workspaceId, (tx) =>
    storePosture(tx, target, evaluation),
  );
  return { evaluated: evaluation.results.length, ...counts, score: evaluation.scores.tenant.score };
}

async function runLicences(
  deps: PipelineDeps,
  target: AnalysisTarget,
  snapshot: Snapshot,
  tenant: TenantRecord,
) {
  const stored = await withWorkspace(deps.db, target.workspaceId, (tx) =>
    getPriceBook(tx, target.workspaceId),
  );
  const prices = priceBookFor(stored.book, tenant.microsoftTenantId);
  const analysis = analyseLicences(snapshot, { prices });
  const summary = summariseLicences(analysis, prices);
  await withWorkspace(deps.db, target.workspaceId, (tx) => storeLicenceSummary(tx, target, summary));
  return {
    currency: summary.currency,
    wasteMonthly: summary.totals.wasteMonthly,
    unpricedUnits: summary.totals.unpricedUnits,
  };
}

async function runDrift(
  deps: PipelineDeps,
  target: AnalysisTarget & { snapshotId: string },
  snapshot: Snapshot,
  tenant: TenantRecord,
): Promise<AnalysisOutcome['drift']> {
  const prev = await previousSnapshot(deps.db, target.workspaceId, target.tenantId, target.collectedAt);
  const before =
    prev &&
    (await loadSnapshot(deps.db, target.workspaceId, prev.id, tenant, new Set(DRIFT_BEFORE_DATASETS)));
  if (!prev || !before) {
    await withWorkspace(deps.db, target.workspaceId, (tx) =>
      storeComparison(tx, target, { status: 'noPrevious' }),
    );
    return { status: 'noPrevious', events: 0, notCompared: 0 };
  }
  const report = diffSnapshots(before, snapshot, { against: 'previous' });
  const from = { snapshotId: prev.id, collectedAt: prev.startedAt };
  const comparisonId = await withWorkspace(deps.db, target.workspaceId, (tx) =>
    storeComparison(tx, target, { status: 'compared', from, report }),
  );
  for (let i = 0; i < report.events.length; i += EVENT_BATCH) {
    const batch = report.events.slice(i, i + EVENT_BATCH);
    await withWorkspace(deps.db, target.workspaceId, (tx) =>
      storeEvents(tx, target, comparisonId, from, batch),
    );
  }
  await withWorkspace(deps.db, target.workspaceId, (tx) =>
    applyEarlierTriage(tx, target.tenantId, comparisonId),
  );
  return { status: 'compared', events: report.events.length, notCompared: report.notCompared.length };
}

/** Runs the analysis under an `analysis_runs` row that ends succeeded or failed with the reason. */
async function recorded(
  deps: PipelineDeps,
  ref: InMemoryRef,
  snapshotId: string | null,
  work: (runId: string) => Promise<AnalysisOutcome>,
): Promise<AnalysisOutcome> {
  const runId = newId();
  await withWorkspace(deps.db, ref.workspaceId, (tx) =>
    tx
      .insertInto('analysis_runs')
      .values({
        id: runId,
        workspace_id: ref.workspaceId,
        tenant_id: ref.tenantId,
        snapshot_id: snapshotId,
        status: 'running',
        started_at: deps.clock.now(),
      })
      .execute(),
  );
  const finish = (set: {
    status: 'succeeded' | 'failed';
    steps?: string;
    error_code?: string;
    error_message?: string;
  }) =>
    withWorkspace(deps.db, ref.workspaceId, (tx) =>
      tx
        .updateTable('analysis_runs')
        .set({ ...set, finished_at: deps.clock.now() })
        .where('id', '=', runId)
        .execute(),
    );
  try {
    const outcome = await work(runId);
    const { runId: _id, ...steps } = outcome;
    await finish({ status: 'succeeded', steps: JSON.stringify(steps) });
    return outcome;
  } catch (error) {
    const known = isTenantscopeError(error);
    deps.logger.warn({ tenantId: ref.tenantId, snapshotId, err: error }, 'analysis failed');
    await finish({
      status: 'failed',
      error_code: known ? error.code : 'TS_ERR_INTERNAL',
      error_message: known ? error.message : 'the analysis failed unexpectedly; the server log has details',
    }).catch(() => {});
    throw error;
  }
}
