/**
 * The export's part from what analysis and delivery stored: the same places an erasure rewrites
 * (stored-rewrite.ts), read instead of changed. Rows are narrowed in SQL (stored-filter.ts) and
 * decided by the matcher; anyone else they name is replaced by "another person".
 */
import { type Kysely, sql } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { type Tx, withWorkspace } from '../storage/transactions.ts';
import { entriesNaming } from './export-fns.ts';
import type { TenantRef } from './person-resolve.ts';
import {
  type EvidenceItem,
  eventPartsOf,
  eventRelation,
  isEvidenceOf,
  mentions,
  scrub,
} from './rewrite-fns.ts';
import { type Matcher, OTHER, type Subject } from './rights-types.ts';
import { mayName, patternsOf } from './stored-filter.ts';

export interface ExportedEvent {
  id: string;
  toCollectedAt: string;
  objectKind: string;
  objectId: string;
  objectName: string;
  path: string;
  kind: string;
  severity: string;
  before: unknown;
  after: unknown;
  actor: string;
  attribution: unknown;
}

export interface StoredParts {
  findings: {
    checkId: string;
    title: string;
    severity: string;
    state: string;
    evaluatedCollectedAt: string;
    evidence: EvidenceItem[];
  }[];
  /** `about`: changes concerning the person; `by`: changes the audit log attributes to them */
  drift: { about: ExportedEvent[]; by: ExportedEvent[] };
  baselineComparisons: { id: string; collectedAt: string; events: unknown[] }[];
  standardResults: { id: string; standardId: string; collectedAt: string; results: unknown[] }[];
  alerts: {
    deliveries: {
      id: string;
      channel: string;
      kind: string;
      status: string;
      createdAt: string;
      events: unknown[];
    }[];
    emails: {
      id: string;
      kind: string;
      status: string;
      createdAt: string;
      toPerson: boolean;
      paragraphs: unknown[];
    }[];
    rules: { id: string; name: string }[];
  };
  settings: { breakGlass: boolean; armSignedInAs: boolean };
  notes: { place: string; id: string; text: string }[];
  notifications: { id: string; kind: string; createdAt: string; message: string }[];
  auditLog: { at: string; action: string; actor: string; target: string | null; detail: unknown }[];
}

interface Ctx {
  tenantId: string;
  workspaceId: string;
  m: Matcher;
  others: Matcher;
  patterns: readonly string[];
}

export async function storedParts(
  db: Kysely<Schema>,
  tenant: TenantRef,
  subject: Subject,
  m: Matcher,
  others: Matcher,
): Promise<StoredParts> {
  const c: Ctx = {
    tenantId: tenant.id,
    workspaceId: tenant.workspaceId,
    m,
    others,
    patterns: patternsOf(subject),
  };
  const run = <T>(fn: (tx: Tx) => Promise<T>) => withWorkspace(db, tenant.workspaceId, fn);
  return {
    findings: await run((tx) => findings(tx, c)),
    drift: await driftEvents(db, c),
    baselineComparisons: await run((tx) => baselineComparisons(tx, c)),
    standardResults: await run((tx) => standardResults(tx, c)),
    alerts: await run((tx) => alerts(tx, c)),
    settings: await run((tx) => settings(tx, c)),
    notes: await run((tx) => notes(tx, c)),
    notifications: await run((tx) => notifications(tx, c)),
    auditLog: await run((tx) => auditLog(tx, c)),
  };
}

const shown = (value: unknown, c: Ctx) => scrub(value, c.others, OTHER);
const text = (value: string, c: Ctx) => c.others.replaceIn(value, OTHER);

async function findings(tx: Tx, c: Ctx): Promise<StoredParts['findings']> {
  const rows = await sql<{
    check_id: string;
    title: string;
    severity: string;
    state: string;
    evaluated_collected_at: Date;
    evidence: { items: EvidenceItem[] };
  }>`
    SELECT check_id, title, severity, state, evaluated_collected_at, evidence FROM findings
    WHERE tenant_id = ${c.tenantId} AND ${mayName(sql`evidence::text || ' ' || summary`, c.patterns)}
    ORDER BY check_id`.execute(tx);
  return rows.rows.flatMap((r) => {
    const items = r.evidence.items.filter((i) => isEvidenceOf(i, c.m) || mentions(i, c.m));
    if (items.length === 0) return [];
    return [
      {
        checkId: r.check_id,
        title: r.title,
        severity: r.severity,
        state: r.state,
        evaluatedCollectedAt: new Date(r.evaluated_collected_at).toISOString(),
        evidence: items.map((i) => shown(i, c) as EvidenceItem),
      },
    ];
  });
}

