/**
 * Rewriting one stored snapshot without the person, chunk by chunk. Each chunk is read in one short
 * transaction, decompressed and searched outside any, and — only when it names the person —
 * replaced in a second short one that first checks nobody rewrote it meanwhile (then it is read
 * again). The embedded database serialises every connection, so no transaction here ever holds a
 * whole snapshot or waits on compression.
 */
import type { Kysely } from 'kysely';
import { TenantscopeError } from '../platform/errors.ts';
import { listChunks, readChunk, replaceChunk } from '../snapshots/chunk-store.ts';
import type { Schema } from '../storage/schema.ts';
import { rewriteItems } from './rewrite-fns.ts';
import type { Matcher, Placeholders } from './rights-types.ts';
import { mayMention } from './subject-match.ts';

/** Retries of one chunk that someone else rewrote between our read and our write. */
const MAX_ATTEMPTS = 5;

export interface SnapshotRewrite {
  removed: number;
  changed: number;
  chunks: number;
}

export async function rewriteSnapshot(
  db: Kysely<Schema>,
  workspaceId: string,
  snapshotId: string,
  m: Matcher,
  ph: Placeholders,
  /** lower-case identifiers: a chunk whose text holds none is skipped unparsed (plain matchers only) */
  needles?: readonly string[],
): Promise<SnapshotRewrite> {
  const total: SnapshotRewrite = { removed: 0, changed: 0, chunks: 0 };
  for (const place of await listChunks(db, workspaceId, snapshotId)) {
    for (let attempt = 1; ; attempt++) {
      const read = await readChunk(db, workspaceId, place);
      if (!read || (needles && !mayMention(read.text, needles))) break;
      const result = rewriteItems(place.dataset, JSON.parse(read.text) as unknown[], m, ph);
      if (result.removed === 0 && result.changed === 0) break;
      if (await replaceChunk(db, workspaceId, place, read.stored, result.items, result.removed)) {
        total.removed += result.removed;
        total.changed += result.changed;
        total.chunks += 1;
        break;
      }
      if (attempt >= MAX_ATTEMPTS)
        throw new TenantscopeError(
          'TS_ERR_TENANT_BUSY',
          `snapshot ${snapshotId} kept changing while it was rewritten (${place.dataset}, chunk ${place.seq})`,
        );
    }
  }
  return total;
}
