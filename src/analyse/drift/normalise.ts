/**
 * Normalisation: the form in which two reads of the same object compare equal unless its
 * configuration changed. Reads differ without a change in three ways we absorb here:
 * - volatile fields (`modifiedDateTime`, `@odata.context` carrying the host, timestamps of reads);
 * - the order of arrays Graph treats as sets (`includeUsers`, `builtInControls`, `ipRanges`);
 * - `null` versus a missing property versus an empty set (Graph returns each for "none").
 *
 * Arrays are sets by default, because nearly every array in Entra configuration is one. A list of
 * objects with an identifying field (a credential's `keyId`, a method configuration's `id`) is a
 * keyed list, compared entry by entry; a few arrays whose order matters are named `ordered`.
 */

/** An unordered set: members by their canonical JSON, in sorted order. */
export class NSet {
  constructor(readonly members: Map<string, Norm>) {}
}

/** A list of objects identified by `field`: entries by that field's value, in sorted order. */
export class NKeyed {
  constructor(
    readonly field: string,
    readonly entries: Map<string, Norm>,
  ) {}
}

export type Norm = null | string | number | boolean | Norm[] | NSet | NKeyed | { [key: string]: Norm };

export interface ShapeRules {
  /** schema paths (property names joined by dots, keys left out) never compared */
  volatile: ReadonlySet<string>;
  /** schema path of a keyed list → its identifying field */
  keyed: Readonly<Record<string, string>>;
  /** schema paths of arrays whose order is meaningful (PIM approval stages) */
  ordered: ReadonlySet<string>;
}

export const NO_RULES: ShapeRules = { volatile: new Set(), keyed: {}, ordered: new Set() };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns undefined for "nothing": null, missing, an empty set, an object with nothing left. */
export function normalise(value: unknown, rules: ShapeRules, schemaPath = ''): Norm | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return normaliseArray(value, rules, schemaPath);
  if (isPlainObject(value)) return normaliseObject(value, rules, schemaPath);
  return value as string | number | boolean;
}

function normaliseObject(value: Record<string, unknown>, rules: ShapeRules, schemaPath: string) {
  const out: Record<string, Norm> = {};
  let any = false;
  for (const key of Object.keys(value).sort()) {
    // OData annotations (`@odata.context` holds the host; `@odata.type` never changes for an id)
    if (key.startsWith('@odata.')) continue;
    const childPath = schemaPath ? `${schemaPath}.${key}` : key;
    if (rules.volatile.has(childPath)) continue;
    const child = normalise(value[key], rules, childPath);
    if (child === undefined) continue;
    out[key] = child;
    any = true;
  }
  return any ? out : undefined;
}

function normaliseArray(value: unknown[], rules: ShapeRules, schemaPath: string): Norm | undefined {
  if (rules.ordered.has(schemaPath)) {
    return value.length ? value.map((v) => normalise(v, rules, schemaPath) ?? null) : undefined;
  }
  const field = rules.keyed[schemaPath] ?? (value.length > 0 && value.every(hasStringId) ? 'id' : undefined);
  if (field) {
    const pairs: [string, Norm][] = [];
    for (const item of value) {
      const key = isPlainObject(item) ? item[field] : undefined;
      const n = normalise(item, rules, schemaPath);
      if (n !== undefined) pairs.push([typeof key === 'string' ? key : canonical(n), n]);
    }
    return pairs.length ? new NKeyed(field, sortedMap(pairs)) : undefined;
  }
  const pairs: [string, Norm][] = [];
  for (const item of value) {
    const n = normalise(item, rules, schemaPath);
    if (n !== undefined) pairs.push([canonical(n), n]);
  }
  return pairs.length ? new NSet(sortedMap(pairs)) : undefined;
}

const hasStringId = (v: unknown) => isPlainObject(v) && typeof v.id === 'string';

function sortedMap(pairs: [string, Norm][]): Map<string, Norm> {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map(pairs);
}

/** Plain JSON again: sets and keyed lists become arrays in their sorted order. */
export function toPlain(n: Norm | undefined): unknown {
  if (n === undefined) return null;
  if (n instanceof NSet) return [...n.members.values()].map(toPlain);
  if (n instanceof NKeyed) return [...n.entries.values()].map(toPlain);
  if (Array.isArray(n)) return n.map(toPlain);
  if (isPlainObject(n)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) out[k] = toPlain(v);
    return out;
  }
  return n;
}

/** Deterministic JSON of a normalised value (object keys are already sorted by `normalise`). */
export function canonical(n: Norm | undefined): string {
  return JSON.stringify(toPlain(n));
}
