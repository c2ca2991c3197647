/**
 * Drift results into storage: one comparison row per analysed snapshot (what was compared, what
 * was not and why) and its events. Triage decisions follow a change by its fingerprint, and a
 * change marked "reverted in tenant" is closed when a later diff shows the old value back.
 */
import type { DriftEvent, DriftReport } from '../analyse/drift/index.ts';
import { newId } from '../platform/ids.ts';
import type { Tx } from '../storage/transactions.ts';
import type { AnalysisTarget } from './pipeline-types.ts';

/** Events are written in batches, each its own short transaction (a large change can be thousands). */
export const EVENT_BATCH = 500;

export interface ComparisonInput {
  status: 'compared' | 'noPrevious' | 'minimalMode';
  from?: { snapshotId: string; collectedAt: Date };
  report?: DriftReport;
}

/**
 * Records this snapshot's comparison and returns its id. Analysing the same pair again keeps the
 * row (and so its events and their triage); a comparison against another earlier snapshot (one
 * was purged in between) replaces it.
 */
export async function storeComparison(
  tx: Tx,
  target: AnalysisTarget,
  input: ComparisonInput,
): Promise<string> {
  const values = {
    status: input.status,
    compared: JSON.stringify(input.report?.compared ?? []),
    not_compared: JSON.stringify(input.report?.notCompared ?? []),
    summary: JSON.stringify(input.report?.summary ?? {}),
  };
  const existing = await tx
    .selectFrom('drift_comparisons')
    .select(['id', 'from_snapshot_id'])
    .where('tenant_id', '=', target.tenantId)
    .where('to_collected_at', '=', target.collectedAt)
    .executeTakeFirst();
  if (existing && existing.from_snapshot_id === (input.from?.snapshotId ?? null)) {
    await tx.updateTable('drift_comparisons').set(values).where('id', '=', existing.id).execute();
    return existing.id;
  }
  if (existing) await tx.deleteFrom('drift_comparisons').where('id', '=', existing.id).execute();
  const id = newId();
  await tx
    .insertInto('drift_comparisons')
    .values({
      id,
      workspace_id: target.workspaceId,
      tenant_id: target.tenantId,
      from_snapshot_id: input.from?.snapshotId ?? null,
      to_snapshot_id: target.snapshotId,
      from_collected_at: input.from?.collectedAt ?? null,
      to_collected_at: target.collectedAt,
      ...values,
    })
    .execute();
  return id;
}

/** A UPN, an app's name, or `unknown`. */
export function actorLabel(e: DriftEvent): string {
  const a = e.attribution;
  if (a.actor === 'unknown') return 'unknown';
  if (a.actor.type === 'user')
    return a.actor.userPrincipalName ?? a.actor.displayName ?? a.actor.id ?? 'unknown';
  return a.actor.displayName ?? a.actor.appId ?? 'unknown';
}

export async function storeEvents(
  tx: Tx,
  target: AnalysisTarget,
  comparisonId: string,
  from: { snapshotId: string; collectedAt: Date },
  events: readonly DriftEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await tx
    .insertInto('drift_events')
    .values(
      events.map((e) => ({
        id: newId(),
        workspace_id: target.workspaceId,
        tenant_id: target.tenantId,
        comparison_id: comparisonId,
        from_snapshot_id: from.snapshotId,
        to_snapshot_id: target.snapshotId,
        from_collected_at: from.collectedAt,
        to_collected_at: target.collectedAt,
        object_kind: e.objectKind,
        object_id: e.objectId,
        object_name: e.objectName,
        path: e.path,
        kind: e.kind,
        severity: e.severity,
        // JSON null, never SQL NULL: reverts are found by comparing values
        before: JSON.stringify(e.before ?? null),
        after: JSON.stringify(e.after ?? null),
        attribution: JSON.stringify(e.attribution),
        actor_label: actorLabel(e),
        fingerprint: e.fingerprint,
      })),
    )
    .onConflict((oc) => oc.columns(['comparison_id', 'fingerprint']).doNothing())
    .execute();
}

/**
 * After a comparison's events are stored: a change seen again that was marked customer-specific
 * (or accepted) keeps that decision; a change marked reverted-in-tenant is closed by the event
 * that puts the old value back (same object and path, before and after swapped).
 */
export async function applyEarlierTriage(tx: Tx, tenantId: string, comparisonId: string): Promise<void> {
  await tx
    .updateTable('drift_events as n')
    .from('drift_events as o')
    .set((eb) => ({
      triage_state: eb.ref('o.triage_state'),
      triage_note: eb.ref('o.triage_note'),
      triaged_by: eb.ref('o.triaged_by'),
      triaged_at: eb.ref('o.triaged_at'),
    }))
    .whereRef('o.tenant_id', '=', 'n.tenant_id')
    .whereRef('o.fingerprint', '=', 'n.fingerprint')
    .whereRef('o.id', '<>', 'n.id')
    .where('o.triage_state', 'in', ['customerSpecific', 'accepted'])
    .where('n.comparison_id', '=', comparisonId)
    .where('n.tenant_id', '=', tenantId)
    .where('n.triage_state', '=', 'open')
    .execute();
  await markReverted(tx, tenantId, { comparisonId });
}

/**
 * Closes "reverted in tenant" events whose old value a later diff shows back: the later event on
 * the same object and path with before and after swapped. Run for a new comparison, and for one
 * event when it is triaged (the revert may already be stored).
 */
export async function markReverted(
  tx: Tx,
  tenantId: string,
  only: { comparisonId: string } | { eventId: string },
): Promise<void> {
  let query = tx
    .updateTable('drift_events as o')
    .from('drift_events as n')
    .set((eb) => ({ reverted_seen_at: eb.ref('n.to_collected_at') }))
    .whereRef('o.tenant_id', '=', 'n.tenant_id')
    .whereRef('o.object_kind', '=', 'n.object_kind')
    .whereRef('o.object_id', '=', 'n.object_id')
    .whereRef('o.path', '=', 'n.path')
    .whereRef('o.before', '=', 'n.after')
    .whereRef('o.after', '=', 'n.before')
    .whereRef('o.to_collected_at', '<', 'n.to_collected_at')
    .where('o.triage_state', '=', 'revertedInTenant')
    .where('o.reverted_seen_at', 'is', null)
    .where('o.tenant_id', '=', tenantId);
  query =
    'comparisonId' in only
      ? query.where('n.comparison_id', '=', only.comparisonId)
      : query.where('o.id', '=', only.eventId);
  await query.execute();
}
