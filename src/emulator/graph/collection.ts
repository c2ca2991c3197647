import type { EmulatorResponse, GraphObject } from '../contract.ts';
import { graphError, jsonObjects } from '../server/http.ts';
import { badRequest, GraphQueryError } from './errors.ts';
import { evaluateFilter, resolvePath } from './odata-filter.ts';
import { type ODataQuery, parseQuery } from './odata-query.ts';
import {
  contextUrl,
  linkWith,
  type PagePosition,
  queryFingerprint,
  resumeIndex,
  type TokenCodec,
} from './paging.ts';
import { expandInto, project } from './projection.ts';
import { isAdvanced, pageSize, validateListQuery } from './query-rules.ts';
import type { ListContext, ResourceSpec } from './resource-spec.ts';

/** Content type Graph sends on JSON (graph-protocol.md §2.4 "Useful response headers"). */
export const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
export const ODATA_HEADERS = {
  'content-type': ODATA_JSON,
  'odata-version': '4.0',
  'cache-control': 'no-cache',
};

export interface ListOptions {
  codec: TokenCodec;
  /** Extra cap on the page size (signInActivity) */
  cap?: number;
  /** Query already parsed and validated by the caller */
  query?: ODataQuery;
  /** Projection for mixed-type lists (directory objects); default: the spec's own */
  projector?: (object: GraphObject, select: string[] | undefined) => Record<string, unknown>;
}

/** A bad skiptoken (Graph: `Invalid Skip Token`, microsoft-graph-docs#8612). */
export function invalidSkipToken(): GraphQueryError {
  return badRequest('Invalid Skip Token', 'Request_BadRequest');
}

export function parseAndValidate(ctx: ListContext, spec: ResourceSpec): ODataQuery {
  const query = parseQuery(ctx.req.url, ctx.req.headers);
  const problem = validateListQuery(spec, query);
  if (problem) throw problem;
  return query;
}

/** Runs a query over `items` and answers one page, the way Graph lists a collection. */
export function listCollection(
  ctx: ListContext,
  spec: ResourceSpec,
  items: readonly GraphObject[],
  options: ListOptions,
): EmulatorResponse {
  try {
    const query = options.query ?? parseAndValidate(ctx, spec);
    const matched = order(search(filter(items, query), query), spec, query);
    const start = query.skiptoken ? openPageToken(ctx, options.codec, query.skiptoken, matched) : 0;
    const size = spec.noPaging ? matched.length : pageSize(spec, query, options.cap);
    const page = matched.slice(start, start + size);
    const value = page.map((o) => {
      const body = options.projector ? options.projector(o, query.select) : project(o, spec, query.select);
      if (query.expand.length > 0) expandInto(body, o, spec, query.expand, ctx.store);
      return body;
    });
    const body: Record<string, unknown> = {
      '@odata.context': contextUrl(ctx.req.url, ctx.contextPath, query.select),
    };
    // @odata.count only in advanced mode and only on the first page (paging.md).
    if (spec.directory && isAdvanced(query) && !query.skiptoken) body['@odata.count'] = matched.length;
    const end = start + page.length;
    if (end < matched.length) {
      const position: PagePosition = { offset: end, lastId: page[page.length - 1]?.id };
      const token = options.codec.seal({ k: 'page', f: queryFingerprint(ctx.req), ...position });
      body['@odata.nextLink'] = linkWith(ctx.req.url, '$skiptoken', token);
    }
    body.value = value;
    return jsonObjects(200, body, value.length, ODATA_HEADERS);
  } catch (error) {
    return errorResponse(ctx, error);
  }
}

/** Turns a query error into Graph's response; anything else is a 500 without a stack trace. */
export function errorResponse(ctx: Pick<ListContext, 'req'>, error: unknown): EmulatorResponse {
  if (error instanceof GraphQueryError) return error.toResponse(ctx.req);
  return graphError(ctx.req, 500, 'InternalServerError', 'The service encountered an internal error.');
}

function openPageToken(
  ctx: ListContext,
  codec: TokenCodec,
  token: string,
  items: readonly GraphObject[],
): number {
  const payload = codec.open<{ k?: string; f?: string; offset?: number; lastId?: string }>(token);
  if (
    payload?.k !== 'page' ||
    payload.f !== queryFingerprint(ctx.req) ||
    typeof payload.offset !== 'number'
  ) {
    throw invalidSkipToken();
  }
  return resumeIndex(items, { offset: payload.offset, lastId: payload.lastId });
}

function filter(items: readonly GraphObject[], query: ODataQuery): readonly GraphObject[] {
  const tree = query.filter;
  return tree ? items.filter((o) => evaluateFilter(tree, o)) : items;
}

/**
 * `$search="property:value"` clauses joined by OR/AND (aad-advanced-queries.md): tokenized
 * prefix match on displayName-like properties; the emulator approximates it with "contains".
 */
function search(items: readonly GraphObject[], query: ODataQuery): readonly GraphObject[] {
  if (query.search === undefined) return items;
  const clauses = [...query.search.matchAll(/"([^":]+):([^"]*)"/g)].map(
    (m) => [m[1]!, m[2]!.toLowerCase()] as const,
  );
  if (clauses.length === 0) throw badRequest(`Invalid $search: ${query.search}`, 'Request_UnsupportedQuery');
  const all = / AND /.test(query.search);
  const hit = (o: GraphObject, [p, v]: readonly [string, string]) =>
    String(o[p] ?? '')
      .toLowerCase()
      .includes(v);
  return items.filter((o) => (all ? clauses.every((c) => hit(o, c)) : clauses.some((c) => hit(o, c))));
}

function order(items: readonly GraphObject[], spec: ResourceSpec, query: ODataQuery): readonly GraphObject[] {
  const clauses =
    query.orderby.length > 0
      ? query.orderby
      : spec.defaultOrder
        ? [{ path: [spec.defaultOrder.property], descending: spec.defaultOrder.descending }]
        : [];
  if (clauses.length === 0) return items;
  const compare = (a: GraphObject, b: GraphObject) => {
    for (const c of clauses) {
      const x = sortKey(resolvePath(c.path, a));
      const y = sortKey(resolvePath(c.path, b));
      if (x !== y) return (x < y ? -1 : 1) * (c.descending ? -1 : 1);
    }
    return 0;
  };
  if (isSorted(items, compare)) return items;
  return [...items].sort(compare);
}

function sortKey(value: unknown): string | number {
  if (typeof value === 'number') return value;
  if (value == null) return '';
  return String(value).toLowerCase();
}

function isSorted(
  items: readonly GraphObject[],
  compare: (a: GraphObject, b: GraphObject) => number,
): boolean {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1]!, items[i]!) > 0) return false;
  return true;
}
