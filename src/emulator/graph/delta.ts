import type {
  ChangeRecord,
  EmulatorRequest,
  EmulatorResponse,
  GraphCollections,
  GraphObject,
  Route,
  TenantStore,
} from '../contract.ts';
import { graphError, jsonObjects } from '../server/http.ts';
import { errorResponse, ODATA_HEADERS } from './collection.ts';
import { badRequest } from './errors.ts';
import { parseQuery } from './odata-query.ts';
import { contextUrl, resumeIndex, versionOf } from './paging.ts';
import { project } from './projection.ts';
import { canonicalSelect } from './query-rules.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { APPLICATIONS, GROUPS, SERVICE_PRINCIPALS, USERS } from './resources.ts';
import { directoryCost, graphGet, type Kit, ROLES, roles } from './route-kit.ts';

/**
 * Delta queries (delta-query-overview.md, user-delta.md): the first round pages the whole
 * collection and ends with `@odata.deltaLink`; a later round returns only what changed since,
 * removed objects as `{"id", "@removed": {"reason": "changed" | "deleted"}}`. Tokens carry the
 * store's change sequence and the query options ("specify them only in the first request"), so
 * links hold nothing but the token.
 */
interface DeltaState extends Record<string, unknown> {
  k: 'delta' | 'dskip';
  r: string;
  /** initial round: snapshot seq; change round: changes after this seq */
  s: number;
  /** change round: changes up to this seq */
  to?: number;
  phase?: 'initial' | 'changes';
  o?: number;
  /** initial round: id of the last object sent */
  l?: string;
  sel?: string[];
  mem?: boolean;
}

const DELTA_RESOURCES: [ResourceSpec, readonly string[], number][] = [
  [USERS, ROLES.users, 2],
  [GROUPS, ROLES.groups, 1],
  [SERVICE_PRINCIPALS, ROLES.applications, 1],
  [APPLICATIONS, ROLES.applications, 2],
];

export function deltaRoutes(kit: Kit): Route[] {
  return DELTA_RESOURCES.flatMap(([spec, anyOf, cost]) =>
    graphGet(
      `${spec.path}/delta`,
      { anyOfRoles: roles(anyOf), throttle: directoryCost(cost) },
      (req, store) => handleDelta(kit, spec, req, store),
    ),
  );
}

function handleDelta(
  kit: Kit,
  spec: ResourceSpec,
  req: EmulatorRequest,
  store: TenantStore,
): EmulatorResponse {
  try {
    const query = parseQuery(req.url, req.headers);
    if (query.orderby.length > 0) throw badRequest('$orderby is not supported with delta queries.');
    const size = pageSizeOf(req, spec);
    if (query.skiptoken)
      return page(kit, spec, req, store, openState(kit, spec, query.skiptoken, 'dskip'), size);
    const sel = query.select ? canonicalSelect(spec, query.select) : undefined;
    const mem = spec === GROUPS && query.expand.some((e) => e.name.toLowerCase() === 'members');
    if (query.deltatoken === 'latest') {
      // "Sync from now": only a deltaLink (delta-query-overview.md).
      return respond(kit, spec, req, [], { k: 'delta', r: spec.path, s: store.seq, sel, mem }, true, sel);
    }
    if (query.deltatoken) {
      const state = openState(kit, spec, query.deltatoken, 'delta');
      if (state.s < store.oldestSeq) return expired(kit, spec, req, state);
      const from = { ...state, k: 'dskip' as const, phase: 'changes' as const, to: store.seq, o: 0 };
      return page(kit, spec, req, store, from, size);
    }
    const initial: DeltaState = { k: 'dskip', r: spec.path, s: store.seq, phase: 'initial', o: 0, sel, mem };
    return page(kit, spec, req, store, initial, size);
  } catch (error) {
    return errorResponse({ req }, error);
  }
}

/** Page size: the directory default, or `Prefer: odata.maxpagesize=n` up to 999. */
function pageSizeOf(req: EmulatorRequest, spec: ResourceSpec): number {
  const prefer = /odata\.maxpagesize=(\d+)/i.exec(req.headers.prefer ?? '');
  return Math.min(prefer ? Number(prefer[1]) : spec.page.default, spec.page.max);
}

function openState(kit: Kit, spec: ResourceSpec, token: string, kind: DeltaState['k']): DeltaState {
  const state = kit.codec.open<DeltaState>(token);
  if (!state || state.k !== kind || state.r !== spec.path || typeof state.s !== 'number') {
    throw badRequest(kind === 'delta' ? 'Invalid delta token.' : 'Invalid Skip Token');
  }
  return state;
}

