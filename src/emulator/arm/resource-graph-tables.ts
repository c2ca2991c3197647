import type { TenantModel } from '../contract.ts';
import type { Row } from './kql-eval.ts';

/** The columns of ARG's `Resources` table (learn.microsoft.com resource-graph "Resources" schema). */
export const RESOURCE_COLUMNS = [
  'id',
  'name',
  'type',
  'tenantId',
  'kind',
  'location',
  'resourceGroup',
  'subscriptionId',
  'managedBy',
  'sku',
  'plan',
  'properties',
  'tags',
  'identity',
  'zones',
  'extendedLocation',
] as const;

export interface ArgTable {
  rows: Row[];
  columns: readonly string[];
}

/** Resolves a table name (case-insensitive, as ARG accepts `resources`) to its rows. */
export function argTable(arm: TenantModel['arm'], tenantId: string, name: string): ArgTable | undefined {
  switch (name.toLowerCase()) {
    case 'resources':
      return { rows: arm.resources.map((r) => withColumns(r, tenantId)), columns: RESOURCE_COLUMNS };
    case 'resourcecontainers':
      return { rows: arm.subscriptions.map((s) => subscriptionRow(s, tenantId)), columns: RESOURCE_COLUMNS };
    case 'advisorresources':
      return {
        rows: arm.advisorRecommendations.map((r) => advisorRow(r, tenantId)),
        columns: RESOURCE_COLUMNS,
      };
    default:
      return undefined;
  }
}

function withColumns(source: Record<string, unknown>, tenantId: string): Row {
  const row: Row = {};
  for (const c of RESOURCE_COLUMNS) row[c] = source[c] ?? null;
  row.tenantId ??= tenantId;
  return row;
}

function subscriptionRow(s: Record<string, unknown> & { id: string }, tenantId: string): Row {
  const subscriptionId = String(s.subscriptionId ?? s.id.split('/').pop());
  return withColumns(
    {
      id: s.id,
      name: subscriptionId,
      type: 'microsoft.resources/subscriptions',
      subscriptionId,
      properties: {
        displayName: s.displayName,
        state: s.state,
        subscriptionPolicies: s.subscriptionPolicies,
      },
      tags: s.tags ?? {},
    },
    tenantId,
  );
}

function advisorRow(r: Record<string, unknown> & { id: string }, tenantId: string): Row {
  const parts = r.id.split('/');
  const at = (key: string) => {
    const i = parts.findIndex((p) => p.toLowerCase() === key);
    return i >= 0 ? (parts[i + 1] ?? null) : null;
  };
  return withColumns(
    {
      ...r,
      type: 'microsoft.advisor/recommendations',
      subscriptionId: at('subscriptions'),
      resourceGroup: at('resourcegroups')?.toLowerCase() ?? '',
    },
    tenantId,
  );
}
