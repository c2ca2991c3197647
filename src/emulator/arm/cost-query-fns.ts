import type { DailyCostRow } from '../contract.ts';
import type {
  AggregationColumn,
  CostDimension,
  CostFilter,
  CostGrouping,
  CostQuery,
} from './cost-query-types.ts';

/** Pure aggregation of the model's daily cost rows for one Query API call (azure-cost.md §1.3). */

export interface CostScope {
  subscriptionId: string;
  resourceGroup?: string;
}

export interface CostColumn {
  name: string;
  type: 'Number' | 'String' | 'Datetime';
}

export interface CostResult {
  columns: CostColumn[];
  rows: (string | number)[][];
}

/**
 * Fixed rates for `CostUSD`: the emulator has no FX feed. Billing currency EUR at 1.08 etc.;
 * what matters to tests is that CostUSD = Cost × rate consistently. Unknown currencies count 1:1.
 */
const USD_RATE: Record<string, number> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  CHF: 1.12,
  JPY: 0.0067,
  CAD: 0.73,
  AUD: 0.66,
};

export function runCostQuery(rows: readonly DailyCostRow[], scope: CostScope, query: CostQuery): CostResult {
  const groups = new Map<string, { key: (string | number)[]; sums: number[] }>();
  for (const row of rows) {
    if (!inScope(row, scope) || row.date < query.from || row.date > query.to) continue;
    if (query.filter && !matches(row, query.filter)) continue;
    const key = rowKey(row, query);
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (!group) {
      group = { key, sums: query.aggregations.map(() => 0) };
      groups.set(id, group);
    }
    query.aggregations.forEach((agg, i) => {
      group.sums[i]! += amount(row, agg.column);
    });
  }
  const ordered = [...groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  return {
    columns: columnsFor(query),
    rows: ordered.map((g) => {
      const hasDate = query.granularity !== 'None';
      // key = [date?, ...groupings, currency]; output = [...sums, date?, ...groupings, currency]
      return [...g.sums, ...g.key.slice(0, hasDate ? 1 : 0), ...g.key.slice(hasDate ? 1 : 0)];
    }),
  };
}

/** Column order: aggregations, date (if granular), groupings, Currency — as azure-cost-cli reads them (§0, §1.3). */
export function columnsFor(query: CostQuery): CostColumn[] {
  const columns: CostColumn[] = query.aggregations.map((a) => ({ name: a.alias, type: 'Number' }));
  if (query.granularity === 'Daily') columns.push({ name: 'UsageDate', type: 'Number' });
  if (query.granularity === 'Monthly') columns.push({ name: 'BillingMonth', type: 'Datetime' });
  for (const g of query.groupings) {
    if (g.type === 'TagKey')
      columns.push({ name: 'TagKey', type: 'String' }, { name: 'TagValue', type: 'String' });
    else columns.push({ name: g.name, type: 'String' });
  }
  columns.push({ name: 'Currency', type: 'String' });
  return columns;
}

function rowKey(row: DailyCostRow, query: CostQuery): (string | number)[] {
  const key: (string | number)[] = [];
  // Daily: yyyyMMdd as a number; Monthly: `YYYY-MM-01T00:00:00` (§1.3, §7)
  if (query.granularity === 'Daily') key.push(Number(row.date.replaceAll('-', '')));
  if (query.granularity === 'Monthly') key.push(`${row.date.slice(0, 7)}-01T00:00:00`);
  for (const g of query.groupings) key.push(...groupValues(row, g));
  key.push(row.currency);
  return key;
}

function groupValues(row: DailyCostRow, grouping: CostGrouping): string[] {
  if (grouping.type === 'Dimension') return [dimensionValue(row, grouping.name)];
  const tag = findTag(row.tags, grouping.name);
  // Tag keys come back lower-cased (observed: "environment"); untagged rows group under "".
  return tag ? [tag[0].toLowerCase(), tag[1]] : ['', ''];
}

/**
 * Values as Cost Management returns them: resource ids, groups and types lower-cased (the SPEC
 * example shows a lower-cased group, §1.3 [U]); clients must compare case-insensitively anyway.
 */
export function dimensionValue(row: DailyCostRow, dimension: CostDimension): string {
  switch (dimension) {
    case 'ResourceId':
      return row.resourceId.toLowerCase();
    case 'ResourceGroup':
    case 'ResourceGroupName':
      return row.resourceGroup.toLowerCase();
    case 'ResourceType':
      return row.resourceType.toLowerCase();
    case 'ResourceLocation':
      return row.location;
    case 'ServiceName':
      return row.serviceName;
    case 'MeterCategory':
      return row.meterCategory;
    case 'SubscriptionId':
      return row.subscriptionId;
    case 'ChargeType':
      // the model holds usage charges only (no purchases or refunds)
      return 'Usage';
  }
}

function findTag(tags: Record<string, string>, name: string): [string, string] | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(tags).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : [key, tags[key]!];
}

function amount(row: DailyCostRow, column: AggregationColumn): number {
  // The model has no tax lines, so PreTaxCost = Cost.
  if (column === 'Cost' || column === 'PreTaxCost') return row.cost;
  return row.cost * (USD_RATE[row.currency.toUpperCase()] ?? 1);
}

function inScope(row: DailyCostRow, scope: CostScope): boolean {
  if (row.subscriptionId.toLowerCase() !== scope.subscriptionId.toLowerCase()) return false;
  return (
    scope.resourceGroup === undefined || row.resourceGroup.toLowerCase() === scope.resourceGroup.toLowerCase()
  );
}

/** Filter semantics: values compare case-insensitively, as ARM ids and names do. */
export function matches(row: DailyCostRow, filter: CostFilter): boolean {
  if ('and' in filter) return filter.and.every((f) => matches(row, f));
  if ('or' in filter) return filter.or.some((f) => matches(row, f));
  if ('not' in filter) return !matches(row, filter.not);
  const actual =
    'dimension' in filter ? dimensionValue(row, filter.dimension) : findTag(row.tags, filter.tag)?.[1];
  const value = actual?.toLowerCase();
  const wanted = filter.values.map((v) => v.toLowerCase());
  switch (filter.operator) {
    case 'In':
    case 'Equal':
      return value !== undefined && wanted.includes(value);
    case 'NotEqual':
      return value === undefined || !wanted.includes(value);
    case 'Contains':
      return value !== undefined && wanted.some((w) => value.includes(w));
  }
}

function compareKeys(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
