/**
 * Stored snapshot chunks one at a time: listing them, reading one, and replacing one in place —
 * what an erasure of one person (src/rights/) needs. The format stays the snapshot repo's: a chunk
 * is a gzip-compressed JSON array, at most 2,000 items, at its `(snapshot, dataset, seq)` place.
 * A rewritten chunk keeps its place even when it ends empty (`[]`), so readers that walk `seq`
 * from 0 until a gap still read every later chunk.
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

export interface ChunkPlace {
  snapshotId: string;
  dataset: string;
  seq: number;
}

/** The chunks of one snapshot's `ok` datasets, in reading order (optionally only some datasets). */
export async function listChunks(
  db: Kysely<Schema>,
  workspaceId: string,
  snapshotId: string,
  only?: readonly string[],
): Promise<ChunkPlace[]> {
  const rows = await withWorkspace(db, workspaceId, (tx) => {
    let q = tx
      .selectFrom('snapshot_chunks')
      .select(['dataset', 'seq'])
      .where('snapshot_id', '=', snapshotId)
      .orderBy('dataset')
      .orderBy('seq');
    if (only) q = q.where('dataset', 'in', only.length > 0 ? [...only] : ['']);
    return q.execute();
  });
  return rows.map((r) => ({ snapshotId, dataset: r.dataset, seq: r.seq }));
}

export interface ChunkRead {
  /** the stored bytes, to detect a concurrent rewrite before replacing */
  stored: Buffer;
  /** the decompressed JSON text */
  text: string;
}

/** One chunk, read in its own short transaction and decompressed outside it. */
export async function readChunk(
  db: Kysely<Schema>,
  workspaceId: string,
  place: ChunkPlace,
): Promise<ChunkRead | undefined> {
  const row = await withWorkspace(db, workspaceId, (tx) =>
    tx
      .selectFrom('snapshot_chunks')
      .select('items')
      .where('snapshot_id', '=', place.snapshotId)
      .where('dataset', '=', place.dataset)
      .where('seq', '=', place.seq)
      .executeTakeFirst(),
  );
  if (!row) return undefined;
  return { stored: row.items, text: (await gunzip(row.items)).toString('utf8') };
}

/**
 * Replaces one chunk's items, unless it changed since `expected` was read (then false: read it
 * again and redo the work). The dataset's `item_count` drops by `removed` in the same transaction,
 * so the count always agrees with the chunks. Compression happens before the transaction opens.
 */
export async function replaceChunk(
  db: Kysely<Schema>,
  workspaceId: string,
  place: ChunkPlace,
  expected: Buffer,
  items: readonly unknown[],
  removed: number,
): Promise<boolean> {
  const bytes = await gzip(JSON.stringify(items));
  return withWorkspace(db, workspaceId, async (tx) => {
    const current = await sql<{ items: Buffer }>`
      SELECT items FROM snapshot_chunks
      WHERE snapshot_id = ${place.snapshotId} AND dataset = ${place.dataset} AND seq = ${place.seq}
      FOR UPDATE`.execute(tx);
    const row = current.rows[0];
    if (!row || !Buffer.from(row.items).equals(expected)) return false;
    await tx
      .updateTable('snapshot_chunks')
      .set({ items: bytes })
      .where('snapshot_id', '=', place.snapshotId)
      .where('dataset', '=', place.dataset)
      .where('seq', '=', place.seq)
      .execute();
    if (removed > 0)
      await tx
        .updateTable('snapshot_datasets')
        .set((eb) => ({ item_count: sql<number>`greatest(0, ${eb.ref('item_count')} - ${removed})` }))
        .where('snapshot_id', '=', place.snapshotId)
        .where('name', '=', place.dataset)
        .execute();
    return true;
  });
}
