import type { Kysely } from 'kysely';
import { TenantscopeError } from '../platform/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { type Tx, withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';

/**
 * Purging a disconnected (soft-deleted) tenant: everything held about it goes — snapshots and
 * their chunks, findings and their history, drift, licence summaries, sync runs, notifications,
 * its delegated ARM token and the tenant row itself. The audit log stays (it is append-only and
 * names the tenant only by id).
 *
 * How nothing else is touched: every statement runs inside `withWorkspace` (row-level security
 * limits it to the caller's workspace) and also names the workspace and the tenant explicitly.
 * Snapshot chunks go one snapshot per transaction, so a large tenant never holds the embedded
 * database for long. The last statement deletes the tenant row; its foreign keys cascade to what
 * the application role may not delete itself (append-only `finding_history`) and to tables added
 * later that hang off the tenant.
 */
export interface PurgeResult {
  tenantId: string;
  snapshots: number;
  syncRuns: number;
}

export async function purgeTenant(
  db: Kysely<Schema>,
  input: { workspaceId: string; tenantId: string; actor: string; ip?: string },
): Promise<PurgeResult> {
  const { workspaceId, tenantId } = input;
  const snapshots = await withWorkspace(db, workspaceId, async (tx) => {
    const tenant = await tx
      .selectFrom('tenants')
      .select(['id', 'status', 'microsoft_tenant_id'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', tenantId)
      .executeTakeFirst();
    if (!tenant) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such tenant');
    if (tenant.status !== 'disconnected')
      throw new TenantscopeError(
        'TS_ERR_TENANT_STATE',
        `the tenant is ${tenant.status}; disconnect it first (DELETE /api/tenants/:id), then purge`,
      );
    return tx
      .selectFrom('snapshots')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('tenant_id', '=', tenantId)
      .execute();
  });
  for (const s of snapshots)
    await withWorkspace(db, workspaceId, (tx) =>
      tx
        .deleteFrom('snapshot_chunks')
        .where('workspace_id', '=', workspaceId)
        .where('snapshot_id', '=', s.id)
        .execute(),
    );
  return withWorkspace(db, workspaceId, async (tx) => {
    const runs = await deleteOwned(tx, workspaceId, tenantId);
    await appendAudit(tx, {
      workspaceId,
      actor: input.actor,
      action: 'tenant.purged',
      target: tenantId,
      ...(input.ip ? { ip: input.ip } : {}),
      detail: { snapshots: snapshots.length, syncRuns: runs },
    });
    return { tenantId, snapshots: snapshots.length, syncRuns: runs };
  });
}

/** The tenant's rows, children first, each statement filtered by workspace and tenant. */
async function deleteOwned(tx: Tx, workspaceId: string, tenantId: string): Promise<number> {
  const runs = await tx
    .deleteFrom('sync_runs')
    .where('workspace_id', '=', workspaceId)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  for (const table of [
    'drift_events',
    'drift_comparisons',
    'finding_acceptances',
    'findings',
    'posture_scores',
    'licence_summaries',
    'analysis_runs',
    'tenant_exceptions',
    // a pinned snapshot cannot be deleted while pinned
    'tenant_baselines',
    'notifications',
    'tenant_arm_credentials',
    'tenant_credentials',
  ] as const) {
    await tx
      .deleteFrom(table)
      .where('workspace_id', '=', workspaceId)
      .where('tenant_id', '=', tenantId)
      .execute();
  }
  await tx
    .deleteFrom('snapshot_datasets')
    .where('workspace_id', '=', workspaceId)
    .where(
      'snapshot_id',
      'in',
      tx
        .selectFrom('snapshots')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('tenant_id', '=', tenantId),
    )
    .execute();
  await tx
    .deleteFrom('snapshots')
    .where('workspace_id', '=', workspaceId)
    .where('tenant_id', '=', tenantId)
    .execute();
  await tx.deleteFrom('tenants').where('workspace_id', '=', workspaceId).where('id', '=', tenantId).execute();
  return Number(runs.numDeletedRows);
}
