import { ARM_API_VERSIONS, type CostQueryDefinition } from '../connectors/arm-client.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import type { CollectContext } from './graph-datasets.ts';

/**
 * What Tenantscope reads from Azure Resource Manager, one entry per dataset: where, with which
 * read-only Azure role, and why. ARM has no OAuth permissions for apps: access is the Azure RBAC
 * role the app holds on each subscription (azure-cost.md §1.8), so `roles` is what the admin
 * assigns before consent. Nothing here writes.
 *
 * Shapes:
 * - `list`: an ARM list `{ value, nextLink }`, one item per object;
 * - `resourceGraph`: a Resource Graph query over the subscriptions read by `parent`;
 * - `perParent`: one entry `{ parentId, items }` per object of `parent` (its ARM `id`), like the
 *   Graph relation datasets; a failure that concerns that parent alone is kept on its entry.
 */
interface ArmDatasetBase {
  name: string;
  roles: string[];
  why: string;
  /** the dataset whose objects this one reads per object (or, for Resource Graph, whose subscriptions) */
  parent?: string;
  /** which of the parent's objects to read; all when absent */
  include?: (parent: Record<string, unknown>) => boolean;
}

export type ParentRead =
  | { kind: 'list'; path: (parentId: string, ctx: CollectContext) => string }
  /** scope = the parent's id (a subscription); the rows of every query, in order */
  | { kind: 'costQuery'; queries: (ctx: CollectContext) => CostQueryDefinition[] }
  | {
      kind: 'get';
      path: (parentId: string, ctx: CollectContext) => string;
      items: (body: unknown) => unknown[];
    };

export type ArmDataset = ArmDatasetBase &
  (
    | { shape: 'list'; path: (ctx: CollectContext) => string }
    | { shape: 'resourceGraph'; parent: string; query: string }
    | { shape: 'perParent'; parent: string; read: ParentRead }
  );

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const period = (from: number, to: number) => ({
  from: `${isoDate(from)}T00:00:00Z`,
  to: `${isoDate(to)}T23:59:59Z`,
});

/**
 * Daily queries span at most 31 days and Monthly ones at most 12 months: beyond that the SKILL
 * guardrails say `from` is silently truncated (azure-cost.md §1.2, [U] for the raw API). We
 * cannot afford a silent gap, so longer periods are split. The emulator's strict mode enforces
 * the same limits.
 */
export const MAX_DAILY_DAYS = 31;

/** The 12 full calendar months before the current one, and the current month to date (UTC). */
export function monthlyPeriods(now: Date): { from: string; to: string }[] {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const monthStart = Date.UTC(y, m, 1);
  const today = Date.UTC(y, m, now.getUTCDate());
  return [period(Date.UTC(y, m - 12, 1), monthStart - DAY), period(monthStart, today)];
}

/** The `days` complete days before today, in windows of at most 31 days, oldest first. */
export function dailyPeriods(now: Date, days: number): { from: string; to: string }[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const out: { from: string; to: string }[] = [];
  for (let start = today - days * DAY; start < today; start += MAX_DAILY_DAYS * DAY) {
    out.push(period(start, Math.min(start + (MAX_DAILY_DAYS - 1) * DAY, today - DAY)));
  }
  return out;
}

/**
 * One aggregation whose alias is its column's name: the SPEC example names the column after the
 * source (`PreTaxCost`) while others name it after the alias, so both give `Cost` (§1.3).
 */
const costQuery = (
  p: { from: string; to: string },
  granularity: 'Daily' | 'Monthly',
  groupBy: string[],
): CostQueryDefinition => ({
  type: 'ActualCost',
  timeframe: 'Custom',
  timePeriod: p,
  dataset: {
    granularity,
    aggregation: { Cost: { name: 'Cost', function: 'Sum' } },
    grouping: groupBy.map((name) => ({ type: 'Dimension', name })),
  },
});

const COST_DAILY_DAYS = 90;
const METRICS_DAYS = 30;
const HOUR = 3_600_000;
const seconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const encodeId = (id: string) => id.split('/').map(encodeURIComponent).join('/');
const isVm = (r: Record<string, unknown>) =>
  String(r.type ?? '').toLowerCase() === 'microsoft.compute/virtualmachines';

