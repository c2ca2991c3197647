/**
 * Reading directoryAudit records (shape: graph/examples/directoryAudits.list.json): which objects
 * a record targets, what kind of operation it was, and whether its `modifiedProperties` name the
 * property a drift event is about.
 *
 * Entra writes `modifiedProperties` two ways: Conditional Access logs the whole policy as one
 * property (`ConditionalAccessPolicy`, old and new values are the policy as JSON), Core Directory
 * logs one entry per property (`AccountEnabled`, values as JSON arrays such as `[true]`).
 */

import type { PendingEvent } from './attribution.ts';
import { canonical, NSet, normalise } from './normalise.ts';
import { parsePath, propNames, valueAt } from './paths.ts';

export interface AuditRecord {
  id?: string;
  activityDisplayName?: string;
  activityDateTime?: string;
  operationType?: string;
  result?: string;
  initiatedBy?: {
    user?: { id?: string; userPrincipalName?: string; displayName?: string } | null;
    app?: { appId?: string; displayName?: string; servicePrincipalId?: string } | null;
  };
  targetResources?: {
    id?: string | null;
    modifiedProperties?: { displayName?: string; oldValue?: string | null; newValue?: string | null }[];
  }[];
}

/** Target id → records. Failed operations changed nothing, so they are left out. */
export function auditIndex(records: AuditRecord[]): Map<string, AuditRecord[]> {
  const index = new Map<string, AuditRecord[]>();
  for (const r of records) {
    if (r.result && r.result !== 'success') continue;
    for (const t of r.targetResources ?? []) {
      if (!t.id) continue;
      const list = index.get(t.id);
      if (list) list.push(r);
      else index.set(t.id, [r]);
    }
  }
  return index;
}

export type ChangeClass = 'create' | 'delete' | 'assign' | 'unassign' | 'update';

/**
 * Entra's `operationType` (Add, Update, Delete, Assign, Unassign) first, the activity's verb when
 * it is missing or generic: "Add member to role" assigns, "Delete conditional access policy"
 * deletes, "Update application – Certificates and secrets management" updates.
 */
export function changeClass(r: AuditRecord): ChangeClass {
  const op = (r.operationType ?? '').toLowerCase();
  const act = (r.activityDisplayName ?? '').toLowerCase();
  const membership = /\b(member|owner|app role assignment)\b/.test(act);
  if (op === 'assign' || (membership && act.startsWith('add'))) return 'assign';
  if (op === 'unassign' || (membership && act.startsWith('remove'))) return 'unassign';
  if (op === 'add' || /^(add|create|register)\b/.test(act)) return 'create';
  if (op === 'delete' || /^(delete|hard delete|remove)\b/.test(act)) return 'delete';
  return 'update';
}

const parse = (s: string | null | undefined): unknown => {
  if (s === null || s === undefined || s === '') return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

export function propertyMatches(r: AuditRecord, targets: Set<string>, e: PendingEvent): boolean {
  for (const t of r.targetResources ?? []) {
    if (!t.id || !targets.has(t.id)) continue;
    for (const p of t.modifiedProperties ?? []) {
      const oldValue = parse(p.oldValue);
      const newValue = parse(p.newValue);
      if (isObject(oldValue) || isObject(newValue)) {
        if (wholeObjectMatches(oldValue, newValue, e)) return true;
      } else if (nameMatches(p.displayName, e.path)) {
        return true;
      }
    }
  }
  return false;
}

/** `Policy.DisplayName` or `AccountEnabled` against the event path's property names. */
function nameMatches(displayName: string | undefined, path: string): boolean {
  const name = (displayName ?? '').split('.').pop()!.toLowerCase();
  return name.length > 0 && propNames(path).some((p) => p.toLowerCase() === name);
}

/** The old and new objects logged whole: does the change between them produce this event? */
function wholeObjectMatches(oldValue: unknown, newValue: unknown, e: PendingEvent): boolean {
  if (e.path === '') return e.kind === 'added' ? oldValue === null : newValue === null;
  const segments = parsePath(e.path);
  if ('error' in segments) return false;
  const o = valueAt(normalise(oldValue, e.rules), segments);
  const n = valueAt(normalise(newValue, e.rules), segments);
  if (
    e.member !== undefined &&
    (o === undefined || o instanceof NSet) &&
    (n === undefined || n instanceof NSet)
  ) {
    const had = o?.members.has(e.member) ?? false;
    const has = n?.members.has(e.member) ?? false;
    return e.kind === 'added' ? !had && has : had && !has;
  }
  if (e.kind === 'added') return o === undefined && n !== undefined;
  if (e.kind === 'removed') return o !== undefined && n === undefined;
  return canonical(o) !== canonical(n) && canonical(n) === JSON.stringify(e.after ?? null);
}
