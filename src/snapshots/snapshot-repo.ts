import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { DatasetSink } from '../collect/dataset-sink.ts';
import { type DatasetResult, SNAPSHOT_FORMAT, type Snapshot } from '../collect/snapshot-types.ts';
import { newId } from '../platform/ids.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/**
 * Items per stored chunk. 2,000 users with the collected fields gzip to well under 1 MB, so a
 * chunk is one short transaction — the embedded database serialises connections, and a long
 * write would hold every other query.
 */
const CHUNK_ITEMS = 2_000;

export interface SnapshotRef {
  workspaceId: string;
  tenantId: string;
  snapshotId: string;
}

/** Starts a snapshot in state `collecting`: invisible to every reader until `completeSnapshot`. */
export async function beginSnapshot(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
  startedAt: Date,
): Promise<SnapshotRef> {
  const snapshotId = newId();
  await withWorkspace(db, workspaceId, (tx) =>
    tx
      .insertInto('snapshots')
      .values({
        id: snapshotId,
        workspace_id: workspaceId,
        tenant_id: tenantId,
        status: 'collecting',
        format: SNAPSHOT_FORMAT,
        started_at: startedAt,
      })
      .execute(),
  );
  return { workspaceId, tenantId, snapshotId };
}

/**
 * A sink that streams each dataset into compressed chunks. A dataset that ends not `ok` has its
 * chunks removed, so a failed read is never stored as partial data.
 */
export function storageSink(db: Kysely<Schema>, ref: SnapshotRef): DatasetSink {
  const buffers = new Map<string, { items: unknown[]; seq: number }>();
  const flush = async (dataset: string) => {
    const buffer = buffers.get(dataset)!;
    if (buffer.items.length === 0) return;
    const items = await gzip(JSON.stringify(buffer.items));
    const seq = buffer.seq++;
    buffer.items = [];
    await withWorkspace(db, ref.workspaceId, (tx) =>
      tx
        .insertInto('snapshot_chunks')
        .values({ snapshot_id: ref.snapshotId, workspace_id: ref.workspaceId, dataset, seq, items })
        .execute(),
    );
  };
  return {
    async begin(dataset) {
      buffers.set(dataset, { items: [], seq: 0 });
    },
    async append(dataset, items) {
      const buffer = buffers.get(dataset)!;
      for (const item of items) {
        buffer.items.push(item);
        if (buffer.items.length >= CHUNK_ITEMS) await flush(dataset);
      }
    },
    async finish(dataset, result) {
      if (result.status === 'ok') await flush(dataset);
      buffers.delete(dataset);
      await withWorkspace(db, ref.workspaceId, async (tx) => {
        if (result.status !== 'ok') {
          await tx
            .deleteFrom('snapshot_chunks')
            .where('snapshot_id', '=', ref.snapshotId)
            .where('dataset', '=', dataset)
            .execute();
        }
        await tx
          .insertInto('snapshot_datasets')
          .values({
            snapshot_id: ref.snapshotId,
            workspace_id: ref.workspaceId,
            name: dataset,
            status: result.status,
            collected_at: new Date(result.collectedAt),
            item_count: result.status === 'ok' ? result.itemCount : 0,
            error_code: result.error?.code ?? null,
            error_message: result.error?.message ?? null,
            delta_link: result.deltaLink ?? null,
            delta_query: result.deltaQuery ?? null,
          })
          .onConflict((oc) => oc.columns(['snapshot_id', 'name']).doNothing())
          .execute();
      });
    },
  };
}

export async function completeSnapshot(
  db: Kysely<Schema>,
  ref: SnapshotRef,
  completedAt: Date,
): Promise<void> {
  await withWorkspace(db, ref.workspaceId, (tx) =>
    tx
      .updateTable('snapshots')
      .set({ status: 'complete', completed_at: completedAt })
      .where('id', '=', ref.snapshotId)
      .where('status', '=', 'collecting')
      .execute(),
  );
}

/**
 * Marks a tenant's unfinished snapshots abandoned and drops their chunks: what a killed worker
 * left behind. Safe because a tenant syncs one at a time (the job's singleton key).
 */
