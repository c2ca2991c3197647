/** A Cost Management QueryDefinition after validation (azure-cost.md §1.2). */
export interface CostQuery {
  type: 'ActualCost' | 'AmortizedCost' | 'Usage';
  /** inclusive YYYY-MM-DD bounds, already resolved from the timeframe */
  from: string;
  to: string;
  granularity: 'None' | 'Daily' | 'Monthly';
  aggregations: { alias: string; column: AggregationColumn }[];
  groupings: CostGrouping[];
  filter?: CostFilter;
}

export type AggregationColumn = 'Cost' | 'PreTaxCost' | 'CostUSD' | 'PreTaxCostUSD';

export type CostDimension =
  | 'ResourceId'
  | 'ResourceGroupName'
  | 'ResourceGroup'
  | 'ResourceType'
  | 'ResourceLocation'
  | 'ServiceName'
  | 'MeterCategory'
  | 'SubscriptionId'
  | 'ChargeType';

export type CostGrouping = { type: 'Dimension'; name: CostDimension } | { type: 'TagKey'; name: string };

export type FilterOperator = 'In' | 'Equal' | 'NotEqual' | 'Contains';

export type CostFilter =
  | { and: CostFilter[] }
  | { or: CostFilter[] }
  | { not: CostFilter }
  | { dimension: CostDimension; operator: FilterOperator; values: string[] }
  | { tag: string; operator: FilterOperator; values: string[] };

/** A validation failure, answered as `{"error":{"code","message"}}` with `status`. */
export interface CostQueryError {
  status: number;
  code: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: CostQueryError };