async function driftEvents(db: Kysely<Schema>, c: Ctx): Promise<StoredParts['drift']> {
  const out: StoredParts['drift'] = { about: [], by: [] };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await withWorkspace(db, c.workspaceId, (tx) =>
      sql<{
        id: string;
        to_collected_at: Date;
        object_kind: string;
        object_id: string;
        object_name: string;
        path: string;
        kind: string;
        severity: string;
        before: unknown;
        after: unknown;
        attribution: unknown;
        actor_label: string;
      }>`
        SELECT id, to_collected_at, object_kind, object_id, object_name, path, kind, severity, before, after,
               attribution, actor_label
        FROM drift_events
        WHERE tenant_id = ${c.tenantId} AND id > ${after} AND ${mayName(
          sql`object_id || ' ' || object_name || ' ' || actor_label || ' ' || before::text || ' ' || after::text
              || ' ' || attribution::text`,
          c.patterns,
        )}
        ORDER BY id LIMIT 500`.execute(tx),
    );
    for (const r of rows.rows) {
      const rel = eventRelation(
        {
          objectId: r.object_id,
          objectName: r.object_name,
          before: r.before,
          after: r.after,
          attribution: r.attribution,
          actorLabel: r.actor_label,
        },
        c.m,
      );
      if (!rel.about && !rel.by) continue;
      const event = shown(
        {
          id: r.id,
          toCollectedAt: new Date(r.to_collected_at).toISOString(),
          objectKind: r.object_kind,
          objectId: r.object_id,
          objectName: r.object_name,
          path: r.path,
          kind: r.kind,
          severity: r.severity,
          before: r.before,
          after: r.after,
          actor: r.actor_label,
          attribution: r.attribution,
        },
        c,
      ) as ExportedEvent;
      if (rel.about) out.about.push(event);
      else out.by.push(event);
    }
    if (rows.rows.length < 500) return out;
    after = rows.rows[rows.rows.length - 1]!.id;
  }
}

/** Of a list of drift events (JSON), those about or by the person. */
function eventsNaming(events: unknown, c: Ctx): unknown[] {
  if (!Array.isArray(events)) return [];
  return events
    .filter((e) => {
      const parts = eventPartsOf(e);
      if (!parts) return false;
      const rel = eventRelation(parts, c.m);
      return rel.about || rel.by;
    })
    .map((e) => shown(e, c));
}

async function baselineComparisons(tx: Tx, c: Ctx): Promise<StoredParts['baselineComparisons']> {
  const rows = await sql<{ id: string; collected_at: Date; events: unknown[] }>`
    SELECT id, collected_at, events FROM baseline_comparisons
    WHERE tenant_id = ${c.tenantId} AND ${mayName(sql`events::text`, c.patterns)}
    ORDER BY collected_at DESC`.execute(tx);
  return rows.rows.flatMap((r) => {
    const events = eventsNaming(r.events, c);
    return events.length ? [{ id: r.id, collectedAt: new Date(r.collected_at).toISOString(), events }] : [];
  });
}

async function standardResults(tx: Tx, c: Ctx): Promise<StoredParts['standardResults']> {
  const rows = await sql<{ id: string; standard_id: string; collected_at: Date; results: unknown[] }>`
    SELECT id, standard_id, collected_at, results FROM standard_results
    WHERE tenant_id = ${c.tenantId} AND ${mayName(sql`results::text`, c.patterns)}
    ORDER BY collected_at DESC`.execute(tx);
  return rows.rows.flatMap((r) => {
    const results = entriesNaming(r.results, c.m, c.others);
    return results.length
      ? [
          {
            id: r.id,
            standardId: r.standard_id,
            collectedAt: new Date(r.collected_at).toISOString(),
            results,
          },
        ]
      : [];
  });
}