function page(
  kit: Kit,
  spec: ResourceSpec,
  req: EmulatorRequest,
  store: TenantStore,
  state: DeltaState,
  size: number,
): EmulatorResponse {
  let slice: Record<string, unknown>[];
  let end: number;
  let total: number;
  if (state.phase === 'changes') {
    const items = changedItems(spec, store, state);
    const offset = state.o ?? 0;
    slice = items.slice(offset, offset + size);
    end = offset + slice.length;
    total = items.length;
  } else {
    // Project only the page, and resume after the last id sent so a removal mid-round skips nothing.
    const objects = store.collection(spec.collection);
    const start = resumeIndex(objects, { offset: state.o ?? 0, lastId: state.l });
    const raw = objects.slice(start, start + size);
    slice = raw.map((o) => deltaObject(spec, store, o, state));
    end = start + raw.length;
    total = objects.length;
    state = { ...state, l: raw[raw.length - 1]?.id ?? state.l };
  }
  const done = end >= total;
  const next: DeltaState = done
    ? {
        k: 'delta',
        r: spec.path,
        s: state.phase === 'changes' ? (state.to ?? store.seq) : state.s,
        sel: state.sel,
        mem: state.mem,
      }
    : { ...state, o: end };
  return respond(kit, spec, req, slice, next, done, state.sel);
}

function respond(
  kit: Kit,
  spec: ResourceSpec,
  req: EmulatorRequest,
  value: Record<string, unknown>[],
  next: DeltaState,
  done: boolean,
  sel: string[] | undefined,
): EmulatorResponse {
  const link = `${req.url.origin}/${versionOf(req.url)}/${spec.path}/delta?${done ? '$deltatoken' : '$skiptoken'}=${kit.codec.seal(next)}`;
  const body = {
    '@odata.context': contextUrl(req.url, spec.path, sel),
    [done ? '@odata.deltaLink' : '@odata.nextLink']: link,
    value,
  };
  return jsonObjects(200, body, value.length, ODATA_HEADERS);
}

function deltaObject(spec: ResourceSpec, store: TenantStore, object: GraphObject, state: DeltaState) {
  const body = project(object, spec, state.sel);
  body.id = object.id;
  if (state.mem) body['members@delta'] = memberRefs(store, object.id);
  return body;
}

/** Membership as `members@delta` (delta-query-groups.md): type + id of each member. */
function memberRefs(store: TenantStore, groupId: string) {
  return (store.model.graph.groupMembers[groupId] ?? []).map((id) => {
    const type = store.find('users', id) ? 'user' : store.find('groups', id) ? 'group' : 'servicePrincipal';
    return { '@odata.type': `#microsoft.graph.${type}`, id };
  });
}

/**
 * What changed in (s, to]: removals as `@removed`, upserts as the current object. With `$select`,
 * only changes to selected properties are tracked (user-delta.md).
 */
function changedItems(spec: ResourceSpec, store: TenantStore, state: DeltaState): Record<string, unknown>[] {
  const to = state.to ?? store.seq;
  const changes = store.changesSince(spec.collection, state.s).filter((c) => c.seq <= to);
  const membership = state.mem ? membershipChanges(store, state.s, to) : new Set<string>();
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const change of changes) {
    seen.add(change.id);
    const item = changeToItem(spec, store, state, change, membership.has(change.id));
    if (item) out.push(item);
  }
  for (const id of membership) {
    const group = seen.has(id) ? undefined : store.find('groups', id);
    if (group) out.push(deltaObject(spec, store, group, state));
  }
  return out;
}

function changeToItem(
  spec: ResourceSpec,
  store: TenantStore,
  state: DeltaState,
  change: ChangeRecord,
  membershipChanged: boolean,
): Record<string, unknown> | undefined {
  if (change.kind !== 'upsert') {
    return { id: change.id, '@removed': { reason: change.kind === 'hardDelete' ? 'deleted' : 'changed' } };
  }
  const object = store.find(spec.collection, change.id);
  if (!object) return undefined;
  const tracked = state.sel ?? spec.defaultSelect;
  const members = membershipChanged || (state.mem === true && change.changed.includes('members'));
  const relevant = !tracked || members || change.changed.some((p) => tracked.includes(p));
  return relevant ? deltaObject(spec, store, object, state) : undefined;
}

/** Groups whose membership the control API changed (recorded under `groupMembers`, keyed by group id). */
function membershipChanges(store: TenantStore, from: number, to: number): Set<string> {
  const records = store.changesSince('groupMembers' as keyof GraphCollections, from);
  return new Set(records.filter((c) => c.seq <= to).map((c) => c.id));
}

/** Expired token: 410 + Location for a full resync, or 400 syncStateNotFound (GraphOptions). */
function expired(kit: Kit, spec: ResourceSpec, req: EmulatorRequest, state: DeltaState): EmulatorResponse {
  if (kit.options.expiredDeltaToken === 'syncStateNotFound') {
    // devblogs "Duration of change tracking tokens for identity and education resources" (2020)
    return graphError(
      req,
      400,
      'syncStateNotFound',
      'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
    );
  }
  const select = state.sel ? `?$select=${state.sel.join(',')}` : '';
  const location = `${req.url.origin}/${versionOf(req.url)}/${spec.path}/delta${select}`;
  // errors.md: resyncRequired "The delta token is no longer valid, and the app must reset the sync state."
  return graphError(
    req,
    410,
    'resyncRequired',
    'The delta token is no longer valid, and the app must reset the sync state.',
    {
      location,
    },
  );
}
