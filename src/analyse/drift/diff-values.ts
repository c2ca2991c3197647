/**
 * The difference between two normalised values of one object, as property-level changes. Sets
 * report each member added or removed (path = the set, value = the member) rather than the whole
 * array replaced; keyed lists report entries added or removed and recurse into kept ones.
 */
import type { DriftEventKind } from './drift-types.ts';
import { canonical, NKeyed, type Norm, NSet, toPlain } from './normalise.ts';
import { joinKey, joinProp } from './paths.ts';

export interface ValueChange {
  kind: DriftEventKind;
  path: string;
  before: unknown;
  after: unknown;
  /** for set members and keyed entries: which member (what a fingerprint names) */
  member?: string;
}

type Obj = { [key: string]: Norm };
const isObj = (n: Norm | undefined): n is Obj =>
  typeof n === 'object' && n !== null && !Array.isArray(n) && !(n instanceof NSet) && !(n instanceof NKeyed);

export function diffValues(a: Norm | undefined, b: Norm | undefined, path = ''): ValueChange[] {
  const out: ValueChange[] = [];
  walk(a, b, path, out);
  return out;
}

function walk(a: Norm | undefined, b: Norm | undefined, path: string, out: ValueChange[]): void {
  if (a === undefined && b === undefined) return;
  // An absent set is an empty set, so a set appearing reports its members one by one.
  if ((a instanceof NSet || a === undefined) && (b instanceof NSet || b === undefined)) {
    diffSets(a?.members ?? new Map(), b?.members ?? new Map(), path, out);
    return;
  }
  if ((a instanceof NKeyed || a === undefined) && (b instanceof NKeyed || b === undefined)) {
    diffKeyed(a?.entries ?? new Map(), b?.entries ?? new Map(), path, out);
    return;
  }
  // An absent object is an empty one: what appears inside it is reported leaf by leaf.
  if ((isObj(a) || a === undefined) && (isObj(b) || b === undefined)) {
    const x = a ?? {};
    const y = b ?? {};
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of [...keys].sort()) walk(x[k], y[k], joinProp(path, k), out);
    return;
  }
  if (canonical(a) !== canonical(b)) {
    out.push({ kind: 'changed', path, before: toPlain(a), after: toPlain(b) });
  }
}

function diffSets(a: Map<string, Norm>, b: Map<string, Norm>, path: string, out: ValueChange[]): void {
  for (const [key, member] of a) {
    if (!b.has(key)) out.push({ kind: 'removed', path, before: toPlain(member), after: null, member: key });
  }
  for (const [key, member] of b) {
    if (!a.has(key)) out.push({ kind: 'added', path, before: null, after: toPlain(member), member: key });
  }
}

function diffKeyed(a: Map<string, Norm>, b: Map<string, Norm>, path: string, out: ValueChange[]): void {
  for (const [key, entry] of a) {
    const other = b.get(key);
    if (other === undefined) {
      out.push({
        kind: 'removed',
        path: joinKey(path, key),
        before: toPlain(entry),
        after: null,
        member: key,
      });
    } else {
      walk(entry, other, joinKey(path, key), out);
    }
  }
  for (const [key, entry] of b) {
    if (!a.has(key)) {
      out.push({ kind: 'added', path: joinKey(path, key), before: null, after: toPlain(entry), member: key });
    }
  }
}
