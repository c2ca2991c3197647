/**
 * Evaluates the standards assigned to a tenant on one of its snapshots (after each analysis, and
 * on demand) and stores the results per tenant and snapshot. The evaluation is the pure
 * compareToStandard: a dataset that is not `ok` makes its rules `unknown`, never `pass`.
 */

import { compareToStandard } from '../analyse/drift/index.ts';
import type { Snapshot } from '../collect/snapshot-types.ts';
import { newId } from '../platform/ids.ts';
import { loadSnapshot } from '../snapshots/snapshot-repo.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { findTenant } from '../tenants/tenant-repo.ts';
import { BASELINE_DATASETS } from './baseline-compare.ts';
import type { PipelineDeps } from './pipeline-types.ts';
import { mustGetStandard, withOverrides } from './standard-queries.ts';

export interface StandardOutcome {
  standardId: string;
  tenantId: string;
  snapshotId: string | null;
  summary: { pass: number; deviation: number; unknown: number; skipped: number } | null;
}

/** Every standard assigned to the tenant, on the given snapshot (its newest complete one when absent). */
export async function evaluateTenantStandards(
  deps: PipelineDeps,
  target: { workspaceId: string; tenantId: string; snapshotId?: string },
  current?: Snapshot,
): Promise<StandardOutcome[]> {
  const assigned = await withWorkspace(deps.db, target.workspaceId, (tx) =>
    tx
      .selectFrom('standard_assignments')
      .select('standard_id')
      .where('tenant_id', '=', target.tenantId)
      .execute(),
  );
  const out: StandardOutcome[] = [];
  for (const a of assigned)
    out.push(await evaluateOne(deps, { ...target, standardId: a.standard_id }, current));
  return out;
}

/** One standard on every tenant it is assigned to (on demand), each on its newest complete snapshot. */
export async function evaluateStandardEverywhere(
  deps: PipelineDeps,
  workspaceId: string,
  standardId: string,
): Promise<StandardOutcome[]> {
  const view = await withWorkspace(deps.db, workspaceId, (tx) => mustGetStandard(tx, standardId));
  const out: StandardOutcome[] = [];
  for (const t of view.tenants)
    out.push(await evaluateOne(deps, { workspaceId, tenantId: t.tenantId, standardId }));
  return out;
}

async function evaluateOne(
  deps: PipelineDeps,
  target: { workspaceId: string; tenantId: string; standardId: string; snapshotId?: string },
  current?: Snapshot,
): Promise<StandardOutcome> {
  const found = await withWorkspace(deps.db, target.workspaceId, async (tx) => {
    const view = await mustGetStandard(tx, target.standardId);
    const tenant = await findTenant(tx, target.tenantId);
    let q = tx
      .selectFrom('snapshots')
      .select(['id', 'started_at'])
      .where('tenant_id', '=', target.tenantId)
      .where('status', '=', 'complete');
    if (target.snapshotId) q = q.where('id', '=', target.snapshotId);
    const snapshot = await q.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    return { view, tenant, snapshot };
  });
  const { view, tenant, snapshot } = found;
  const assignment = view.tenants.find((t) => t.tenantId === target.tenantId);
  const none = { standardId: target.standardId, tenantId: target.tenantId, snapshotId: null, summary: null };
  if (!tenant || !snapshot || !assignment) return none;
  const read =
    current ??
    (await loadSnapshot(deps.db, target.workspaceId, snapshot.id, tenant, new Set(BASELINE_DATASETS)));
  if (!read) return none;
  const standard = withOverrides(view, read.tenant.tenantId, assignment.overrides);
  const report = compareToStandard(read, standard);
  const values = {
    standard_version: view.version,
    summary: JSON.stringify(report.summary),
    results: JSON.stringify(report.results),
    evaluated_at: deps.clock.now(),
  };
  await withWorkspace(deps.db, target.workspaceId, (tx) =>
    tx
      .insertInto('standard_results')
      .values({
        id: newId(),
        workspace_id: target.workspaceId,
        standard_id: target.standardId,
        tenant_id: target.tenantId,
        snapshot_id: snapshot.id,
        collected_at: snapshot.started_at,
        ...values,
      })
      .onConflict((oc) => oc.columns(['standard_id', 'tenant_id', 'snapshot_id']).doUpdateSet(values))
      .execute(),
  );
  return {
    standardId: target.standardId,
    tenantId: target.tenantId,
    snapshotId: snapshot.id,
    summary: report.summary,
  };
}
