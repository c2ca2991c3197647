/**
 * Erasing the person from what analysis and delivery stored about a tenant: finding evidence, drift
 * events and comparisons, baseline comparisons, standard results, alert deliveries and emails, the
 * tenant's break-glass list and delegated ARM sign-in, free-text notes and notifications. Each
 * place is its own short transaction (drift events in batches); rows are narrowed in SQL first
 * (stored-filter.ts) and decided by the matcher. The audit log is append-only and stays as it is.
 */
import { type Kysely, sql } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { type Tx, withWorkspace } from '../storage/transactions.ts';
import {
  anonymiseActor,
  type EvidenceItem,
  eventRelation,
  rewriteEventList,
  rewriteEvidence,
  scrub,
  scrubNote,
  summaryWithout,
  withoutEntries,
} from './rewrite-fns.ts';
import type { EraseCounts, Matcher, Placeholders } from './rights-types.ts';
import { mayName } from './stored-filter.ts';

export interface StoredTarget {
  db: Kysely<Schema>;
  workspaceId: string;
  tenantId: string;
  m: Matcher;
  ph: Placeholders;
  /** ILIKE patterns of the subject (stored-filter.ts) */
  patterns: readonly string[];
}

/** Drift events read per batch: small enough that a batch's transaction stays short. */
const EVENT_BATCH = 500;

/** Every place in turn; counts are added to `counts`. */
export async function rewriteStored(t: StoredTarget, counts: EraseCounts): Promise<void> {
  if (t.patterns.length === 0) return;
  await withWorkspace(t.db, t.workspaceId, (tx) => rewriteFindings(tx, t, counts));
  await rewriteDriftEvents(t, counts);
  await withWorkspace(t.db, t.workspaceId, (tx) => rewriteBaselineComparisons(tx, t, counts));
  await withWorkspace(t.db, t.workspaceId, (tx) => rewriteStandardResults(tx, t, counts));
  await withWorkspace(t.db, t.workspaceId, (tx) => rewriteAlerts(tx, t, counts));
  await withWorkspace(t.db, t.workspaceId, (tx) => rewriteSettings(tx, t, counts));
  await withWorkspace(t.db, t.workspaceId, (tx) => rewriteNotes(tx, t, counts));
}

async function rewriteFindings(tx: Tx, t: StoredTarget, counts: EraseCounts): Promise<void> {
  const rows = await sql<{ id: string; evidence: { items: EvidenceItem[]; total: number }; summary: string }>`
    SELECT id, evidence, summary FROM findings
    WHERE tenant_id = ${t.tenantId} AND ${mayName(sql`evidence::text || ' ' || summary`, t.patterns)}
    FOR UPDATE`.execute(tx);
  for (const row of rows.rows) {
    const { evidence, removed, changed } = rewriteEvidence(row.evidence, t.m, t.ph);
    const summary = t.m.replaceIn(row.summary, t.ph);
    if (!changed && summary === row.summary) continue;
    await tx
      .updateTable('findings')
      .set({ evidence: JSON.stringify(evidence), summary })
      .where('id', '=', row.id)
      .execute();
    counts.evidenceItemsRemoved += removed;
    counts.findingsChanged += 1;
  }
}

interface EventRow {
  id: string;
  comparison_id: string;
  kind: string;
  object_id: string;
  object_name: string;
  before: unknown;
  after: unknown;
  attribution: Record<string, unknown>;
  actor_label: string;
  triage_note: string | null;
}

/**
 * Events about the person are deleted (and their comparison's summary lowered); events they made
 * keep their place, attributed to the placeholder. Batches by id: deleting never skips a row.
 */
async function rewriteDriftEvents(t: StoredTarget, counts: EraseCounts): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await withWorkspace(t.db, t.workspaceId, (tx) =>
      sql<EventRow>`
        SELECT id, comparison_id, kind, object_id, object_name, before, after, attribution, actor_label, triage_note
        FROM drift_events
        WHERE tenant_id = ${t.tenantId} AND id > ${after} AND ${mayName(
          sql`object_id || ' ' || object_name || ' ' || actor_label || ' ' || before::text || ' ' || after::text
              || ' ' || attribution::text || ' ' || coalesce(triage_note, '')`,
          t.patterns,
        )}
        ORDER BY id LIMIT ${EVENT_BATCH}`.execute(tx),
    );
    if (rows.rows.length === 0) return;
    after = rows.rows[rows.rows.length - 1]!.id;
    await withWorkspace(t.db, t.workspaceId, (tx) => applyEventBatch(tx, t, rows.rows, counts));
    if (rows.rows.length < EVENT_BATCH) return;
  }
}