/** Projected Resources columns; `managedBy` and `kind` tell an unattached disk or an app kind. */
const RESOURCE_QUERY =
  'Resources | project id, name, type, kind, location, resourceGroup, subscriptionId, managedBy, sku, properties, tags | order by id asc';

export const armDatasets: ArmDataset[] = [
  {
    name: 'subscriptions',
    shape: 'list',
    path: () => `/subscriptions?api-version=${ARM_API_VERSIONS.subscriptions}`,
    roles: ['Reader'],
    why: 'the subscriptions the app can see, their state and offer',
  },
  {
    name: 'resources',
    shape: 'resourceGraph',
    parent: 'subscriptions',
    query: RESOURCE_QUERY,
    roles: ['Reader'],
    why: 'the inventory: every resource with its SKU, settings and tags',
  },
  {
    name: 'costByResourceMonth',
    shape: 'perParent',
    parent: 'subscriptions',
    read: {
      kind: 'costQuery',
      // Four groupings: more than the documented two, but real clients send nine (§1.2).
      queries: (ctx) =>
        monthlyPeriods(ctx.now).map((p) =>
          costQuery(p, 'Monthly', ['ResourceId', 'ResourceType', 'ResourceGroupName', 'ServiceName']),
        ),
    },
    roles: ['Cost Management Reader'],
    why: 'actual cost per resource per month: 12 full months and the month to date',
  },
  {
    name: 'costDaily',
    shape: 'perParent',
    parent: 'subscriptions',
    read: {
      kind: 'costQuery',
      queries: (ctx) =>
        dailyPeriods(ctx.now, COST_DAILY_DAYS).map((p) => costQuery(p, 'Daily', ['ServiceName'])),
    },
    roles: ['Cost Management Reader'],
    why: 'actual cost per service per day for the last 90 days, to find anomalies',
  },
  {
    name: 'advisorRecommendations',
    shape: 'perParent',
    parent: 'subscriptions',
    read: {
      kind: 'list',
      // every category: Cost for savings, the others (Security, HighAvailability…) for posture
      path: (id) =>
        `${id}/providers/Microsoft.Advisor/recommendations?api-version=${ARM_API_VERSIONS.advisor}`,
    },
    roles: ['Reader'],
    why: 'Azure Advisor recommendations (cost savings, right-sizing, reliability, security)',
  },
  {
    name: 'reservationRecommendations',
    shape: 'perParent',
    parent: 'subscriptions',
    read: {
      kind: 'list',
      path: (id) =>
        `${id}/providers/Microsoft.Consumption/reservationRecommendations?api-version=${ARM_API_VERSIONS.consumption}` +
        `&$filter=${encodeURIComponent("properties/scope eq 'Single' AND properties/lookBackPeriod eq 'Last30Days'")}`,
    },
    roles: ['Cost Management Reader'],
    why: 'reserved-instance purchases that would save money, from 30 days of usage',
  },
  {
    name: 'vmMetrics',
    shape: 'perParent',
    parent: 'resources',
    include: isVm,
    read: {
      kind: 'get',
      path: (id, ctx) => {
        const end = Math.floor(ctx.now.getTime() / HOUR) * HOUR;
        const start = end - METRICS_DAYS * 24 * HOUR;
        return (
          `${encodeId(id)}/providers/Microsoft.Insights/metrics?api-version=${ARM_API_VERSIONS.metrics}` +
          `&metricnames=${encodeURIComponent('Percentage CPU,Available Memory Bytes')}` +
          `&aggregation=Average,Maximum&interval=PT1H&timespan=${seconds(start)}/${seconds(end)}`
        );
      },
      items: (body) => {
        const value = (body as { value?: unknown }).value;
        if (!Array.isArray(value))
          throw new MicrosoftError('rejected', 'Azure Monitor answered without a value array');
        return value;
      },
    },
    roles: ['Monitoring Reader'],
    why: 'hourly CPU and free memory of each VM over 30 days, for right-sizing',
  },
];
