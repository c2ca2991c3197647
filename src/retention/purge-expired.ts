import { type Kysely, sql } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem } from '../storage/transactions.ts';
import { purgeTenant } from '../tenants/purge-service.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { DEFAULT_RETENTION, type RetentionPolicy, retentionCutoffs } from './retention-policy.ts';
import { getRetention, recordPurge } from './retention-repo.ts';

/** How many rows of each kind one purge deleted. */
export type PurgeCounts = Record<string, number>;

/** The actor written to the audit log for what retention deletes. */
export const RETENTION_ACTOR = 'system:retention';

/**
 * Deletes what a workspace's retention policy says is due, and records it. Runs as the owning
 * role (`withSystem`: the audit log and finding history are append-only for the application
 * role), so every statement names the workspace itself. Snapshots go one per transaction (their
 * chunks are the bulk of the data), so the embedded database is never held for long.
 *
 * Always kept, whatever their age: the latest complete snapshot of each tenant (the next sync
 * diffs against it) and a pinned baseline; the latest score, licence summary, baseline
 * comparison and standard result of each tenant (the pages show them); a sync still running.
 */
export async function purgeWorkspace(
  db: Kysely<Schema>,
  workspaceId: string,
  now: Date,
): Promise<{ policy: RetentionPolicy; deleted: PurgeCounts }> {
  const { policy } = await withSystem(db, (tx) => getRetention(tx, workspaceId));
  const cut = retentionCutoffs(policy, now);
  const deleted: PurgeCounts = {};
  const add = (key: string, n: bigint | number | undefined) => {
    deleted[key] = (deleted[key] ?? 0) + Number(n ?? 0);
  };

  add('tenants', await purgeDisconnected(db, workspaceId, cut.disconnected));
  add('snapshots', await purgeSnapshots(db, workspaceId, cut.snapshots));
  await withSystem(db, async (tx) => {
    for (const [key, query] of Object.entries(statements(workspaceId, cut)))
      add(key, (await query.execute(tx)).numAffectedRows);
  });

  await withSystem(db, async (tx) => {
    await recordPurge(tx, workspaceId, policy, now, deleted);
    // an hourly purge that found nothing due would only fill the log it protects
    if (Object.values(deleted).some((n) => n > 0))
      await appendAudit(tx, {
        workspaceId,
        actor: RETENTION_ACTOR,
        action: 'retention.purged',
        detail: deleted,
      });
  });
  return { policy, deleted };
}

/** Every workspace in turn; one failing workspace is logged and the others still run. */
export async function purgeAllWorkspaces(deps: {
  db: Kysely<Schema>;
  clock: Clock;
  logger: Logger;
}): Promise<number> {
  const workspaces = await withSystem(deps.db, (tx) => tx.selectFrom('workspaces').select('id').execute());
  let failed = 0;
  for (const { id } of workspaces) {
    try {
      const { deleted } = await purgeWorkspace(deps.db, id, deps.clock.now());
      if (Object.values(deleted).some((n) => n > 0))
        deps.logger.info({ workspaceId: id, deleted }, 'retention purge');
    } catch (err) {
      failed++;
      deps.logger.error({ err, workspaceId: id }, 'retention purge failed');
    }
  }
  // emails outside any workspace (a password reset) follow the default for deliveries
  const before = retentionCutoffs(DEFAULT_RETENTION, deps.clock.now()).deliveries;
  await withSystem(deps.db, (tx) =>
    sql`DELETE FROM email_outbox WHERE workspace_id IS NULL
      AND status IN ('sent', 'failed', 'expired', 'cancelled') AND created_at < ${before}`.execute(tx),
  );
  return failed;
}

async function purgeDisconnected(db: Kysely<Schema>, workspaceId: string, before: Date): Promise<number> {
  const due = await withSystem(db, (tx) =>
    tx
      .selectFrom('tenants')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'disconnected')
      .where('disconnected_at', '<', before)
      .execute(),
  );
  for (const t of due) await purgeTenant(db, { workspaceId, tenantId: t.id, actor: RETENTION_ACTOR });
  return due.length;
}

