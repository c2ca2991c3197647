import {
  KqlError,
  type KqlExpr,
  type KqlPath,
  type KqlQuery,
  type KqlStage,
  type KqlValue,
} from './kql-types.ts';

export type Row = Record<string, unknown>;

export interface KqlResult {
  rows: Row[];
  /** output column names in order */
  columns: string[];
  /** a `limit`/`take` ran: ARG then refuses to page (paging-results doc, azure-cost.md §3) */
  limited: boolean;
}

/** Runs a parsed query over one table's rows. Pure; never mutates the input rows. */
export function evaluateKql(
  query: KqlQuery,
  input: readonly Row[],
  baseColumns: readonly string[],
): KqlResult {
  let rows: Row[] = [...input];
  let columns = [...baseColumns];
  let limited = false;
  for (const stage of query.stages) {
    checkColumns(stage, columns);
    ({ rows, columns } = applyStage(stage, rows, columns));
    if (stage.kind === 'limit') limited = true;
  }
  return { rows, columns, limited };
}

function applyStage(stage: KqlStage, rows: Row[], columns: string[]): { rows: Row[]; columns: string[] } {
  switch (stage.kind) {
    case 'where':
      return { rows: rows.filter((r) => test(stage.predicate, r)), columns };
    case 'project':
      return {
        rows: rows.map((r) =>
          Object.fromEntries(stage.columns.map((c) => [c.name, lookup(r, c.path) ?? null])),
        ),
        columns: stage.columns.map((c) => c.name),
      };
    case 'order':
      return { rows: [...rows].sort((a, b) => compareRows(a, b, stage.keys)), columns };
    case 'summarize':
      return summarize(stage, rows);
    case 'limit':
      return { rows: rows.slice(0, stage.count), columns };
    case 'count':
      return { rows: [{ Count: rows.length }], columns: ['Count'] };
  }
}

/** Kusto refuses a column it cannot resolve: "Failed to resolve scalar expression named 'x'". */
function checkColumns(stage: KqlStage, columns: string[]): void {
  const paths: KqlPath[] = [];
  if (stage.kind === 'where') collectPaths(stage.predicate, paths);
  if (stage.kind === 'project' || stage.kind === 'summarize')
    paths.push(...(stage.kind === 'project' ? stage.columns : stage.by).map((c) => c.path));
  if (stage.kind === 'order') paths.push(...stage.keys.map((k) => k.path));
  for (const path of paths) {
    if (!columns.includes(path[0]!)) {
      throw new KqlError(
        'FailedToResolveScalarExpression',
        `Failed to resolve scalar expression named '${path[0]}'`,
      );
    }
  }
}

function collectPaths(expr: KqlExpr, out: KqlPath[]): void {
  if ('path' in expr) out.push(expr.path);
  else if (expr.kind === 'not') collectPaths(expr.expr, out);
  else {
    collectPaths(expr.left, out);
    collectPaths(expr.right, out);
  }
}

function summarize(
  stage: Extract<KqlStage, { kind: 'summarize' }>,
  rows: Row[],
): { rows: Row[]; columns: string[] } {
  const groups = new Map<string, Row>();
  for (const r of rows) {
    const keyValues = stage.by.map((b) => lookup(r, b.path) ?? null);
    const id = JSON.stringify(keyValues);
    let group = groups.get(id);
    if (!group) {
      group = Object.fromEntries(stage.by.map((b, i) => [b.name, keyValues[i]]));
      for (const c of stage.counts) group[c] = 0;
      groups.set(id, group);
    }
    for (const c of stage.counts) group[c] = (group[c] as number) + 1;
  }
  if (stage.by.length === 0 && groups.size === 0)
    groups.set('', Object.fromEntries(stage.counts.map((c) => [c, 0])));
  return { rows: [...groups.values()], columns: [...stage.by.map((b) => b.name), ...stage.counts] };
}

/** Walks `a.b['c']` through nested objects; property names are case-sensitive as in Kusto. */
export function lookup(row: Row, path: KqlPath): unknown {
  let value: unknown = row;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function test(expr: KqlExpr, row: Row): boolean {
  switch (expr.kind) {
    case 'and':
      return test(expr.left, row) && test(expr.right, row);
    case 'or':
      return test(expr.left, row) || test(expr.right, row);
    case 'not':
      return !test(expr.expr, row);
    case 'empty': {
      const v = lookup(row, expr.path);
      const empty = v === undefined || v === null || v === '';
      return expr.negate ? !empty : empty;
    }
    case 'in': {
      const v = scalar(lookup(row, expr.path));
      const hit = expr.values.some((x) => equal(v, x, expr.caseInsensitive));
      return expr.negate ? !hit : hit;
    }
    case 'compare':
      return compare(expr.op, scalar(lookup(row, expr.path)), expr.value);
  }
}

function compare(op: string, actual: KqlValue, wanted: KqlValue): boolean {
  const a = String(actual ?? '').toLowerCase();
  const w = String(wanted ?? '').toLowerCase();
  switch (op) {
    case '==':
      return equal(actual, wanted, false);
    case '=~':
      return equal(actual, wanted, true);
    case '!=':
      return !equal(actual, wanted, false);
    case '!~':
      return !equal(actual, wanted, true);
    // Kusto's string operators contains/startswith/has are case-insensitive.
    case 'contains':
      return a.includes(w);
    case '!contains':
      return !a.includes(w);
    case 'startswith':
      return a.startsWith(w);
    case 'endswith':
      return a.endsWith(w);
    case 'has':
      return a.split(/[^a-z0-9]+/).includes(w);
    default:
      return ordered(op, actual, wanted);
  }
}

function ordered(op: string, actual: KqlValue, wanted: KqlValue): boolean {
  if (actual === null || wanted === null) return false;
  const c = actual < wanted ? -1 : actual > wanted ? 1 : 0;
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

function equal(actual: KqlValue, wanted: KqlValue, caseInsensitive: boolean): boolean {
  if (actual === null || wanted === null) return actual === wanted;
  if (typeof wanted === 'string' || typeof actual === 'string') {
    const a = String(actual);
    const w = String(wanted);
    return caseInsensitive ? a.toLowerCase() === w.toLowerCase() : a === w;
  }
  return actual === wanted;
}

function scalar(value: unknown): KqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function compareRows(a: Row, b: Row, keys: { path: KqlPath; descending: boolean }[]): number {
  for (const key of keys) {
    const x = scalar(lookup(a, key.path));
    const y = scalar(lookup(b, key.path));
    if (x === y) continue;
    // nulls sort first ascending, last descending (Kusto's default "nulls first" for asc)
    const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return key.descending ? -c : c;
  }
  return 0;
}