async function alerts(tx: Tx, c: Ctx): Promise<StoredParts['alerts']> {
  const deliveries = await sql<{
    id: string;
    channel: string;
    kind: string;
    status: string;
    created_at: Date;
    payload: { events?: unknown };
  }>`
    SELECT id, channel, kind, status, created_at, payload FROM alert_deliveries
    WHERE tenant_id = ${c.tenantId} AND ${mayName(sql`payload::text`, c.patterns)}
    ORDER BY created_at DESC`.execute(tx);
  const emails = await sql<{
    id: string;
    kind: string;
    status: string;
    created_at: Date;
    to_address: string;
    content: { paragraphs?: unknown };
  }>`
    SELECT id, kind, status, created_at, to_address, content FROM email_outbox
    WHERE workspace_id = ${c.workspaceId} AND ${mayName(sql`content::text || ' ' || to_address`, c.patterns)}
    ORDER BY created_at DESC`.execute(tx);
  const rules = await sql<{ id: string; name: string; email_to: string[] }>`
    SELECT id, name, email_to FROM alert_rules
    WHERE workspace_id = ${c.workspaceId} AND ${mayName(sql`email_to::text`, c.patterns)}`.execute(tx);
  return {
    deliveries: deliveries.rows.flatMap((r) => {
      const events = eventsNaming(r.payload.events, c);
      return events.length
        ? [
            {
              id: r.id,
              channel: r.channel,
              kind: r.kind,
              status: r.status,
              createdAt: iso(r.created_at),
              events,
            },
          ]
        : [];
    }),
    emails: emails.rows.flatMap((r) => {
      const toPerson = c.m.is(r.to_address);
      const paragraphs = entriesNaming(r.content.paragraphs, c.m, c.others);
      return toPerson || paragraphs.length
        ? [{ id: r.id, kind: r.kind, status: r.status, createdAt: iso(r.created_at), toPerson, paragraphs }]
        : [];
    }),
    rules: rules.rows
      .filter((r) => r.email_to.some((a) => c.m.is(a)))
      .map((r) => ({ id: r.id, name: r.name })),
  };
}

async function settings(tx: Tx, c: Ctx): Promise<StoredParts['settings']> {
  const exceptions = await tx
    .selectFrom('tenant_exceptions')
    .select('break_glass')
    .where('tenant_id', '=', c.tenantId)
    .executeTakeFirst();
  const arm = await tx
    .selectFrom('tenant_arm_credentials')
    .select('signed_in_as')
    .where('tenant_id', '=', c.tenantId)
    .executeTakeFirst();
  return {
    breakGlass: (exceptions?.break_glass ?? []).some((e) => c.m.is(e)),
    armSignedInAs: !!arm?.signed_in_as && c.m.is(arm.signed_in_as),
  };
}

async function notes(tx: Tx, c: Ctx): Promise<StoredParts['notes']> {
  const rows = await sql<{ place: string; id: string; text: string }>`
    SELECT 'findingAcceptance' AS place, id::text, reason AS text FROM finding_acceptances
      WHERE tenant_id = ${c.tenantId} AND ${mayName(sql`reason`, c.patterns)}
    UNION ALL
    SELECT 'driftTriage', id::text, triage_note FROM drift_events
      WHERE tenant_id = ${c.tenantId} AND triage_note IS NOT NULL AND ${mayName(sql`triage_note`, c.patterns)}
    UNION ALL
    SELECT 'baseline', tenant_id::text, note FROM tenant_baselines
      WHERE tenant_id = ${c.tenantId} AND note IS NOT NULL AND ${mayName(sql`note`, c.patterns)}`.execute(tx);
  return rows.rows
    .filter((r) => c.m.replaceIn(r.text, OTHER) !== r.text || c.m.mentionsName(r.text))
    .map((r) => ({ ...r, text: text(r.text, c) }));
}

async function notifications(tx: Tx, c: Ctx): Promise<StoredParts['notifications']> {
  const rows = await sql<{ id: string; kind: string; created_at: Date; message: string }>`
    SELECT id, kind, created_at, message FROM notifications
    WHERE tenant_id = ${c.tenantId} AND ${mayName(sql`message`, c.patterns)}`.execute(tx);
  return rows.rows
    .filter((r) => c.m.replaceIn(r.message, OTHER) !== r.message || c.m.mentionsName(r.message))
    .map((r) => ({ id: r.id, kind: r.kind, createdAt: iso(r.created_at), message: text(r.message, c) }));
}

async function auditLog(tx: Tx, c: Ctx): Promise<StoredParts['auditLog']> {
  const rows = await sql<{ at: Date; action: string; actor: string; target: string | null; detail: unknown }>`
    SELECT at, action, actor, target, detail FROM audit_log
    WHERE ${mayName(sql`coalesce(target, '') || ' ' || detail::text`, c.patterns)}
    ORDER BY at DESC, id DESC`.execute(tx);
  return rows.rows
    .filter((r) => mentions(r.detail, c.m) || (r.target !== null && mentions(r.target, c.m)))
    .map((r) => ({
      at: iso(r.at),
      action: r.action,
      actor: r.actor,
      target: r.target,
      detail: shown(r.detail, c),
    }));
}

const iso = (d: Date) => new Date(d).toISOString();
