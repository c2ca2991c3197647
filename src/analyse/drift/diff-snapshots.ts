/**
 * `diffSnapshots(before, after)`: the drift between two snapshots of one tenant — the previous
 * one, or a pinned baseline (the same function). Pure: no I/O, no clock.
 *
 * Trustworthy first: a dataset that is not `ok` on either side compares nothing (its objects
 * are neither removed nor added) and is listed under `notCompared` with the reason.
 */
import { createHash } from 'node:crypto';
import type { DatasetResult, Snapshot } from '../../collect/snapshot-types.ts';
import { attributeEvents, type PendingEvent } from './attribution.ts';
import { diffValues } from './diff-values.ts';
import type { DiffOptions, DriftEvent, DriftReport, NotCompared } from './drift-types.ts';
import { createLookups, type Lookups } from './lookups.ts';
import { canonical, normalise, toPlain } from './normalise.ts';
import { OBJECT_KINDS, type ObjectKind, type TrackedObject } from './object-kinds.ts';

export function diffSnapshots(before: Snapshot, after: Snapshot, options: DiffOptions = {}): DriftReport {
  const lookupsBefore = createLookups(before);
  const lookupsAfter = createLookups(after);
  const notCompared = new Map<string, NotCompared>();
  const compared: string[] = [];
  const pending: PendingEvent[] = [];
  for (const kind of OBJECT_KINDS) {
    const a = before.datasets[kind.dataset];
    const b = after.datasets[kind.dataset];
    if (a?.status !== 'ok' || b?.status !== 'ok') {
      addNotCompared(notCompared, kind, a, b);
      continue;
    }
    compared.push(kind.kind);
    diffKind(kind, kind.extract(a.items, lookupsBefore), kind.extract(b.items, lookupsAfter), pending);
  }
  const attributions = attributeEvents(pending, {
    from: before,
    to: after,
    enabled: options.attribute !== false,
    coverageDays: options.auditCoverageDays ?? 30,
  });
  const events: DriftEvent[] = pending.map((p, i) => ({
    kind: p.kind,
    objectKind: p.objectKind,
    objectId: p.objectId,
    objectName: p.objectName,
    path: p.path,
    before: p.before,
    after: p.after,
    severity: p.severity,
    fingerprint: p.fingerprint,
    attribution: attributions[i]!,
  }));
  const count = (k: DriftEvent['kind']) => events.filter((e) => e.kind === k).length;
  const unknown = events.filter((e) => e.attribution.actor === 'unknown').length;
  return {
    tenantId: after.tenant.tenantId,
    against: options.against ?? 'previous',
    from: { collectedAt: before.collectedAt },
    to: { collectedAt: after.collectedAt },
    events,
    notCompared: [...notCompared.values()],
    compared,
    names: namesFor(events, lookupsAfter, lookupsBefore),
    summary: {
      added: count('added'),
      removed: count('removed'),
      changed: count('changed'),
      attributed: events.length - unknown,
      unknown,
    },
  };
}

function addNotCompared(
  into: Map<string, NotCompared>,
  kind: ObjectKind,
  a: DatasetResult | undefined,
  b: DatasetResult | undefined,
): void {
  const existing = into.get(kind.dataset);
  if (existing) {
    existing.objectKinds.push(kind.kind);
    return;
  }
  into.set(kind.dataset, {
    dataset: kind.dataset,
    objectKinds: [kind.kind],
    fromStatus: a?.status ?? 'missing',
    toStatus: b?.status ?? 'missing',
    reason: notComparedReason(a, b),
  });
}

/** "error in the later snapshot (TS_ERR_MS_UNAVAILABLE)", "notLicensed in both snapshots (…)". */
function notComparedReason(a: DatasetResult | undefined, b: DatasetResult | undefined): string {
  const state = (d: DatasetResult | undefined) =>
    !d ? 'missing' : d.status === 'ok' ? undefined : `${d.status}${d.error ? ` (${d.error.code})` : ''}`;
  const [sa, sb] = [state(a), state(b)];
  if (sa && sa === sb) return `${sa} in both snapshots`;
  return [sa && `${sa} in the earlier snapshot`, sb && `${sb} in the later snapshot`]
    .filter(Boolean)
    .join('; ');
}

function diffKind(
  kind: ObjectKind,
  before: TrackedObject[],
  after: TrackedObject[],
  out: PendingEvent[],
): void {
  const previous = new Map(before.map((o) => [o.id, o]));
  const base = (o: TrackedObject) => ({
    objectKind: kind.kind,
    objectId: o.id,
    objectName: o.name,
    severity: kind.severity,
    auditIds: o.auditIds,
    rules: kind.rules,
    memberTargets: kind.kind === 'directoryRoleMembers',
  });
  for (const o of after) {
    const old = previous.get(o.id);
    previous.delete(o.id);
    const nb = normalise(o.value, kind.rules);
    if (!old) {
      out.push(withFingerprint({ ...base(o), kind: 'added', path: '', before: null, after: toPlain(nb) }));
      continue;
    }
    const na = normalise(old.value, kind.rules);
    if (canonical(na) === canonical(nb)) continue;
    for (const c of diffValues(na, nb)) out.push(withFingerprint({ ...base(o), ...c }));
  }
  for (const o of previous.values()) {
    const na = normalise(o.value, kind.rules);
    out.push(withFingerprint({ ...base(o), kind: 'removed', path: '', before: toPlain(na), after: null }));
  }
}

function withFingerprint(e: Omit<PendingEvent, 'fingerprint'>): PendingEvent {
  const what = e.member ?? (e.kind === 'changed' ? JSON.stringify(e.after) : '');
  const fingerprint = createHash('sha256')
    .update([e.objectKind, e.objectId, e.kind, e.path, what].join('\u0000'))
    .digest('base64url')
    .slice(0, 22);
  return { ...e, fingerprint };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAMES = 5_000;

/** Labels for the directory ids in event values, so a person reads "alice@…" rather than a GUID. */
function namesFor(events: DriftEvent[], ...lookups: Lookups[]): Record<string, string> {
  const wanted = new Set<string>();
  const visit = (v: unknown): void => {
    if (wanted.size >= MAX_NAMES) return;
    if (typeof v === 'string') {
      if (GUID.test(v)) wanted.add(v);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  for (const e of events) {
    visit(e.before);
    visit(e.after);
  }
  const names: Record<string, string> = {};
  for (const id of wanted) {
    for (const l of lookups) {
      const name = l.anyName(id);
      if (name) {
        names[id] = name;
        break;
      }
    }
  }
  return names;
}
