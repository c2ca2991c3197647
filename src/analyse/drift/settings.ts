/**
 * A tenant's current settings as a standard sees them: every leaf of every tracked object's
 * normalised value (normalise.ts), named by the same paths rules use (paths.ts). The standard
 * editor offers these to pick from, so a rule `{ path: { equals: value } }` written from an entry
 * holds for the object it came from — test/api-tenant-settings.test.ts proves that round trip.
 *
 * Leaves are scalars, sets and ordered lists; objects and keyed lists are walked into, so a
 * keyed entry reads `authenticationMethodConfigurations[Sms].state`. Nothing is listed that a
 * rule could not address (a property name holding `.` or `[`), and nothing secret: credential key
 * material and hints are left out even when a snapshot holds them.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import { createLookups } from './lookups.ts';
import { canonical, NKeyed, type Norm, NSet, toPlain } from './normalise.ts';
import { OBJECT_KINDS } from './object-kinds.ts';
import { joinKey, joinProp, parsePath, valueAt } from './paths.ts';
import { normalisedObjects } from './standard-eval.ts';

export type SettingValueType = 'string' | 'number' | 'boolean' | 'list';

export interface SettingEntry {
  kind: string;
  /** collections only: the object's id (a singleton is named by its kind) */
  objectId?: string;
  objectName: string;
  path: string;
  /** plain JSON: sets as arrays in sorted order */
  value: unknown;
  valueType: SettingValueType;
}

export interface KindSummary {
  kind: string;
  label: string;
  cardinality: 'one' | 'many';
  objects: number;
  settings: number;
  /** why this kind has no settings to offer: its dataset was not read */
  unavailable?: string;
}

export interface TenantSettings {
  entries: SettingEntry[];
  kinds: KindSummary[];
}

/**
 * Schema paths (property names, keys left out) never offered. Graph returns neither key material
 * nor secret text in lists, and normalisation drops them as volatile (object-kinds.ts), but a
 * snapshot file can come from anywhere; `hint` is the first characters of a client secret.
 */
const SECRET_SCHEMA_PATHS = new Set([
  'passwordCredentials.secretText',
  'passwordCredentials.hint',
  'keyCredentials.key',
]);
const SECRET_NAMES = new Set(['secretText', 'password', 'clientSecret', 'privateKey']);

const isSecret = (schemaPath: string) =>
  SECRET_SCHEMA_PATHS.has(schemaPath) || SECRET_NAMES.has(schemaPath.slice(schemaPath.lastIndexOf('.') + 1));

type Obj = { [key: string]: Norm };
const isObj = (n: Norm): n is Obj =>
  typeof n === 'object' && n !== null && !Array.isArray(n) && !(n instanceof NSet) && !(n instanceof NKeyed);

interface Leaf {
  path: string;
  norm: Norm;
}

function leaves(n: Norm | undefined, path: string, schemaPath: string, out: Leaf[]): void {
  if (n === undefined || n === null) return;
  if (schemaPath && isSecret(schemaPath)) return;
  if (n instanceof NKeyed) {
    for (const [key, entry] of n.entries) leaves(entry, joinKey(path, key), schemaPath, out);
    return;
  }
  if (isObj(n)) {
    for (const key of Object.keys(n)) leaves(n[key], joinProp(path, key), joinProp(schemaPath, key), out);
    return;
  }
  out.push({ path, norm: n });
}

/** A leaf is offered only when its path reads back to the same value, as the evaluator reads it. */
function addressable(root: Norm | undefined, leaf: Leaf): boolean {
  const segments = parsePath(leaf.path);
  if ('error' in segments) return false;
  return canonical(valueAt(root, segments)) === canonical(leaf.norm);
}

function valueType(n: Norm): SettingValueType {
  if (typeof n === 'string' || typeof n === 'number' || typeof n === 'boolean')
    return typeof n as SettingValueType;
  return 'list';
}

/** Every setting of every tracked kind in the snapshot, in kind order, then object name, then path. */
export function tenantSettings(snapshot: Snapshot): TenantSettings {
  const lookups = createLookups(snapshot);
  const entries: SettingEntry[] = [];
  const kinds: KindSummary[] = [];
  for (const kind of OBJECT_KINDS) {
    const head = { kind: kind.kind, label: kind.label, cardinality: kind.cardinality };
    const objects = normalisedObjects(snapshot, kind, lookups);
    if (typeof objects === 'string') {
      kinds.push({ ...head, objects: 0, settings: 0, unavailable: objects });
      continue;
    }
    const sorted = [...objects].sort((a, b) => compareText(a.object.name, b.object.name));
    const before = entries.length;
    for (const { object, norm } of sorted) {
      const found: Leaf[] = [];
      leaves(norm, '', '', found);
      for (const leaf of found) {
        if (!addressable(norm, leaf)) continue;
        entries.push({
          kind: kind.kind,
          ...(kind.cardinality === 'many' ? { objectId: object.id } : {}),
          objectName: object.name,
          path: leaf.path,
          value: toPlain(leaf.norm),
          valueType: valueType(leaf.norm),
        });
      }
    }
    kinds.push({ ...head, objects: objects.length, settings: entries.length - before });
  }
  return { entries, kinds };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface SettingsFilter {
  kind?: string | undefined;
  /** words in the path, the object's name or id, or the value (case-insensitive) */
  q?: string | undefined;
}

/** Entries matching the filter: every word of `q` somewhere in the entry. */
export function filterSettings(entries: readonly SettingEntry[], filter: SettingsFilter): SettingEntry[] {
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => {
    if (filter.kind && e.kind !== filter.kind) return false;
    if (words.length === 0) return true;
    const text = `${e.path}\n${e.objectName}\n${e.objectId ?? ''}\n${JSON.stringify(e.value)}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
