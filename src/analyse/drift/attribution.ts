/**
 * Who made each change: a join of drift events with the later snapshot's `directoryAudits`
 * (graph-protocol.md §4: `initiatedBy`, `targetResources[].id`, `modifiedProperties`) within the
 * window between the two snapshots. When the log cannot say, the actor is `unknown` with the
 * reason — never a guess from a nearby record of another object.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { type AuditRecord, auditIndex, changeClass, propertyMatches } from './audit-match.ts';
import type {
  Actor,
  Attribution,
  Confidence,
  DriftEvent,
  KnownAttribution,
  UnknownAttribution,
} from './drift-types.ts';
import type { ShapeRules } from './normalise.ts';

export type PendingEvent = Omit<DriftEvent, 'attribution'> & {
  auditIds: string[];
  rules: ShapeRules;
  /** the set member or keyed entry the event is about */
  member?: string;
  /** true when a set member is itself a target of audit records (role membership) */
  memberTargets: boolean;
};

export interface AttributionContext {
  from: Snapshot;
  to: Snapshot;
  enabled: boolean;
  coverageDays: number;
}

const RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const unknown = (reason: UnknownAttribution['reason'], detail: string): UnknownAttribution => ({
  actor: 'unknown',
  reason,
  detail,
});

export function attributeEvents(events: PendingEvent[], ctx: AttributionContext): Attribution[] {
  const audits = ctx.to.datasets.directoryAudits;
  if (!ctx.enabled) return events.map(() => unknown('auditLogNotAvailable', 'attribution was not asked for'));
  if (audits?.status !== 'ok') {
    const why = audits
      ? `directoryAudits is ${audits.status} in the later snapshot${audits.error ? ` (${audits.error.code})` : ''}`
      : 'the later snapshot has no directoryAudits dataset';
    return events.map(() => unknown('auditLogNotAvailable', why));
  }
  const index = auditIndex(audits.items as AuditRecord[]);
  const start = Date.parse(ctx.from.collectedAt);
  const end = Date.parse(ctx.to.collectedAt);
  const coverageStart = end - ctx.coverageDays * 86_400_000;
  return events.map((e) => attributeOne(e, index, { start, end, coverageStart }));
}

interface Window {
  start: number;
  end: number;
  coverageStart: number;
}

function attributeOne(e: PendingEvent, index: Map<string, AuditRecord[]>, w: Window): Attribution {
  const targets = new Set(e.auditIds);
  if (e.memberTargets && typeof (e.after ?? e.before) === 'string') targets.add(String(e.after ?? e.before));
  const seen = new Set<AuditRecord>();
  for (const id of targets) for (const r of index.get(id) ?? []) seen.add(r);
  const inWindow: { r: AuditRecord; t: number }[] = [];
  let later = 0;
  for (const r of seen) {
    const t = Date.parse(r.activityDateTime ?? '');
    if (t > w.start && t <= w.end) inWindow.push({ r, t });
    else if (t > w.end) later += 1;
  }
  if (inWindow.length === 0) return noMatch(later, w);
  let best: { r: AuditRecord; t: number; c: Confidence } | undefined;
  for (const { r, t } of inWindow) {
    const c = confidenceOf(r, e, targets);
    if (!best || RANK[c] > RANK[best.c] || (RANK[c] === RANK[best.c] && t > best.t)) best = { r, t, c };
  }
  return known(best!.r, best!.c, inWindow.length - 1);
}

function noMatch(later: number, w: Window): UnknownAttribution {
  if (later > 0)
    return unknown(
      'recordAfterSnapshot',
      'the only audit records for this object are dated after the later snapshot started',
    );
  if (w.start < w.coverageStart)
    return unknown(
      'beyondRetention',
      'the window starts before the oldest audit record the later snapshot holds (audit retention)',
    );
  return unknown(
    'noRecord',
    'no audit record in the window targets this object (not logged, or not yet ingested by Microsoft)',
  );
}

function confidenceOf(r: AuditRecord, e: PendingEvent, targets: Set<string>): Confidence {
  if (propertyMatches(r, targets, e)) return 'high';
  return consistent(changeClass(r), e) ? 'medium' : 'low';
}

/** Whether the record's kind of operation can have produced this kind of drift event. */
function consistent(c: ReturnType<typeof changeClass>, e: PendingEvent): boolean {
  if (e.path === '' && e.kind === 'added') return c === 'create' || c === 'assign';
  if (e.path === '' && e.kind === 'removed') return c === 'delete' || c === 'unassign';
  return c === 'update' || c === 'assign' || c === 'unassign';
}

function known(r: AuditRecord, confidence: Confidence, otherCandidates: number): KnownAttribution {
  return {
    actor: actorOf(r),
    at: r.activityDateTime ?? '',
    activity: r.activityDisplayName ?? '',
    auditId: r.id ?? '',
    confidence,
    otherCandidates,
  };
}

function actorOf(r: AuditRecord): Actor {
  const u = r.initiatedBy?.user;
  if (u) {
    return {
      type: 'user',
      id: u.id ?? null,
      userPrincipalName: u.userPrincipalName ?? null,
      displayName: u.displayName ?? null,
    };
  }
  const a = r.initiatedBy?.app;
  return {
    type: 'app',
    appId: a?.appId ?? null,
    displayName: a?.displayName ?? null,
    servicePrincipalId: a?.servicePrincipalId ?? null,
  };
}
