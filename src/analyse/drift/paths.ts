/**
 * Property paths as drift and standards write them: property names joined by dots, entries of
 * keyed lists in brackets — `conditions.users.excludeUsers`,
 * `authenticationMethodConfigurations[Sms].state`, `values[EnableGroupCreation].value`.
 */
import { NKeyed, type Norm, NSet } from './normalise.ts';

export type Segment = { prop: string } | { key: string };

const SEGMENT = /^(?:\.?([^.[\]]+)|\[([^\]]+)\])/;

/** Parses a path; returns an error message instead when it is malformed. */
export function parsePath(path: string): Segment[] | { error: string } {
  const out: Segment[] = [];
  let rest = path;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m || (out.length === 0 && rest.startsWith('.'))) return { error: `malformed path '${path}'` };
    out.push(m[1] !== undefined ? { prop: m[1] } : { key: m[2]! });
    rest = rest.slice(m[0].length);
  }
  if (out.length === 0) return { error: 'empty path' };
  return out;
}

export const joinProp = (path: string, prop: string) => (path ? `${path}.${prop}` : prop);
export const joinKey = (path: string, key: string) => `${path}[${key}]`;

/** The value at a path in a normalised object; undefined when any step is absent. */
export function valueAt(n: Norm | undefined, segments: Segment[]): Norm | undefined {
  let cur: Norm | undefined = n;
  for (const s of segments) {
    if (cur === undefined || cur === null) return undefined;
    if ('key' in s) {
      cur = cur instanceof NKeyed ? cur.entries.get(s.key) : undefined;
    } else if (
      typeof cur === 'object' &&
      !Array.isArray(cur) &&
      !(cur instanceof NSet) &&
      !(cur instanceof NKeyed)
    ) {
      cur = cur[s.prop];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** The property names of a path (keys left out), e.g. for matching audit property names. */
export function propNames(path: string): string[] {
  const parsed = parsePath(path);
  if ('error' in parsed) return [];
  return parsed.flatMap((s) => ('prop' in s ? [s.prop] : []));
}
