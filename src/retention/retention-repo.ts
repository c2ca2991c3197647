import type { Tx } from '../storage/transactions.ts';
import { DEFAULT_RETENTION, type RetentionPolicy } from './retention-policy.ts';

/** The `retention_policies` row of a workspace: no row means the defaults, nothing purged yet. */
export interface StoredRetention {
  policy: RetentionPolicy;
  updatedBy: string | null;
  updatedAt: Date | null;
  lastPurgeAt: Date | null;
  lastPurge: Record<string, number> | null;
}

export async function getRetention(tx: Tx, workspaceId: string): Promise<StoredRetention> {
  const row = await tx
    .selectFrom('retention_policies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row)
    return {
      policy: { ...DEFAULT_RETENTION },
      updatedBy: null,
      updatedAt: null,
      lastPurgeAt: null,
      lastPurge: null,
    };
  return {
    policy: {
      snapshots: row.snapshots_days,
      findings: row.findings_days,
      drift: row.drift_days,
      deliveries: row.deliveries_days,
      audit: row.audit_days,
      disconnected: row.disconnected_days,
    },
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    lastPurgeAt: row.last_purge_at,
    lastPurge: row.last_purge,
  };
}

const columnsOf = (p: RetentionPolicy) => ({
  snapshots_days: p.snapshots,
  findings_days: p.findings,
  drift_days: p.drift,
  deliveries_days: p.deliveries,
  audit_days: p.audit,
  disconnected_days: p.disconnected,
});

export async function saveRetention(
  tx: Tx,
  workspaceId: string,
  policy: RetentionPolicy,
  by: string,
  at: Date,
): Promise<void> {
  const values = { ...columnsOf(policy), updated_by: by, updated_at: at };
  await tx
    .insertInto('retention_policies')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
}

/** What the last purge deleted, kept beside the policy (a workspace without a row gets one with the defaults). */
export async function recordPurge(
  tx: Tx,
  workspaceId: string,
  policy: RetentionPolicy,
  at: Date,
  deleted: Record<string, number>,
): Promise<void> {
  const values = { last_purge_at: at, last_purge: JSON.stringify(deleted) };
  await tx
    .insertInto('retention_policies')
    .values({ workspace_id: workspaceId, ...columnsOf(policy), ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
}
