import type { DatasetResult, DatasetStatus } from './snapshot-types.ts';

/**
 * Where collected items go, page by page, so a 100,000-user dataset never has to sit in memory
 * twice. The in-memory sink serves `tenantscope snapshot` and `scan`; the storage sink writes
 * chunks to the database.
 */
export interface DatasetSink {
  begin(dataset: string): Promise<void>;
  append(dataset: string, items: unknown[]): Promise<void>;
  /** a dataset that ends not `ok` drops what was appended: a failed read is never stored as partial */
  finish(dataset: string, result: Omit<DatasetResult, 'items'> & { itemCount: number }): Promise<void>;
}

export interface MemorySink extends DatasetSink {
  readonly datasets: Record<string, DatasetResult>;
}

export function memorySink(): MemorySink {
  const datasets: Record<string, DatasetResult> = {};
  const pending = new Map<string, unknown[]>();
  return {
    datasets,
    async begin(name) {
      pending.set(name, []);
    },
    async append(name, items) {
      const list = pending.get(name)!;
      for (const item of items) list.push(item);
    },
    async finish(name, result) {
      const items = result.status === 'ok' ? (pending.get(name) ?? []) : [];
      pending.delete(name);
      const { itemCount: _count, ...rest } = result;
      datasets[name] = { ...rest, items };
    },
  };
}

export const isOk = (status: DatasetStatus): boolean => status === 'ok';
