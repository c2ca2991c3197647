import { badRequest, unsupportedQuery } from './errors.ts';
import { type FilterNode, parseFilter } from './odata-filter.ts';

/**
 * System query options of one request, parsed but not yet checked against a resource
 * (docs "Use query parameters to customize responses"). Header `ConsistencyLevel: eventual` is
 * part of the query here because it switches the directory into advanced-query mode.
 */
export interface ODataQuery {
  select?: string[];
  filter?: FilterNode;
  filterText?: string;
  top?: number;
  skip?: number;
  skiptoken?: string;
  deltatoken?: string;
  count: boolean;
  orderby: { path: string[]; descending: boolean }[];
  expand: ExpandItem[];
  search?: string;
  /** `ConsistencyLevel: eventual` was sent */
  eventual: boolean;
}

export interface ExpandItem {
  name: string;
  select?: string[];
  expand?: ExpandItem[];
}

/** Splits on `sep` at nesting depth 0, so `members($select=a,b),owners` gives two items. */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

export function parseExpand(text: string): ExpandItem[] {
  return splitTopLevel(text, ',').map((part) => {
    const open = part.indexOf('(');
    if (open < 0) return { name: part };
    if (!part.endsWith(')')) throw badRequest(`Invalid $expand: '${part}'.`);
    const item: ExpandItem = { name: part.slice(0, open).trim() };
    for (const option of splitTopLevel(part.slice(open + 1, -1), ';')) {
      const eq = option.indexOf('=');
      const key = option.slice(0, eq).trim().toLowerCase();
      const value = option.slice(eq + 1);
      if (key === '$select') item.select = parseList(value);
      else if (key === '$expand') item.expand = parseExpand(value);
      else throw unsupportedQuery(`Query option '${key}' is not supported inside $expand.`);
    }
    return item;
  });
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseOrderBy(value: string): ODataQuery['orderby'] {
  return parseList(value).map((clause) => {
    const [property = '', direction = 'asc'] = clause.split(/\s+/);
    if (direction !== 'asc' && direction !== 'desc') throw badRequest(`Invalid $orderby: '${clause}'.`);
    return { path: property.split('/'), descending: direction === 'desc' };
  });
}

function parseNonNegative(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw badRequest(`Invalid value '${value}' for query option '${name}'.`);
  return Number(value);
}

/** Parses the URL's system query options; unknown `$`-options are Graph's 400. */
export function parseQuery(url: URL, headers: Record<string, string | undefined>): ODataQuery {
  const query: ODataQuery = {
    count: false,
    orderby: [],
    expand: [],
    eventual: (headers.consistencylevel ?? '').toLowerCase() === 'eventual',
  };
  for (const [rawKey, value] of url.searchParams) {
    const key = rawKey.toLowerCase();
    if (!key.startsWith('$')) continue;
    switch (key) {
      case '$select':
        query.select = parseList(value);
        break;
      case '$filter':
        query.filterText = value;
        query.filter = parseFilter(value);
        break;
      case '$top':
        query.top = parseTop(value);
        break;
      case '$skip':
        query.skip = parseNonNegative('$skip', value);
        break;
      case '$skiptoken':
        query.skiptoken = value;
        break;
      case '$deltatoken':
        query.deltatoken = value;
        break;
      case '$count':
        if (value !== 'true' && value !== 'false') throw badRequest(`Invalid value '${value}' for $count.`);
        query.count = value === 'true';
        break;
      case '$orderby':
        query.orderby = parseOrderBy(value);
        break;
      case '$expand':
        query.expand = parseExpand(value);
        break;
      case '$search':
        query.search = value;
        break;
      case '$format':
        break;
      default:
        throw badRequest(`Query option '${rawKey}' is not supported.`, 'BadRequest');
    }
  }
  return query;
}

/** Directory answer for a bad `$top` (observed: "Must be between 1 and 999 inclusive"). */
function parseTop(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw unsupportedQuery(`Invalid page size specified: '${value}'. Must be between 1 and 999 inclusive.`);
  }
  return Number(value);
}