async function purgeSnapshots(db: Kysely<Schema>, workspaceId: string, before: Date): Promise<number> {
  const due = await withSystem(db, (tx) =>
    sql<{ id: string }>`
      SELECT s.id FROM snapshots s
      WHERE s.workspace_id = ${workspaceId}
        AND s.status IN ('complete', 'abandoned')
        AND coalesce(s.completed_at, s.started_at) < ${before}
        AND s.id NOT IN (SELECT snapshot_id FROM tenant_baselines WHERE workspace_id = ${workspaceId})
        AND s.id NOT IN (
          SELECT DISTINCT ON (tenant_id) id FROM snapshots
          WHERE workspace_id = ${workspaceId} AND status = 'complete'
          ORDER BY tenant_id, completed_at DESC)`.execute(tx),
  );
  for (const { id } of due.rows)
    await withSystem(db, async (tx) => {
      await tx
        .deleteFrom('snapshot_chunks')
        .where('workspace_id', '=', workspaceId)
        .where('snapshot_id', '=', id)
        .execute();
      await tx.deleteFrom('snapshots').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    });
  return due.rows.length;
}

/** Older than the cut-off, but not the newest row of its tenant (or of its standard and tenant). */
function olderButNotLatest(
  table: string,
  workspaceId: string,
  column: string,
  before: Date,
  per = 'tenant_id',
) {
  return sql`
    DELETE FROM ${sql.table(table)}
    WHERE workspace_id = ${workspaceId} AND ${sql.ref(column)} < ${before}
      AND id NOT IN (
        SELECT DISTINCT ON (${sql.raw(per)}) id FROM ${sql.table(table)}
        WHERE workspace_id = ${workspaceId} ORDER BY ${sql.raw(per)}, ${sql.ref(column)} DESC)`;
}

function statements(workspaceId: string, cut: Record<keyof RetentionPolicy, Date>) {
  const w = workspaceId;
  return {
    findingHistory: sql`DELETE FROM finding_history WHERE workspace_id = ${w} AND collected_at < ${cut.findings}`,
    retiredFindings: sql`DELETE FROM findings
      WHERE workspace_id = ${w} AND state = 'retired' AND evaluated_collected_at < ${cut.findings}`,
    postureScores: olderButNotLatest('posture_scores', w, 'collected_at', cut.findings),
    licenceSummaries: olderButNotLatest('licence_summaries', w, 'collected_at', cut.findings),
    syncRuns: sql`DELETE FROM sync_runs WHERE workspace_id = ${w} AND status <> 'running' AND started_at < ${cut.findings}`,
    analysisRuns: sql`DELETE FROM analysis_runs
      WHERE workspace_id = ${w} AND status <> 'running' AND started_at < ${cut.findings}`,
    driftEvents: sql`DELETE FROM drift_events WHERE workspace_id = ${w} AND to_collected_at < ${cut.drift}`,
    driftComparisons: sql`DELETE FROM drift_comparisons WHERE workspace_id = ${w} AND to_collected_at < ${cut.drift}`,
    baselineComparisons: olderButNotLatest('baseline_comparisons', w, 'collected_at', cut.drift),
    standardResults: olderButNotLatest(
      'standard_results',
      w,
      'collected_at',
      cut.drift,
      'standard_id, tenant_id',
    ),
    alertDeliveries: sql`DELETE FROM alert_deliveries
      WHERE workspace_id = ${w} AND status IN ('delivered', 'failed') AND created_at < ${cut.deliveries}`,
    emails: sql`DELETE FROM email_outbox
      WHERE workspace_id = ${w} AND status IN ('sent', 'failed', 'expired', 'cancelled') AND created_at < ${cut.deliveries}`,
    auditLog: sql`DELETE FROM audit_log WHERE workspace_id = ${w} AND at < ${cut.audit}`,
  };
}
