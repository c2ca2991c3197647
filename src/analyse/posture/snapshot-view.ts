/**
 * Read access to a snapshot for checks. A dataset that is not `ok` is unknown, never empty
 * (docs/snapshot-format.md), so reading one throws `DatasetUnavailable` and the evaluator turns
 * that into `unknown` or `notLicensed`. A view scoped to a check also refuses datasets the check
 * did not declare, so a check's declared datasets are exactly what it can read.
 *
 * Indexes shared by many checks (users by id, role holders…) are built once per evaluation with
 * `memo`; a memo remembers which datasets it read, and every later hit re-checks them against the
 * reading check's declaration.
 */
import type { DatasetStatus, RelationItem, Snapshot } from '../../collect/snapshot-types.ts';

export type Raw = Record<string, unknown>;

export class DatasetUnavailable extends Error {
  constructor(
    readonly dataset: string,
    readonly status: DatasetStatus | 'missing',
    readonly detail?: string,
  ) {
    super(`dataset ${dataset} is ${status}${detail ? `: ${detail}` : ''}`);
  }
}

/** A check read a dataset it did not declare: a bug in the check, reported as unknown. */
export class UndeclaredDataset extends Error {
  constructor(readonly dataset: string) {
    super(`the check read ${dataset} without declaring it`);
  }
}

export interface SnapshotView {
  readonly tenantId: string;
  /** the instant ages are measured from (by default when the snapshot was collected) */
  readonly now: Date;
  status(name: string): DatasetStatus | 'missing';
  items<T = Raw>(name: string): T[];
  /** the one object of a singleton dataset */
  single<T = Raw>(name: string): T;
  /** a relation dataset as parent id → its items */
  relation<T = Raw>(name: string): Map<string, T[]>;
  memo<T>(key: string, build: (view: SnapshotView) => T): T;
}

interface MemoEntry {
  value: unknown;
  deps: string[];
}

class BaseView implements SnapshotView {
  readonly tenantId: string;
  readonly memos = new Map<string, MemoEntry>();
  private readonly relations = new Map<string, Map<string, unknown[]>>();

  constructor(
    private readonly snapshot: Snapshot,
    readonly now: Date,
  ) {
    this.tenantId = snapshot.tenant.tenantId;
  }

  status(name: string): DatasetStatus | 'missing' {
    return this.snapshot.datasets[name]?.status ?? 'missing';
  }

  items<T>(name: string): T[] {
    const d = this.snapshot.datasets[name];
    if (!d) throw new DatasetUnavailable(name, 'missing', 'not in the snapshot');
    if (d.status !== 'ok') throw new DatasetUnavailable(name, d.status, d.error?.message);
    return d.items as T[];
  }

  single<T>(name: string): T {
    const first = this.items<T>(name)[0];
    if (first === undefined) throw new DatasetUnavailable(name, 'error', 'the singleton has no object');
    return first;
  }

  relation<T>(name: string): Map<string, T[]> {
    let map = this.relations.get(name);
    if (!map) {
      map = new Map();
      for (const entry of this.items<RelationItem>(name)) map.set(entry.parentId, entry.items);
      this.relations.set(name, map);
    }
    return map as Map<string, T[]>;
  }

  memo<T>(key: string, build: (view: SnapshotView) => T): T {
    const hit = this.memos.get(key);
    if (hit) return hit.value as T;
    const recorder = new ScopedView(this, null);
    const value = build(recorder);
    this.memos.set(key, { value, deps: [...recorder.read] });
    return value;
  }
}

/** A view limited to declared datasets (`null`: any), recording what it reads. */
class ScopedView implements SnapshotView {
  readonly read = new Set<string>();
  constructor(
    private readonly base: BaseView,
    private readonly declared: ReadonlySet<string> | null,
  ) {}

  get tenantId() {
    return this.base.tenantId;
  }
  get now() {
    return this.base.now;
  }
  status(name: string) {
    return this.base.status(name);
  }
  private touch(name: string): void {
    if (this.declared && !this.declared.has(name)) throw new UndeclaredDataset(name);
    this.read.add(name);
  }
  items<T>(name: string): T[] {
    this.touch(name);
    return this.base.items<T>(name);
  }
  single<T>(name: string): T {
    this.touch(name);
    return this.base.single<T>(name);
  }
  relation<T>(name: string): Map<string, T[]> {
    this.touch(name);
    return this.base.relation<T>(name);
  }
  memo<T>(key: string, build: (view: SnapshotView) => T): T {
    const hit = this.base.memos.get(key);
    if (!hit) {
      const value = this.base.memo(key, build);
      for (const dep of this.base.memos.get(key)!.deps) this.touch(dep);
      return value;
    }
    // The cached index was built from these datasets: they must be declared and readable here too.
    for (const dep of hit.deps) {
      this.touch(dep);
      this.base.items(dep);
    }
    return hit.value as T;
  }
}

export interface ViewFactory {
  /** unrestricted (the evaluator's own reads: licences, break-glass resolution) */
  readonly root: SnapshotView;
  scoped(datasets: readonly string[]): SnapshotView;
}

export function createView(snapshot: Snapshot, now: Date): ViewFactory {
  const base = new BaseView(snapshot, now);
  return {
    root: new ScopedView(base, null),
    scoped: (datasets) => new ScopedView(base, new Set(datasets)),
  };
}
