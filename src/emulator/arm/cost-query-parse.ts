import type {
  AggregationColumn,
  CostDimension,
  CostFilter,
  CostGrouping,
  CostQuery,
  FilterOperator,
  Parsed,
} from './cost-query-types.ts';
import { datePart, daysSpanned, monthsSpanned, resolveTimeframe } from './cost-timeframe.ts';

/**
 * Validates a QueryDefinition body (azure-cost.md §1.2). Errors are 400 `BadRequest` with the
 * "Invalid query definition: …" prefix that clients match on (observed in AOE, azure-cost.md §5.2).
 *
 * `strict` enforces the limits the SDK/SKILL documents but real clients exceed (>2 groupings,
 * >2 aggregations, Daily > 31 days, > 37 months); the default is lenient because azure-cost-cli
 * sends 9 groupings and works (azure-cost.md §1.2 "Limits (conflicting sources)").
 */
export function parseCostQuery(body: unknown, asOf: Date, strict: boolean): Parsed<CostQuery> {
  if (!isObject(body)) return invalid('The request body must be a QueryDefinition object.');
  const type = oneOf(body.type, ['ActualCost', 'AmortizedCost', 'Usage'] as const);
  if (!type)
    return invalid(
      `Type '${String(body.type ?? '')}' is not supported; valid values: 'ActualCost', 'AmortizedCost', 'Usage'.`,
    );
  const range = parseRange(body, asOf);
  if (!range.ok) return range;
  const dataset = property(body, 'dataset');
  if (!isObject(dataset)) return invalid('Dataset is invalid or not supplied.');
  const granularity =
    dataset.granularity === undefined
      ? 'None'
      : oneOf(dataset.granularity, ['None', 'Daily', 'Monthly'] as const);
  if (!granularity)
    return invalid(
      `Granularity '${String(dataset.granularity)}' is not supported; valid values: 'None', 'Daily', 'Monthly'.`,
    );
  const aggregations = parseAggregations(dataset.aggregation);
  if (!aggregations.ok) return aggregations;
  const groupings = parseGroupings(dataset.grouping);
  if (!groupings.ok) return groupings;
  let filter: CostFilter | undefined;
  if (dataset.filter !== undefined && dataset.filter !== null) {
    const parsed = parseFilter(dataset.filter);
    if (!parsed.ok) return parsed;
    filter = parsed.value;
  }
  const query: CostQuery = {
    type,
    ...range.value,
    granularity,
    aggregations: aggregations.value,
    groupings: groupings.value,
  };
  if (filter) query.filter = filter;
  return strict ? enforceStrictLimits(query) : { ok: true, value: query };
}

function enforceStrictLimits(query: CostQuery): Parsed<CostQuery> {
  if (query.groupings.length > 2) return invalid('Query can have up to 2 group by clauses.');
  if (query.aggregations.length > 2) return invalid('Query can have up to 2 aggregation clauses.');
  if (monthsSpanned(query) > 37) return invalid('The time period cannot exceed 37 months.');
  if (query.granularity === 'Daily' && daysSpanned(query) > 31) {
    return invalid('The time period for Daily granularity cannot exceed 31 days.');
  }
  return { ok: true, value: query };
}

function parseRange(body: Record<string, unknown>, asOf: Date): Parsed<{ from: string; to: string }> {
  if (typeof body.timeframe !== 'string') return invalid('Timeframe is invalid or not supplied.');
  if (body.timeframe.toLowerCase() !== 'custom') {
    const range = resolveTimeframe(body.timeframe, asOf);
    return range ? { ok: true, value: range } : invalid(`Timeframe '${body.timeframe}' is not supported.`);
  }
  const period = property(body, 'timePeriod');
  if (!isObject(period)) return invalid("TimePeriod is required when Timeframe is 'Custom'.");
  const from = datePart(period.from);
  const to = datePart(period.to);
  if (!from || !to) return invalid('TimePeriod from and to must be ISO 8601 dates.');
  if (from > to) return invalid('TimePeriod from must be earlier than or equal to to.');
  // earliest data Cost Management holds (SKILL guardrails, azure-cost.md §1.2)
  if (from < '2014-05-01') return invalid('TimePeriod from cannot be earlier than 2014-05-01.');
  return { ok: true, value: { from, to } };
}

const AGGREGATION_COLUMNS: readonly AggregationColumn[] = ['Cost', 'PreTaxCost', 'CostUSD', 'PreTaxCostUSD'];

