import type {
  ChangeRecord,
  GraphCollections,
  GraphObject,
  GraphSingletons,
  TenantModel,
  TenantStore,
} from '../contract.ts';

/**
 * How many changes the store remembers. Entra keeps delta state for 7 days; the emulator keeps a
 * bounded log instead, and a delta token older than the log answers as an expired token would.
 */
const CHANGE_LOG_LIMIT = 200_000;

/** Wraps a generated model so reads are direct and writes are logged for delta queries. */
export function createTenantStore(model: TenantModel, now: () => Date = () => new Date()): TenantStore {
  const indexes = new Map<string, Map<string, number>>();
  const log: ChangeRecord[] = [];
  let seq = 0;
  let oldestSeq = 0;

  function index(name: keyof GraphCollections): Map<string, number> {
    let found = indexes.get(name);
    if (!found) {
      found = new Map(model.graph.collections[name].map((o, i) => [o.id, i]));
      indexes.set(name, found);
    }
    return found;
  }

  function record(
    collection: string,
    id: string,
    kind: ChangeRecord['kind'],
    changed: string[],
  ): ChangeRecord {
    seq += 1;
    const change: ChangeRecord = { seq, collection, id, kind, changed, at: now().toISOString() };
    log.push(change);
    if (log.length > CHANGE_LOG_LIMIT) {
      const dropped = log.splice(0, log.length - CHANGE_LOG_LIMIT);
      oldestSeq = dropped[dropped.length - 1]!.seq;
    }
    return change;
  }

  return {
    model,
    get seq() {
      return seq;
    },
    get oldestSeq() {
      return oldestSeq;
    },
    collection: (name) => model.graph.collections[name],
    find(name, id) {
      const i = index(name).get(id);
      return i === undefined ? undefined : model.graph.collections[name][i];
    },
    upsert(name, object) {
      const items = model.graph.collections[name];
      const idx = index(name);
      const i = idx.get(object.id);
      if (i === undefined) {
        idx.set(object.id, items.length);
        items.push(object);
        return record(name, object.id, 'upsert', Object.keys(object));
      }
      const changed = changedProperties(items[i]!, object);
      items[i] = object;
      return record(name, object.id, 'upsert', changed);
    },
    remove(name, id, kind = 'softDelete') {
      const items = model.graph.collections[name];
      const i = index(name).get(id);
      if (i === undefined) return undefined;
      items.splice(i, 1);
      indexes.delete(name); // positions after i moved; rebuilt lazily
      return record(name, id, kind, []);
    },
    replaceSingleton(name: keyof GraphSingletons, object: GraphObject) {
      const changed = changedProperties(model.graph.singletons[name], object);
      model.graph.singletons[name] = object;
      return record(name, object.id, 'upsert', changed);
    },
    changesSince(name, since) {
      const latest = new Map<string, ChangeRecord>();
      for (let i = log.length - 1; i >= 0 && log[i]!.seq > since; i--) {
        const change = log[i]!;
        if (change.collection === name && !latest.has(change.id)) latest.set(change.id, change);
      }
      return [...latest.values()].reverse();
    },
  };
}

function changedProperties(before: GraphObject, after: GraphObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