async function applyEventBatch(tx: Tx, t: StoredTarget, rows: EventRow[], counts: EraseCounts) {
  const deleted = new Map<string, { kind: string; attribution: unknown }[]>();
  for (const row of rows) {
    const parts = {
      objectId: row.object_id,
      objectName: row.object_name,
      before: row.before,
      after: row.after,
      attribution: row.attribution,
      actorLabel: row.actor_label,
    };
    const rel = eventRelation(parts, t.m);
    if (rel.about) {
      await tx.deleteFrom('drift_events').where('id', '=', row.id).execute();
      deleted.set(row.comparison_id, [...(deleted.get(row.comparison_id) ?? []), row]);
      counts.driftEventsDeleted += 1;
      continue;
    }
    const note = row.triage_note === null ? null : scrubNote(row.triage_note, t.m, t.ph);
    const anon = rel.by ? anonymiseActor(parts, t.m, t.ph) : undefined;
    if (!anon && note === row.triage_note) continue;
    await tx
      .updateTable('drift_events')
      .set({
        triage_note: note,
        ...(anon ? { attribution: JSON.stringify(anon.attribution), actor_label: anon.actorLabel } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    if (anon) counts.driftEventsChanged += 1;
    if (note !== row.triage_note) counts.notesChanged += 1;
  }
  for (const [comparisonId, removed] of deleted) {
    const c = await sql<{ summary: Record<string, number> }>`
      SELECT summary FROM drift_comparisons WHERE id = ${comparisonId} FOR UPDATE`.execute(tx);
    if (!c.rows[0]) continue;
    await tx
      .updateTable('drift_comparisons')
      .set({ summary: JSON.stringify(summaryWithout(c.rows[0].summary, removed)) })
      .where('id', '=', comparisonId)
      .execute();
  }
}

async function rewriteBaselineComparisons(tx: Tx, t: StoredTarget, counts: EraseCounts) {
  const rows = await sql<{ id: string; events: unknown[]; summary: Record<string, number> }>`
    SELECT id, events, summary FROM baseline_comparisons
    WHERE tenant_id = ${t.tenantId} AND ${mayName(sql`events::text`, t.patterns)}
    FOR UPDATE`.execute(tx);
  for (const row of rows.rows) {
    const out = rewriteEventList(row.events, t.m, t.ph);
    if (out.removed.length === 0 && out.changed === 0) continue;
    await tx
      .updateTable('baseline_comparisons')
      .set({
        events: JSON.stringify(out.events),
        summary: JSON.stringify(summaryWithout(row.summary, out.removed)),
      })
      .where('id', '=', row.id)
      .execute();
    counts.baselineEventsRemoved += out.removed.length;
    counts.baselineComparisonsChanged += 1;
  }
}

async function rewriteStandardResults(tx: Tx, t: StoredTarget, counts: EraseCounts) {
  const rows = await sql<{ id: string; results: unknown[] }>`
    SELECT id, results FROM standard_results
    WHERE tenant_id = ${t.tenantId} AND ${mayName(sql`results::text`, t.patterns)}
    FOR UPDATE`.execute(tx);
  for (const row of rows.rows) {
    const results = scrub(row.results, t.m, t.ph);
    if (results === row.results) continue;
    await tx
      .updateTable('standard_results')
      .set({ results: JSON.stringify(results) })
      .where('id', '=', row.id)
      .execute();
    counts.standardResultsChanged += 1;
  }
}

/**
 * Alert deliveries of the tenant (payload events as in drift), emails of the workspace that name
 * them (an email not sent yet to their address is cancelled), and alert rules' recipient lists.
 */
async function rewriteAlerts(tx: Tx, t: StoredTarget, counts: EraseCounts) {
  const deliveries = await sql<{ id: string; payload: Record<string, unknown>; target: string }>`
    SELECT id, payload, target FROM alert_deliveries
    WHERE tenant_id = ${t.tenantId} AND ${mayName(sql`payload::text || ' ' || target`, t.patterns)}
    FOR UPDATE`.execute(tx);
  for (const row of deliveries.rows) {
    const events = Array.isArray(row.payload.events)
      ? rewriteEventList(row.payload.events, t.m, t.ph).events
      : row.payload.events;
    const payload = scrub({ ...row.payload, events }, t.m, t.ph);
    const target = t.m.replaceIn(row.target, t.ph);
    if (JSON.stringify(payload) === JSON.stringify(row.payload) && target === row.target) continue;
    await tx
      .updateTable('alert_deliveries')
      .set({ payload: JSON.stringify(payload), target })
      .where('id', '=', row.id)
      .execute();
    counts.alertDeliveriesChanged += 1;
  }
  const emails = await sql<{
    id: string;
    content: Record<string, unknown>;
    to_address: string;
    status: string;
  }>`
    SELECT id, content, to_address, status FROM email_outbox
    WHERE workspace_id = ${t.workspaceId} AND ${mayName(sql`content::text || ' ' || to_address`, t.patterns)}
    FOR UPDATE`.execute(tx);
  for (const row of emails.rows) {
    const content = scrub(row.content, t.m, t.ph);
    const toThem = t.m.is(row.to_address);
    if (content === row.content && !toThem) continue;
    const unsent = row.status === 'pending' || row.status === 'queued';
    await tx
      .updateTable('email_outbox')
      .set({
        content: JSON.stringify(content),
        ...(toThem ? { to_address: t.ph.address } : {}),
        ...(toThem && unsent ? { status: 'cancelled', detail: 'cancelled: the recipient was erased' } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    counts.emailsChanged += 1;
  }
  const rules = await sql<{ id: string; email_to: string[] }>`
    SELECT id, email_to FROM alert_rules
    WHERE workspace_id = ${t.workspaceId} AND ${mayName(sql`email_to::text`, t.patterns)}
    FOR UPDATE`.execute(tx);
  for (const row of rules.rows) {
    const kept = withoutEntries(row.email_to, t.m);
    if (kept.length === row.email_to.length) continue;
    await tx
      .updateTable('alert_rules')
      .set({ email_to: JSON.stringify(kept) })
      .where('id', '=', row.id)
      .execute();
    counts.alertRecipientsRemoved += row.email_to.length - kept.length;
  }
}

/** The tenant's break-glass list, and who signed in for delegated ARM reads. */
async function rewriteSettings(tx: Tx, t: StoredTarget, counts: EraseCounts) {
  const exceptions = await sql<{ break_glass: string[] }>`
    SELECT break_glass FROM tenant_exceptions WHERE tenant_id = ${t.tenantId} FOR UPDATE`.execute(tx);
  const list = exceptions.rows[0]?.break_glass;
  if (list) {
    const kept = withoutEntries(list, t.m);
    if (kept.length !== list.length) {
      await tx
        .updateTable('tenant_exceptions')
        .set({ break_glass: JSON.stringify(kept) })
        .where('tenant_id', '=', t.tenantId)
        .execute();
      counts.breakGlassRemoved += list.length - kept.length;
    }
  }
  const arm = await tx
    .selectFrom('tenant_arm_credentials')
    .select('signed_in_as')
    .where('tenant_id', '=', t.tenantId)
    .executeTakeFirst();
  if (arm?.signed_in_as && t.m.is(arm.signed_in_as)) {
    await tx
      .updateTable('tenant_arm_credentials')
      .set({ signed_in_as: null })
      .where('tenant_id', '=', t.tenantId)
      .execute();
    counts.armSignInCleared += 1;
  }
}

/** Acceptance reasons, the baseline's note and notifications: text people typed or read. */
async function rewriteNotes(tx: Tx, t: StoredTarget, counts: EraseCounts) {
  const acceptances = await sql<{ id: string; reason: string }>`
    SELECT id, reason FROM finding_acceptances
    WHERE tenant_id = ${t.tenantId} AND ${mayName(sql`reason`, t.patterns)} FOR UPDATE`.execute(tx);
  for (const row of acceptances.rows) {
    const reason = scrubNote(row.reason, t.m, t.ph);
    if (reason === row.reason) continue;
    await tx.updateTable('finding_acceptances').set({ reason }).where('id', '=', row.id).execute();
    counts.notesChanged += 1;
  }
  const baseline = await sql<{ note: string }>`
    SELECT note FROM tenant_baselines
    WHERE tenant_id = ${t.tenantId} AND note IS NOT NULL AND ${mayName(sql`note`, t.patterns)}
    FOR UPDATE`.execute(tx);
  const note = baseline.rows[0]?.note;
  if (note !== undefined && scrubNote(note, t.m, t.ph) !== note) {
    await tx
      .updateTable('tenant_baselines')
      .set({ note: scrubNote(note, t.m, t.ph) })
      .where('tenant_id', '=', t.tenantId)
      .execute();
    counts.notesChanged += 1;
  }
  const notices = await sql<{ id: string; message: string }>`
    SELECT id, message FROM notifications
    WHERE tenant_id = ${t.tenantId} AND ${mayName(sql`message`, t.patterns)} FOR UPDATE`.execute(tx);
  for (const row of notices.rows) {
    const message = scrubNote(row.message, t.m, t.ph);
    if (message === row.message) continue;
    await tx.updateTable('notifications').set({ message }).where('id', '=', row.id).execute();
    counts.notificationsChanged += 1;
  }
}