function parseAggregations(value: unknown): Parsed<CostQuery['aggregations']> {
  // Without aggregation real Cost Management returns raw detail rows; the emulator only aggregates.
  if (!isObject(value) || Object.keys(value).length === 0)
    return invalid('Aggregation is invalid or not supplied.');
  const out: CostQuery['aggregations'] = [];
  for (const [alias, spec] of Object.entries(value)) {
    if (!isObject(spec)) return invalid(`Aggregation '${alias}' is invalid.`);
    if (typeof spec.function !== 'string' || spec.function.toLowerCase() !== 'sum') {
      return invalid(
        `Aggregation function '${String(spec.function ?? '')}' is not supported; valid values: 'Sum'.`,
      );
    }
    const column = oneOf(spec.name, AGGREGATION_COLUMNS);
    if (!column) return invalid(`Aggregation column '${String(spec.name ?? '')}' is not supported.`);
    out.push({ alias, column });
  }
  return { ok: true, value: out };
}

const DIMENSIONS: readonly CostDimension[] = [
  'ResourceId',
  'ResourceGroupName',
  'ResourceGroup',
  'ResourceType',
  'ResourceLocation',
  'ServiceName',
  'MeterCategory',
  'SubscriptionId',
  'ChargeType',
];

function parseGroupings(value: unknown): Parsed<CostGrouping[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!Array.isArray(value)) return invalid('Grouping must be an array.');
  const out: CostGrouping[] = [];
  const seen = new Set<string>();
  for (const item of value) {
    if (!isObject(item) || typeof item.name !== 'string')
      return invalid('Grouping must have a type and a name.');
    const type = oneOf(item.type, ['Dimension', 'TagKey'] as const);
    if (!type)
      return invalid(
        `Grouping type '${String(item.type ?? '')}' is not supported; valid values: 'Dimension', 'TagKey'.`,
      );
    let grouping: CostGrouping;
    if (type === 'Dimension') {
      const name = oneOf(item.name, DIMENSIONS);
      if (!name) return invalid(`Dimension '${item.name}' is not valid for this scope.`);
      grouping = { type, name };
    } else {
      grouping = { type, name: item.name };
    }
    const key = `${type}:${grouping.name.toLowerCase()}`;
    if (seen.has(key)) return invalid(`Grouping '${item.name}' is specified more than once.`);
    seen.add(key);
    out.push(grouping);
  }
  return { ok: true, value: out };
}

const OPERATORS: readonly FilterOperator[] = ['In', 'Equal', 'NotEqual', 'Contains'];

/** `and`/`or` need ≥ 2 children and `not` exactly one (SDK QueryFilter doc comments, §1.2). */
export function parseFilter(value: unknown): Parsed<CostFilter> {
  if (!isObject(value)) return invalid('Filter is invalid.');
  const and = property(value, 'and');
  const or = property(value, 'or');
  const not = property(value, 'not');
  if (and !== undefined || or !== undefined) {
    const children = and ?? or;
    const op = and !== undefined ? 'and' : 'or';
    if (!Array.isArray(children) || children.length < 2)
      return invalid(`The logical '${op.toUpperCase()}' expression must have at least 2 items.`);
    const parsed: CostFilter[] = [];
    for (const child of children) {
      const p = parseFilter(child);
      if (!p.ok) return p;
      parsed.push(p.value);
    }
    return { ok: true, value: op === 'and' ? { and: parsed } : { or: parsed } };
  }
  if (not !== undefined) {
    const p = parseFilter(not);
    return p.ok ? { ok: true, value: { not: p.value } } : p;
  }
  return parseLeaf(value);
}

function parseLeaf(value: Record<string, unknown>): Parsed<CostFilter> {
  const dims = property(value, 'dimensions') ?? property(value, 'dimension');
  const tags = property(value, 'tags') ?? property(value, 'tag');
  const leaf = dims ?? tags;
  if (!isObject(leaf) || typeof leaf.name !== 'string')
    return invalid('Filter expression must have and, or, not, dimensions or tags.');
  const operator = oneOf(leaf.operator, OPERATORS);
  if (!operator) return invalid(`Filter operator '${String(leaf.operator ?? '')}' is not supported.`);
  if (
    !Array.isArray(leaf.values) ||
    leaf.values.length === 0 ||
    !leaf.values.every((v) => typeof v === 'string')
  ) {
    return invalid(`Filter '${leaf.name}' must have a non-empty array of string values.`);
  }
  const values = leaf.values as string[];
  if (dims !== undefined) {
    const dimension = oneOf(leaf.name, DIMENSIONS);
    if (!dimension) return invalid(`Dimension '${leaf.name}' is not valid for this scope.`);
    return { ok: true, value: { dimension, operator, values } };
  }
  return { ok: true, value: { tag: leaf.name, operator, values } };
}

function invalid<T>(message: string): Parsed<T> {
  return {
    ok: false,
    error: { status: 400, code: 'BadRequest', message: `Invalid query definition: ${message}` },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Property names are matched case-insensitively: clients send `dataset` and `dataSet` (§1.2). */
function property(obj: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

/** Enum values are case-insensitive on the wire; returns the canonical spelling. */
function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  return allowed.find((a) => a.toLowerCase() === value.toLowerCase());
}
