import { TenantscopeError } from '../platform/errors.ts';
import type { DatasetOutcome, ProgressEvent } from './collect-graph.ts';
import { collectSnapshot } from './collect-snapshot.ts';
import { memorySink } from './dataset-sink.ts';
import type { GraphDataset } from './graph-datasets.ts';
import { openMicrosoftSession, type TenantConnection } from './microsoft-session.ts';
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot-types.ts';

export interface SnapshotFromTenantOptions {
  now?: () => Date;
  onProgress?: (event: ProgressEvent) => void;
  concurrency?: number;
  /**
   * The tenant's previous snapshot: users and groups then fetch only what changed since it (Graph
   * delta), and its user count sizes the resource-unit budget. Must be of the same tenant.
   */
  previous?: Snapshot | undefined;
  /** also read the Azure (ARM) datasets: subscriptions, inventory, 12 months of cost… */
  includeArm?: boolean;
  /** which datasets (default: all of graph-datasets.ts) */
  datasets?: GraphDataset[];
}

/**
 * Reads a tenant into an in-memory snapshot — no database. Used by `tenantscope snapshot` and
 * `scan`, and by minimal mode, where raw data is analysed and never stored.
 */
export async function snapshotFromTenant(
  connection: TenantConnection,
  options: SnapshotFromTenantOptions = {},
): Promise<{
  snapshot: Snapshot;
  stats: { requests: number; throttled: number; retries: number };
  outcomes: DatasetOutcome[];
}> {
  const now = options.now ?? (() => new Date());
  const previous = options.previous;
  if (previous) assertSameTenant(previous, connection.tenantId);
  const session = openMicrosoftSession(connection, userCountHint(previous));
  const sink = memorySink();
  const collectedAt = now();
  let outcomes: DatasetOutcome[];
  try {
    outcomes = await collectSnapshot({
      graph: session.graph,
      sink,
      ctx: { now: collectedAt },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(previous ? { previous } : {}),
      ...(options.datasets ? { datasets: options.datasets } : {}),
      ...(options.includeArm ? { arm: session.arm } : {}),
    });
  } finally {
    await session.close();
  }
  const organization = sink.datasets.organization?.items[0] as { displayName?: string } | undefined;
  return {
    snapshot: {
      format: SNAPSHOT_FORMAT,
      tenant: {
        tenantId: connection.tenantId,
        ...(organization?.displayName ? { displayName: organization.displayName } : {}),
        cloud: connection.cloud,
      },
      collectedAt: collectedAt.toISOString(),
      completedAt: now().toISOString(),
      datasets: sink.datasets,
    },
    stats: {
      requests: session.graph.stats.requests + session.arm.stats.requests,
      throttled: session.graph.stats.throttled + session.arm.stats.throttled,
      retries: session.graph.stats.retries + session.arm.stats.retries,
    },
    outcomes,
  };
}

/** Delta links of one tenant mean nothing for another: refuse rather than merge two directories. */
export function assertSameTenant(previous: Snapshot, tenantId: string): void {
  if (previous.tenant.tenantId.toLowerCase() !== tenantId.toLowerCase())
    throw new TenantscopeError(
      'TS_ERR_SNAPSHOT_OTHER_TENANT',
      `the previous snapshot is of tenant ${previous.tenant.tenantId}, not ${tenantId}`,
    );
}

/**
 * Graph's resource-unit quota grows with the tenant (S < 50 users, M ≤ 500, L above; §3.2). The
 * previous snapshot says which size this tenant is, so the pacer may use the larger budget.
 */
function userCountHint(previous: Snapshot | undefined): { userCount?: number } {
  const users = previous?.datasets.users;
  return users?.status === 'ok' ? { userCount: users.items.length } : {};
}
