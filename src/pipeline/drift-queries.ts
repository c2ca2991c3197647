/**
 * Drift queries for the API: events with filters, the comparisons (what was and was not
 * compared), the timeline of one object, and triage. All inside `withWorkspace`.
 */
import type { Selectable } from 'kysely';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import type { DriftTriageState, Schema } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { markReverted } from './drift-store.ts';
import { requireTenant } from './tenant-guard.ts';

export interface DriftFilter {
  tenantId?: string;
  triage?: DriftTriageState[];
  severity?: ('high' | 'medium' | 'low')[];
  objectKind?: string[];
  kind?: ('added' | 'removed' | 'changed')[];
  /** a UPN, an app name, or `unknown` */
  actor?: string;
  /** collection time of the later snapshot, inclusive bounds */
  since?: Date;
  until?: Date;
  limit?: number;
  offset?: number;
}

export interface DriftEventView {
  id: string;
  tenantId: string;
  comparisonId: string;
  fromCollectedAt: Date;
  toCollectedAt: Date;
  objectKind: string;
  objectId: string;
  objectName: string;
  path: string;
  kind: 'added' | 'removed' | 'changed';
  severity: 'high' | 'medium' | 'low';
  before: unknown;
  after: unknown;
  attribution: Record<string, unknown>;
  actor: string;
  fingerprint: string;
  triage: {
    state: DriftTriageState;
    note: string | null;
    by: string | null;
    at: Date | null;
    /** revertedInTenant: when a later snapshot showed the old value back */
    revertSeenAt: Date | null;
  };
}

function view(r: Selectable<Schema['drift_events']>): DriftEventView {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    comparisonId: r.comparison_id,
    fromCollectedAt: r.from_collected_at,
    toCollectedAt: r.to_collected_at,
    objectKind: r.object_kind,
    objectId: r.object_id,
    objectName: r.object_name,
    path: r.path,
    kind: r.kind,
    severity: r.severity,
    before: r.before,
    after: r.after,
    attribution: r.attribution,
    actor: r.actor_label,
    fingerprint: r.fingerprint,
    triage: {
      state: r.triage_state,
      note: r.triage_note,
      by: r.triaged_by,
      at: r.triaged_at,
      revertSeenAt: r.reverted_seen_at,
    },
  };
}

/** Drift events, newest first. */
export async function listDriftEvents(tx: Tx, filter: DriftFilter): Promise<DriftEventView[]> {
  let q = tx.selectFrom('drift_events').selectAll();
  if (filter.tenantId) {
    if (!isUuid(filter.tenantId)) throw new TenantscopeError('TS_ERR_VALIDATION', 'tenant id must be a UUID');
    q = q.where('tenant_id', '=', filter.tenantId);
  }
  if (filter.triage?.length) q = q.where('triage_state', 'in', filter.triage);
  if (filter.severity?.length) q = q.where('severity', 'in', filter.severity);
  if (filter.objectKind?.length) q = q.where('object_kind', 'in', filter.objectKind);
  if (filter.kind?.length) q = q.where('kind', 'in', filter.kind);
  if (filter.actor) q = q.where('actor_label', '=', filter.actor);
  if (filter.since) q = q.where('to_collected_at', '>=', filter.since);
  if (filter.until) q = q.where('to_collected_at', '<=', filter.until);
  const rows = await q
    .orderBy('to_collected_at', 'desc')
    .orderBy('object_kind')
    .orderBy('object_id')
    .orderBy('path')
    .limit(Math.min(Math.max(filter.limit ?? 200, 1), 1000))
    .offset(Math.max(filter.offset ?? 0, 0))
    .execute();
  return rows.map(view);
}

