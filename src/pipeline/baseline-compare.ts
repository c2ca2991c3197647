/**
 * Compares a tenant's snapshot with its pinned baseline, after each analysis and on demand. The
 * diff is the pure one drift uses (diffSnapshots with `against: 'baseline'`): a dataset not `ok`
 * on either side is listed as not compared and yields no event. Loading happens outside any
 * transaction; storing is one short transaction.
 */

import { diffSnapshots } from '../analyse/drift/index.ts';
import type { Snapshot } from '../collect/snapshot-types.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { loadSnapshot } from '../snapshots/snapshot-repo.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { findTenant, type TenantRecord } from '../tenants/tenant-repo.ts';
import { getBaseline, storeBaselineComparison } from './baseline-queries.ts';
import type { PipelineDeps } from './pipeline-types.ts';
import { DRIFT_BEFORE_DATASETS } from './snapshot-load.ts';

/** What a baseline comparison reads of each snapshot: the tracked kinds, lookups and the audit log. */
export const BASELINE_DATASETS: readonly string[] = [...DRIFT_BEFORE_DATASETS, 'directoryAudits'];

export type BaselineOutcome =
  | { status: 'compared'; comparisonId: string; events: number; notCompared: number }
  | { status: 'noBaseline' | 'noSnapshot' | 'baselineNewer' };

export interface BaselineTarget {
  workspaceId: string;
  tenantId: string;
  /** the snapshot to compare; the tenant's newest complete one when absent */
  snapshotId?: string;
}

export async function compareWithBaseline(
  deps: PipelineDeps,
  target: BaselineTarget,
  /** the snapshot already in memory (the analysis has it); read from storage otherwise */
  current?: Snapshot,
): Promise<BaselineOutcome> {
  const found = await withWorkspace(deps.db, target.workspaceId, async (tx) => {
    const baseline = await getBaseline(tx, target.tenantId);
    const tenant = await findTenant(tx, target.tenantId);
    let q = tx
      .selectFrom('snapshots')
      .select(['id', 'started_at'])
      .where('tenant_id', '=', target.tenantId)
      .where('status', '=', 'complete');
    if (target.snapshotId) q = q.where('id', '=', target.snapshotId);
    const snapshot = await q.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    return { baseline, tenant, snapshot };
  });
  const { baseline, tenant, snapshot } = found;
  if (!tenant)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no tenant ${target.tenantId} in this workspace`);
  if (!baseline) return { status: 'noBaseline' };
  if (!snapshot) return { status: 'noSnapshot' };
  // Re-analysing a snapshot older than the pin would read as drift backwards in time.
  if (snapshot.started_at < baseline.collectedAt) return { status: 'baselineNewer' };
  const before = await load(deps, target.workspaceId, baseline.snapshotId, tenant);
  const after = current ?? (await load(deps, target.workspaceId, snapshot.id, tenant));
  const report = diffSnapshots(before, after, { against: 'baseline' });
  const comparisonId = await withWorkspace(deps.db, target.workspaceId, (tx) =>
    storeBaselineComparison(tx, {
      workspaceId: target.workspaceId,
      tenantId: target.tenantId,
      baseline: { snapshotId: baseline.snapshotId, collectedAt: baseline.collectedAt },
      snapshot: { snapshotId: snapshot.id, collectedAt: snapshot.started_at },
      report,
      now: deps.clock.now(),
    }),
  );
  return {
    status: 'compared',
    comparisonId,
    events: report.events.length,
    notCompared: report.notCompared.length,
  };
}

async function load(
  deps: PipelineDeps,
  workspaceId: string,
  snapshotId: string,
  tenant: TenantRecord,
): Promise<Snapshot> {
  const snapshot = await loadSnapshot(deps.db, workspaceId, snapshotId, tenant, new Set(BASELINE_DATASETS));
  if (!snapshot) throw new TenantscopeError('TS_ERR_NOT_FOUND', `snapshot ${snapshotId} is not complete`);
  return snapshot;
}
