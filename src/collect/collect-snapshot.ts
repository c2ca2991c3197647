import type { ArmClient } from '../connectors/arm-client.ts';
import type { GraphClient } from '../connectors/graph-client.ts';
import { collectArm } from './collect-arm.ts';
import { collectGraphDataset, type DatasetOutcome, type ProgressEvent } from './collect-graph.ts';
import type { DatasetSink } from './dataset-sink.ts';
import { type CollectContext, type GraphDataset, graphDatasets } from './graph-datasets.ts';
import type { Snapshot } from './snapshot-types.ts';

export interface CollectOptions {
  graph: GraphClient;
  sink: DatasetSink;
  ctx: CollectContext;
  /** which datasets (default: all) */
  datasets?: GraphDataset[];
  /**
   * Datasets read at once. Each has its own throttling bucket (directory, reports, conditional
   * access…) and the pacer keeps every bucket under Microsoft's limits, so a few in parallel
   * cut wall time without meeting a 429.
   */
  concurrency?: number;
  /**
   * The tenant's previous snapshot: `users` and `groups` then fetch only what changed since it
   * (Graph delta), falling back to a full read when its deltaLink cannot be used. The caller
   * makes sure it is a snapshot of the same tenant.
   */
  previous?: Snapshot;
  /**
   * When given, the Azure datasets (subscriptions, inventory, cost, recommendations, metrics) are
   * read beside the Graph ones. They draw on other throttling budgets (Cost Management QPU, ARM
   * reads), so both run at once.
   */
  arm?: ArmClient;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Reads every dataset into the sink, a few at a time. A relation dataset (members of each group…)
 * starts as soon as its parent is read, not after every other dataset: a slow, rate-limited one
 * (conditional access at 1 request/s) must not hold up the largest read. Throws only when the
 * connection itself fails (consent revoked, secret expired); a dataset that fails is recorded.
 */
export async function collectSnapshot(options: CollectOptions): Promise<DatasetOutcome[]> {
  const all = options.datasets ?? graphDatasets;
  const relations = all.filter(
    (d): d is Extract<GraphDataset, { shape: 'relation' }> => d.shape === 'relation',
  );
  const run = {
    graph: options.graph,
    sink: options.sink,
    ctx: options.ctx,
    relations,
    parentIds: new Map<string, string[]>(),
    previous: options.previous?.datasets,
    onProgress: options.onProgress ?? (() => {}),
  };
  const names = new Set(all.map((d) => d.name));
  // A relation whose parent is not in the list still runs (last), and is recorded as failed.
  const ready: GraphDataset[] = [
    ...all.filter((d) => d.shape !== 'relation'),
    ...relations.filter((r) => !names.has(r.parent)),
  ];
  const released = (parent: string) => relations.filter((r) => r.parent === parent);
  const graph = schedule(ready, released, options.concurrency ?? 4, (ds) => collectGraphDataset(ds, run));
  if (!options.arm) return graph;
  const arm = collectArm({
    arm: options.arm,
    sink: options.sink,
    ctx: options.ctx,
    onProgress: run.onProgress,
  });
  // Both finish before a failure is reported, so no read is left running behind a thrown error.
  const [g, a] = await Promise.allSettled([graph, arm]);
  if (g.status === 'rejected') throw g.reason;
  if (a.status === 'rejected') throw a.reason;
  return [...g.value, ...a.value];
}

/**
 * Runs `work` over the ready items, at most `size` at once; when one finishes, the items it
 * releases join the queue. The first thrown error stops new work, waits for the running work,
 * and is rethrown. Outcomes come back in the order they finished.
 */
async function schedule<T extends { name: string }, R>(
  ready: T[],
  released: (name: string) => T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const queue = [...ready];
  const results: R[] = [];
  let failed: unknown;
  let running = 0;
  return new Promise<R[]>((resolve, reject) => {
    const pump = () => {
      while (failed === undefined && running < size && queue.length > 0) {
        const item = queue.shift()!;
        running += 1;
        work(item).then(
          (result) => {
            results.push(result);
            queue.push(...released(item.name));
            settle();
          },
          (error: unknown) => {
            failed ??= error;
            settle();
          },
        );
      }
      if (running === 0) {
        if (failed !== undefined) reject(failed);
        else resolve(results);
      }
    };
    const settle = () => {
      running -= 1;
      pump();
    };
    pump();
  });
}

/** Runs `work` over `items` with at most `size` at once; the first thrown error stops the pool. */
export async function inPool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}
