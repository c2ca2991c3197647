/**
 * Baselines: one pinned snapshot per tenant, and the stored comparisons of later snapshots with
 * it. Every function takes the workspace transaction; pinning, replacing and removing a pin are
 * written to the audit log.
 */
import type { DriftReport } from '../analyse/drift/index.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid, newId } from '../platform/ids.ts';
import type { Tx } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { requireTenant } from './tenant-guard.ts';

/** Comparisons kept per tenant: the newest are what the API shows; older ones only grow the table. */
export const BASELINE_COMPARISONS_KEPT = 30;

export interface BaselineView {
  tenantId: string;
  snapshotId: string;
  collectedAt: Date;
  note: string | null;
  pinnedBy: string;
  pinnedAt: Date;
}

export async function getBaseline(tx: Tx, tenantId: string): Promise<BaselineView | null> {
  await requireTenant(tx, tenantId);
  const row = await tx
    .selectFrom('tenant_baselines')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row
    ? {
        tenantId: row.tenant_id,
        snapshotId: row.snapshot_id,
        collectedAt: row.collected_at,
        note: row.note,
        pinnedBy: row.pinned_by,
        pinnedAt: row.pinned_at,
      }
    : null;
}

export interface PinInput {
  workspaceId: string;
  tenantId: string;
  /** a complete snapshot of this tenant; the newest complete one when absent */
  snapshotId?: string;
  note?: string;
  by: string;
  now: Date;
  ip?: string;
}

/** Pins a snapshot as the tenant's baseline, replacing any earlier pin (audited as a replacement). */
export async function pinBaseline(tx: Tx, input: PinInput): Promise<BaselineView> {
  await requireTenant(tx, input.tenantId);
  const note = input.note?.trim() || null;
  if (note && note.length > 2000)
    throw new TenantscopeError('TS_ERR_VALIDATION', 'note: at most 2000 characters');
  const snapshot = await completeSnapshotOf(tx, input.tenantId, input.snapshotId);
  const previous = await tx
    .selectFrom('tenant_baselines')
    .select('snapshot_id')
    .where('tenant_id', '=', input.tenantId)
    .executeTakeFirst();
  const values = {
    snapshot_id: snapshot.id,
    collected_at: snapshot.started_at,
    note,
    pinned_by: input.by,
    pinned_at: input.now,
  };
  await tx
    .insertInto('tenant_baselines')
    .values({ tenant_id: input.tenantId, workspace_id: input.workspaceId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
    .execute();
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.by,
    action: previous ? 'baseline.replaced' : 'baseline.pinned',
    target: input.tenantId,
    ...(input.ip ? { ip: input.ip } : {}),
    detail: { snapshotId: snapshot.id, ...(previous ? { previousSnapshotId: previous.snapshot_id } : {}) },
  });
  return (await getBaseline(tx, input.tenantId))!;
}

/** Unpins the baseline; stored comparisons stay for the record. False when there was none. */
export async function removeBaseline(
  tx: Tx,
  input: { workspaceId: string; tenantId: string; by: string; ip?: string },
): Promise<boolean> {
  await requireTenant(tx, input.tenantId);
  const removed = await tx
    .deleteFrom('tenant_baselines')
    .where('tenant_id', '=', input.tenantId)
    .returning('snapshot_id')
    .executeTakeFirst();
  if (!removed) return false;
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.by,
    action: 'baseline.removed',
    target: input.tenantId,
    ...(input.ip ? { ip: input.ip } : {}),
    detail: { snapshotId: removed.snapshot_id },
  });
  return true;
}

async function completeSnapshotOf(tx: Tx, tenantId: string, snapshotId: string | undefined) {
  if (snapshotId !== undefined && !isUuid(snapshotId))
    throw new TenantscopeError('TS_ERR_VALIDATION', 'snapshotId: must be a UUID');
  let q = tx
    .selectFrom('snapshots')
    .select(['id', 'started_at'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'complete');
  if (snapshotId) q = q.where('id', '=', snapshotId);
  const row = await q.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  if (!row)
    throw new TenantscopeError(
      'TS_ERR_NOT_FOUND',
      snapshotId
        ? `no complete snapshot ${JSON.stringify(snapshotId)} of this tenant`
        : 'the tenant has no complete snapshot yet: sync it first',
    );
  return row;
}

export interface BaselineComparisonInput {
  workspaceId: string;
  tenantId: string;
  baseline: { snapshotId: string; collectedAt: Date };
  snapshot: { snapshotId: string; collectedAt: Date };
  report: DriftReport;
  now: Date;
}

/** Stores (or refreshes) the comparison of one snapshot with the baseline, and prunes old ones. */
export async function storeBaselineComparison(tx: Tx, input: BaselineComparisonInput): Promise<string> {
  const values = {
    compared: JSON.stringify(input.report.compared),
    not_compared: JSON.stringify(input.report.notCompared),
    summary: JSON.stringify(input.report.summary),
    events: JSON.stringify(input.report.events),
    compared_at: input.now,
  };
  const row = await tx
    .insertInto('baseline_comparisons')
    .values({
      id: newId(),
      workspace_id: input.workspaceId,
      tenant_id: input.tenantId,
      baseline_snapshot_id: input.baseline.snapshotId,
      baseline_collected_at: input.baseline.collectedAt,
      snapshot_id: input.snapshot.snapshotId,
      collected_at: input.snapshot.collectedAt,
      ...values,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'baseline_snapshot_id', 'snapshot_id']).doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  const keep = tx
    .selectFrom('baseline_comparisons')
    .select('id')
    .where('tenant_id', '=', input.tenantId)
    .orderBy('collected_at', 'desc')
    .limit(BASELINE_COMPARISONS_KEPT);
  await tx
    .deleteFrom('baseline_comparisons')
    .where('tenant_id', '=', input.tenantId)
    .where('id', 'not in', keep)
    .execute();
  return row.id;
}

export interface BaselineComparisonView {
  id: string;
  baselineSnapshotId: string;
  baselineCollectedAt: Date;
  snapshotId: string;
  collectedAt: Date;
  comparedAt: Date;
  compared: string[];
  notCompared: unknown[];
  summary: Record<string, number>;
  events: unknown[];
}

/** The newest comparison with the baseline pinned now (older pins' comparisons are history). */
export async function latestBaselineComparison(
  tx: Tx,
  tenantId: string,
): Promise<BaselineComparisonView | null> {
  const baseline = await getBaseline(tx, tenantId);
  if (!baseline) return null;
  const r = await tx
    .selectFrom('baseline_comparisons')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('baseline_snapshot_id', '=', baseline.snapshotId)
    .orderBy('collected_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        baselineSnapshotId: r.baseline_snapshot_id,
        baselineCollectedAt: r.baseline_collected_at,
        snapshotId: r.snapshot_id,
        collectedAt: r.collected_at,
        comparedAt: r.compared_at,
        compared: r.compared,
        notCompared: r.not_compared,
        summary: r.summary,
        events: r.events,
      }
    : null;
}
