/**
 * A dataset sink that drops erased people on the way in: each page is rewritten by the same rule
 * as stored snapshots (rewrite-fns.ts) before the inner sink sees it, and the dataset's item count
 * is lowered by the items removed. Items the collector still holds are never mutated.
 */
import type { DatasetSink } from '../collect/dataset-sink.ts';
import { rewriteItems } from './rewrite-fns.ts';
import { ERASED, type Matcher } from './rights-types.ts';

export function erasingSink(inner: DatasetSink, m: Matcher): DatasetSink {
  const removed = new Map<string, number>();
  return {
    async begin(dataset) {
      removed.set(dataset, 0);
      await inner.begin(dataset);
    },
    async append(dataset, items) {
      const result = rewriteItems(dataset, items, m, ERASED);
      removed.set(dataset, (removed.get(dataset) ?? 0) + result.removed);
      await inner.append(dataset, result.items);
    },
    async finish(dataset, result) {
      const dropped = removed.get(dataset) ?? 0;
      removed.delete(dataset);
      await inner.finish(dataset, { ...result, itemCount: Math.max(0, result.itemCount - dropped) });
    },
  };
}
