/**
 * What runs after the drift step of each analysis of a stored snapshot: the comparison with the
 * tenant's pinned baseline, the evaluation of its assigned standards, and the notifications the
 * new drift events call for (written to the delivery log; the job queue sends them). Each step
 * stores in its own short transaction.
 */
import { notifyDriftEvents } from '../alerts/alert-match.ts';
import type { Snapshot } from '../collect/snapshot-types.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { type BaselineOutcome, compareWithBaseline } from './baseline-compare.ts';
import type { PipelineDeps } from './pipeline-types.ts';
import { evaluateTenantStandards, type StandardOutcome } from './standard-evaluate.ts';

export interface AfterDriftOutcome {
  baseline: BaselineOutcome;
  standards: StandardOutcome[];
  /** webhook deliveries recorded for the job queue */
  notifications: number;
}

export async function afterDrift(
  deps: PipelineDeps,
  target: { workspaceId: string; tenantId: string; snapshotId: string; collectedAt: Date },
  snapshot: Snapshot,
): Promise<AfterDriftOutcome> {
  const ref = { workspaceId: target.workspaceId, tenantId: target.tenantId, snapshotId: target.snapshotId };
  const baseline = await compareWithBaseline(deps, ref, snapshot);
  const standards = await evaluateTenantStandards(deps, ref, snapshot);
  const queued = await withWorkspace(deps.db, target.workspaceId, async (tx) => {
    const comparison = await tx
      .selectFrom('drift_comparisons')
      .select('id')
      .where('tenant_id', '=', target.tenantId)
      .where('to_collected_at', '=', target.collectedAt)
      .where('status', '=', 'compared')
      .executeTakeFirst();
    if (!comparison) return [];
    return notifyDriftEvents(tx, {
      workspaceId: target.workspaceId,
      tenantId: target.tenantId,
      comparisonId: comparison.id,
      now: deps.clock.now(),
    });
  });
  return { baseline, standards, notifications: queued.length };
}
