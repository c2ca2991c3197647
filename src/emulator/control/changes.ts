import { randomUUID } from 'node:crypto';
import type {
  Actor,
  ChangeRecord,
  GraphCollections,
  GraphObject,
  GraphSingletons,
  TenantStore,
} from '../contract.ts';
import { directoryAudit, type Operation } from './audit-record.ts';

/**
 * Configuration changes made "as" a named actor, applied through the TenantStore (so delta
 * queries see them) and recorded in `auditLogs/directoryAudits` (so drift attribution can be
 * tested). `audit: false` makes a change Entra would not have logged, for the unattributed case.
 */
export type ChangeRequest = { actor: Actor; audit?: boolean } & (
  | { collection: string; id: string; patch: Record<string, unknown> }
  | { singleton: string; patch: Record<string, unknown> }
  | { collection: string; create: Record<string, unknown> }
  | { collection: string; delete: string }
);

export type ChangeResult =
  | { ok: true; change: ChangeRecord; object: GraphObject | null; audit: GraphObject | null }
  | { ok: false; status: number; code: string; message: string };

const AUDITS = 'auditLogs/directoryAudits';
/** Objects Entra soft-deletes into "deleted items"; everything else is gone at once. */
const SOFT_DELETED = new Set(['users', 'groups', 'applications', 'servicePrincipals']);

type Failure = Extract<ChangeResult, { ok: false }>;
const bad = (message: string): Failure => ({ ok: false, status: 400, code: 'BadRequest', message });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function validActor(a: unknown): a is Actor {
  if (!isObject(a)) return false;
  if (isObject(a.user)) return typeof a.user.id === 'string' && typeof a.user.userPrincipalName === 'string';
  if (isObject(a.app)) return typeof a.app.appId === 'string' && typeof a.app.displayName === 'string';
  return false;
}

export function applyChange(store: TenantStore, body: unknown, now: Date): ChangeResult {
  if (!isObject(body)) return bad('The body must be a JSON object.');
  if (!validActor(body.actor)) {
    return bad('actor must be { user: { id, userPrincipalName } } or { app: { appId, displayName } }.');
  }
  const req = body as ChangeRequest;
  const outcome = 'singleton' in req ? singleton(store, req) : collection(store, req);
  if (!outcome.ok) return outcome;
  const { change, before, after, name, op } = outcome;
  let audit: GraphObject | null = null;
  if (req.audit !== false) {
    audit = directoryAudit({ actor: req.actor, collection: name, op, before, after, at: now });
    store.upsert(AUDITS, audit);
  }
  return { ok: true, change, object: after ?? null, audit };
}

type Applied =
  | { ok: true; change: ChangeRecord; before?: GraphObject; after?: GraphObject; name: string; op: Operation }
  | Failure;

function singleton(store: TenantStore, req: { singleton: string; patch?: unknown }): Applied {
  const name = req.singleton as keyof GraphSingletons;
  const before = store.model.graph.singletons[name];
  if (!before) return bad(`Unknown singleton '${req.singleton}'.`);
  if (!isObject(req.patch)) return bad('patch must be an object.');
  const after = { ...before, ...req.patch, id: before.id };
  return {
    ok: true,
    change: store.replaceSingleton(name, after),
    before: structuredClone(before),
    after,
    name,
    op: 'Update',
  };
}

function collection(store: TenantStore, req: ChangeRequest): Applied {
  if (!('collection' in req) || typeof req.collection !== 'string')
    return bad('collection or singleton is required.');
  const name = req.collection as keyof GraphCollections;
  if (!Array.isArray(store.model.graph.collections[name]))
    return bad(`Unknown collection '${req.collection}'.`);
  if (name === AUDITS) return bad('The audit log is written by the emulator, not changed directly.');
  if ('create' in req) {
    if (!isObject(req.create)) return bad('create must be an object.');
    const id = typeof req.create.id === 'string' ? req.create.id : randomUUID();
    if (store.find(name, id))
      return { ok: false, status: 409, code: 'Conflict', message: `'${id}' already exists.` };
    const after = { ...req.create, id };
    return { ok: true, change: store.upsert(name, after), after, name, op: 'Add' };
  }
  if ('delete' in req) {
    const before = store.find(name, String(req.delete));
    const change =
      before && store.remove(name, before.id, SOFT_DELETED.has(name) ? 'softDelete' : 'hardDelete');
    if (!before || !change) return notFound(String(req.delete));
    return { ok: true, change, before, name, op: 'Delete' };
  }
  if (!('id' in req) || !isObject(req.patch)) return bad('Give id and patch, create, or delete.');
  const before = store.find(name, req.id);
  if (!before) return notFound(req.id);
  // Graph PATCH replaces top-level properties (complex values whole), which a shallow merge mirrors.
  const after = { ...before, ...req.patch, id: before.id };
  return {
    ok: true,
    change: store.upsert(name, after),
    before: structuredClone(before),
    after,
    name,
    op: 'Update',
  };
}

function notFound(id: string): Failure {
  return { ok: false, status: 404, code: 'NotFound', message: `No object '${id}' in that collection.` };
}
