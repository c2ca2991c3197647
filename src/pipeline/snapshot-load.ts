/**
 * Reading stored snapshots for analysis. The current snapshot is read whole (posture and licences
 * read nearly every dataset); the previous one only for the datasets drift compares, so the
 * pipeline does not hold two 100,000-user snapshots at once.
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import type { Kysely } from 'kysely';
import { OBJECT_KINDS } from '../analyse/drift/index.ts';
import { SNAPSHOT_FORMAT, type Snapshot } from '../collect/snapshot-types.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';

const gunzip = promisify(gunzipCb);

/**
 * What drift reads from the earlier snapshot: the tracked kinds' datasets, and the small datasets
 * its name lookups use. `users` and `groups` are left out: names of people and groups in an
 * event's values then come from the later snapshot (diffSnapshots looks there first).
 */
export const DRIFT_BEFORE_DATASETS: readonly string[] = [
  ...new Set([
    ...OBJECT_KINDS.map((k) => k.dataset),
    'roleDefinitions',
    'directoryRoles',
    'servicePrincipals',
    'namedLocations',
    'applications',
    'conditionalAccessPolicies',
  ]),
];

export interface SnapshotRow {
  id: string;
  startedAt: Date;
  completedAt: Date;
}

/** The complete snapshot of the tenant collected just before this one, if any. */
export async function previousSnapshot(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
  before: Date,
): Promise<SnapshotRow | undefined> {
  const row = await withWorkspace(db, workspaceId, (tx) =>
    tx
      .selectFrom('snapshots')
      .select(['id', 'started_at', 'completed_at'])
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'complete')
      .where('started_at', '<', before)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  );
  return row ? { id: row.id, startedAt: row.started_at, completedAt: row.completed_at! } : undefined;
}

/**
 * A complete snapshot with only the named datasets read (the others absent, which analysis treats
 * as unknown, never as empty). Each chunk is read in its own short transaction.
 */
export async function loadSnapshotDatasets(
  db: Kysely<Schema>,
  workspaceId: string,
  snapshotId: string,
  tenant: { microsoftTenantId: string; displayName: string; cloud: string },
  only: readonly string[],
): Promise<Snapshot | undefined> {
  const meta = await withWorkspace(db, workspaceId, async (tx) => {
    const snap = await tx
      .selectFrom('snapshots')
      .select(['started_at', 'completed_at'])
      .where('id', '=', snapshotId)
      .where('status', '=', 'complete')
      .executeTakeFirst();
    if (!snap || only.length === 0) return snap && { snap, datasets: [] };
    const datasets = await tx
      .selectFrom('snapshot_datasets')
      .selectAll()
      .where('snapshot_id', '=', snapshotId)
      .where('name', 'in', [...only])
      .execute();
    return { snap, datasets };
  });
  if (!meta) return undefined;
  const datasets: Snapshot['datasets'] = {};
  for (const d of meta.datasets) {
    datasets[d.name] = {
      status: d.status,
      collectedAt: d.collected_at.toISOString(),
      items: d.status === 'ok' ? await loadItems(db, workspaceId, snapshotId, d.name) : [],
      ...(d.error_code ? { error: { code: d.error_code, message: d.error_message ?? '' } } : {}),
    };
  }
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: tenant.microsoftTenantId, displayName: tenant.displayName, cloud: tenant.cloud },
    collectedAt: meta.snap.started_at.toISOString(),
    completedAt: meta.snap.completed_at!.toISOString(),
    datasets,
  };
}

async function loadItems(
  db: Kysely<Schema>,
  workspaceId: string,
  snapshotId: string,
  dataset: string,
): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let seq = 0; ; seq++) {
    const chunk = await withWorkspace(db, workspaceId, (tx) =>
      tx
        .selectFrom('snapshot_chunks')
        .select('items')
        .where('snapshot_id', '=', snapshotId)
        .where('dataset', '=', dataset)
        .where('seq', '=', seq)
        .executeTakeFirst(),
    );
    if (!chunk) return items;
    for (const item of JSON.parse((await gunzip(chunk.items)).toString('utf8')) as unknown[])
      items.push(item);
  }
}
