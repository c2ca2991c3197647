/**
 * Applying Graph delta pages to a dataset (delta-query-overview.md; graph-protocol.md §2.3). Pure:
 * no I/O. A delta round is a list of changes in order:
 * - an upsert carries `id` and at least the changed properties (by default every selected one;
 *   with `Prefer: return=minimal` only the changed ones), so it is merged into the object held;
 * - a removal is `{ id, "@removed": { reason: "changed" | "deleted" } }` — `changed` is a soft
 *   delete (restorable), `deleted` permanent; either way the object leaves the live collection,
 *   which is what `GET /users` lists;
 * - the same object may appear more than once, and rounds may replay (§2.3): later changes win.
 */
export type GraphItem = Record<string, unknown>;

/** The live objects by id, in the order a full read would list them (first seen first). */
export type DeltaState = Map<string, GraphItem>;

export function deltaState(items: readonly unknown[] = []): DeltaState {
  const state: DeltaState = new Map();
  for (const item of items) {
    if (isItem(item)) state.set(item.id, item);
  }
  return state;
}

/** Applies one page of changes in order; returns how many items it changed or removed. */
export function applyDeltaPage(state: DeltaState, changes: readonly unknown[]): number {
  let applied = 0;
  for (const change of changes) {
    if (!isItem(change)) continue; // Graph always sends an id; anything else cannot be placed
    applied += 1;
    if (change['@removed'] !== undefined) {
      state.delete(change.id);
      continue;
    }
    const held = state.get(change.id);
    state.set(change.id, held ? merge(held, change) : clean(change));
  }
  return applied;
}

/**
 * The new values over the old ones. Keys follow the newest answer's order, then any property only
 * the old object had: with Graph's default (every selected property returned) the result is the
 * very object a full read returns.
 */
function merge(held: GraphItem, change: GraphItem): GraphItem {
  const out = clean(change);
  for (const [key, value] of Object.entries(held)) if (!(key in out)) out[key] = value;
  return out;
}

/**
 * Drops delta-only annotations: `@removed`, and `relationship@delta` lists (e.g. `members@delta`
 * when members are tracked). A full read never carries them, and a snapshot holds what it would.
 */
function clean(change: GraphItem): GraphItem {
  const out: GraphItem = {};
  for (const [key, value] of Object.entries(change)) {
    if (key === '@removed' || key.endsWith('@delta')) continue;
    out[key] = value;
  }
  return out;
}

const isItem = (v: unknown): v is GraphItem & { id: string } =>
  typeof v === 'object' && v !== null && typeof (v as GraphItem).id === 'string';
