import {
  advancedQueryRequired,
  badRequest,
  type GraphQueryError,
  unknownProperty,
  unsupportedFilter,
  unsupportedQuery,
} from './errors.ts';
import { filterUses } from './odata-filter.ts';
import type { ODataQuery } from './odata-query.ts';
import { SCHEMA_PROPERTIES } from './properties.generated.ts';
import type { ResourceSpec } from './resource-spec.ts';

/**
 * Checks a parsed query against one resource the way the directory does
 * (docs "Advanced query capabilities on Microsoft Entra ID objects", aad-advanced-queries.md):
 * unknown names are 400 Request_BadRequest, non-indexed filters and advanced operators without
 * `ConsistencyLevel: eventual` + `$count=true` are 400 Request_UnsupportedQuery.
 */

/** Operators that need advanced query mode on directory objects (aad-advanced-queries.md). */
const ADVANCED_OPERATORS = new Set(['ne', 'not', 'endsWith']);

const propertyCache = new Map<string, Map<string, string>>();

/** lower-case name → canonical name; `$select` is case-insensitive on Graph. */
export function knownProperties(spec: ResourceSpec): Map<string, string> {
  const key = `${spec.type}:${spec.path}`;
  let known = propertyCache.get(key);
  if (!known) {
    const names = [
      ...(SCHEMA_PROPERTIES[spec.type] ?? []),
      ...(spec.extraProperties ?? []),
      ...(spec.navigation ?? []),
      'id',
    ];
    known = new Map(names.map((n) => [n.toLowerCase(), n]));
    propertyCache.set(key, known);
  }
  return known;
}

export function canonicalSelect(spec: ResourceSpec, select: string[]): string[] {
  const known = knownProperties(spec);
  return select.map((name) => {
    const canonical = known.get(name.toLowerCase());
    if (!canonical) throw unknownProperty(name, spec.type);
    return canonical;
  });
}

/** Advanced query mode: the header and `$count=true` together. */
export function isAdvanced(query: ODataQuery): boolean {
  return query.eventual && query.count;
}

export function checkFilter(spec: ResourceSpec, query: ODataQuery): void {
  if (!query.filter) return;
  const known = knownProperties(spec);
  const uses = filterUses(query.filter);
  const roots = new Set<string>();
  for (const use of uses) {
    if (spec.directory && !isAdvanced(query)) {
      if (ADVANCED_OPERATORS.has(use.op)) throw advancedQueryRequired(use.op);
      if (use.path.includes('$count')) throw advancedQueryRequired('$count');
    }
    if (use.path.length === 0) continue;
    const root = use.path[0]!;
    if (!known.has(root.toLowerCase())) throw unknownProperty(root, spec.type);
    roots.add(root);
    const joined = use.path.filter((s) => s !== '$count').join('/');
    const allowed = [
      ...(spec.filterable === 'any' ? [joined] : spec.filterable),
      ...advancedOnly(spec, query),
    ].some((f) => f.toLowerCase() === joined.toLowerCase());
    if (!allowed) throw unsupportedFilter(joined, spec.resourceName);
  }
  // user.md: signInActivity "can't be used in combination with any other filterable properties"
  if (roots.has('signInActivity') && roots.size > 1) {
    throw unsupportedQuery('Filter on signInActivity cannot be combined with other properties.');
  }
}

function advancedOnly(spec: ResourceSpec, query: ODataQuery): readonly string[] {
  return isAdvanced(query) ? (spec.advancedFilterable ?? []) : [];
}

export function checkOrderBy(spec: ResourceSpec, query: ODataQuery): void {
  const known = knownProperties(spec);
  for (const clause of query.orderby) {
    const root = clause.path[0] ?? '';
    if (!known.has(root.toLowerCase())) throw unknownProperty(root, spec.type);
    if (!spec.directory) continue;
    // Without advanced mode the directory sorts only by displayName/userPrincipalName, and never
    // together with $filter (aad-advanced-queries.md, "$orderby" rows).
    const basic = (spec.orderable ?? []).includes(root) && !query.filter;
    if (!basic && !isAdvanced(query)) throw unsupportedQuery('Sorting not supported for current query.');
  }
}

/** `$search` needs the header (aad-advanced-queries.md); only directory objects support it. */
export function checkSearch(spec: ResourceSpec, query: ODataQuery): void {
  if (query.search === undefined) return;
  if (!spec.directory) throw unsupportedQuery('$search is not supported on this resource.');
  if (!query.eventual) {
    throw badRequest(
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
}

export function checkSkip(spec: ResourceSpec, query: ODataQuery): void {
  // `$skip` is not supported on users and other directory objects (graph-protocol.md §2.2).
  if (query.skip !== undefined && !spec.skipSupported)
    throw badRequest("'$skip' is not supported by the service.");
}

/** Effective page size: default, `$top`, and the resource's maximum (reject or clamp). */
export function pageSize(spec: ResourceSpec, query: ODataQuery, cap?: number): number {
  const requested = query.top ?? spec.page.default;
  if (query.top !== undefined && query.top > spec.page.max && spec.page.overMax === 'reject') {
    throw unsupportedQuery(
      `Invalid page size specified: '${query.top}'. Must be between 1 and ${spec.page.max} inclusive.`,
    );
  }
  return Math.min(requested, spec.page.max, cap ?? Number.POSITIVE_INFINITY);
}

export function validateListQuery(spec: ResourceSpec, query: ODataQuery): GraphQueryError | undefined {
  checkSkip(spec, query);
  checkSearch(spec, query);
  checkFilter(spec, query);
  checkOrderBy(spec, query);
  if (query.select) query.select = canonicalSelect(spec, query.select);
  return spec.validate?.(query);
}