export async function abandonUnfinished(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
): Promise<number> {
  return withWorkspace(db, workspaceId, async (tx) => {
    const stale = await tx
      .selectFrom('snapshots')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'collecting')
      .execute();
    if (stale.length === 0) return 0;
    const ids = stale.map((s) => s.id);
    await tx.deleteFrom('snapshot_chunks').where('snapshot_id', 'in', ids).execute();
    await tx.updateTable('snapshots').set({ status: 'abandoned' }).where('id', 'in', ids).execute();
    return ids.length;
  });
}

export interface SnapshotSummary {
  id: string;
  tenantId: string;
  startedAt: Date;
  completedAt: Date;
  datasets: {
    name: string;
    status: DatasetResult['status'];
    itemCount: number;
    error: { code: string; message: string } | null;
  }[];
}

/** Complete snapshots of a tenant, newest first. Unfinished ones never appear. */
export async function listSnapshots(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
  limit = 20,
): Promise<SnapshotSummary[]> {
  return withWorkspace(db, workspaceId, async (tx) => {
    const snaps = await tx
      .selectFrom('snapshots')
      .select(['id', 'tenant_id', 'started_at', 'completed_at'])
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'complete')
      .orderBy('completed_at', 'desc')
      .limit(limit)
      .execute();
    if (snaps.length === 0) return [];
    const datasets = await tx
      .selectFrom('snapshot_datasets')
      .select(['snapshot_id', 'name', 'status', 'item_count', 'error_code', 'error_message'])
      .where(
        'snapshot_id',
        'in',
        snaps.map((s) => s.id),
      )
      .orderBy('name')
      .execute();
    return snaps.map((s) => ({
      id: s.id,
      tenantId: s.tenant_id,
      startedAt: s.started_at,
      completedAt: s.completed_at!,
      datasets: datasets
        .filter((d) => d.snapshot_id === s.id)
        .map((d) => ({
          name: d.name,
          status: d.status,
          itemCount: d.item_count,
          error: d.error_code ? { code: d.error_code, message: d.error_message ?? '' } : null,
        })),
    }));
  });
}

/** Reads a complete snapshot back into the file form (analysis and export use this). */
export async function loadSnapshot(
  db: Kysely<Schema>,
  workspaceId: string,
  snapshotId: string,
  tenant: { microsoftTenantId: string; displayName: string; cloud: string },
  /** only these datasets (a delta sync needs users and groups, not the whole snapshot) */
  only?: ReadonlySet<string>,
): Promise<Snapshot | undefined> {
  const meta = await withWorkspace(db, workspaceId, async (tx) => {
    const snap = await tx
      .selectFrom('snapshots')
      .selectAll()
      .where('id', '=', snapshotId)
      .where('status', '=', 'complete')
      .executeTakeFirst();
    if (!snap) return undefined;
    const datasets = await tx
      .selectFrom('snapshot_datasets')
      .selectAll()
      .where('snapshot_id', '=', snapshotId)
      .execute();
    return { snap, datasets };
  });
  if (!meta) return undefined;
  const out: Snapshot['datasets'] = {};
  for (const d of meta.datasets) {
    if (only && !only.has(d.name)) continue;
    out[d.name] = {
      status: d.status,
      collectedAt: d.collected_at.toISOString(),
      items: d.status === 'ok' ? await loadItems(db, workspaceId, snapshotId, d.name) : [],
      ...(d.delta_link ? { deltaLink: d.delta_link } : {}),
      ...(d.delta_query ? { deltaQuery: d.delta_query } : {}),
      ...(d.error_code ? { error: { code: d.error_code, message: d.error_message ?? '' } } : {}),
    };
  }
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: tenant.microsoftTenantId, displayName: tenant.displayName, cloud: tenant.cloud },
    collectedAt: meta.snap.started_at.toISOString(),
    completedAt: meta.snap.completed_at!.toISOString(),
    datasets: out,
  };
}

/** One chunk per transaction, so reading a large dataset never holds the database for long. */
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