/** The tenant's comparisons, newest first: what each sync was compared with, and what was not. */
export async function listComparisons(tx: Tx, tenantId: string, limit = 30) {
  await requireTenant(tx, tenantId);
  const rows = await tx
    .selectFrom('drift_comparisons')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('to_collected_at', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1000))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    fromSnapshotId: r.from_snapshot_id,
    toSnapshotId: r.to_snapshot_id,
    fromCollectedAt: r.from_collected_at,
    toCollectedAt: r.to_collected_at,
    compared: r.compared,
    notCompared: r.not_compared,
    summary: r.summary,
  }));
}

export interface TimelinePoint {
  collectedAt: Date;
  /** present / absent after this comparison; unknown when its kind was not compared */
  state: 'present' | 'absent' | 'unknown';
  events: DriftEventView[];
}

/**
 * One object's history: a point per comparison that changed it or could not compare its kind,
 * oldest first. Comparisons where it was compared and unchanged add no point.
 */
export async function objectTimeline(
  tx: Tx,
  tenantId: string,
  objectKind: string,
  objectId: string,
): Promise<TimelinePoint[]> {
  await requireTenant(tx, tenantId);
  const events = await tx
    .selectFrom('drift_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('object_kind', '=', objectKind)
    .where('object_id', '=', objectId)
    .orderBy('to_collected_at')
    .orderBy('path')
    .execute();
  const comparisons = await tx
    .selectFrom('drift_comparisons')
    .select(['id', 'to_collected_at', 'status', 'compared'])
    .where('tenant_id', '=', tenantId)
    .orderBy('to_collected_at')
    .execute();
  const points: TimelinePoint[] = [];
  let state: TimelinePoint['state'] = 'present';
  for (const c of comparisons) {
    const own = events.filter((e) => e.comparison_id === c.id);
    if (c.status === 'compared' && !c.compared.includes(objectKind)) {
      points.push({ collectedAt: c.to_collected_at, state: 'unknown', events: [] });
      continue;
    }
    if (own.length === 0) continue;
    const whole = own.find((e) => e.path === '');
    if (whole) state = whole.kind === 'removed' ? 'absent' : 'present';
    else state = 'present';
    points.push({ collectedAt: c.to_collected_at, state, events: own.map(view) });
  }
  return points;
}

/**
 * Records a decision on one event: accepted (the new value is expected), revertedInTenant (being
 * undone in the tenant; closed when a later snapshot shows the old value), customerSpecific (a
 * known difference; the same change seen again keeps this decision), or open again.
 */
export async function triageDriftEvent(
  tx: Tx,
  input: {
    workspaceId: string;
    eventId: string;
    state: DriftTriageState;
    note?: string;
    by: string;
    now: Date;
    ip?: string;
  },
): Promise<DriftEventView> {
  if (!['open', 'accepted', 'revertedInTenant', 'customerSpecific'].includes(input.state))
    throw new TenantscopeError(
      'TS_ERR_VALIDATION',
      'state: must be open, accepted, revertedInTenant or customerSpecific',
    );
  const note = input.note?.trim() || null;
  if (note && note.length > 2000)
    throw new TenantscopeError('TS_ERR_VALIDATION', 'note: at most 2000 characters');
  const found = isUuid(input.eventId)
    ? await tx
        .updateTable('drift_events')
        .set({
          triage_state: input.state,
          triage_note: note,
          triaged_by: input.by,
          triaged_at: input.now,
          reverted_seen_at: null,
        })
        .where('id', '=', input.eventId)
        .returning(['tenant_id'])
        .executeTakeFirst()
    : undefined;
  if (!found)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no drift event ${JSON.stringify(input.eventId)}`);
  if (input.state === 'revertedInTenant') await markReverted(tx, found.tenant_id, { eventId: input.eventId });
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.by,
    action: 'drift.triaged',
    target: input.eventId,
    ...(input.ip ? { ip: input.ip } : {}),
    detail: { state: input.state },
  });
  const row = await tx
    .selectFrom('drift_events')
    .selectAll()
    .where('id', '=', input.eventId)
    .executeTakeFirstOrThrow();
  return view(row);
}
