/**
 * `compareToStandard(snapshot, standard)`: how one tenant deviates from a workspace-wide
 * standard, with that tenant's overrides applied. Values are compared in normalised form
 * (normalise.ts), so a set matches whatever order Graph returned it in, and null, missing and
 * an empty set are alike. A dataset that is not `ok` makes its rules `unknown`, never `pass`.
 */
import type { Snapshot } from '../../collect/snapshot-types.ts';
import type { Deviation, RuleResult, StandardReport } from './drift-types.ts';
import { createLookups, type Lookups } from './lookups.ts';
import { canonical, NKeyed, type Norm, NSet, normalise, type ShapeRules, toPlain } from './normalise.ts';
import { KIND_BY_NAME, type ObjectKind, type TrackedObject } from './object-kinds.ts';
import { parsePath, type Segment, valueAt } from './paths.ts';
import type { Conditions, Matcher, Standard, StandardRule } from './standard-schema.ts';

export interface Normalised {
  object: TrackedObject;
  norm: Norm | undefined;
}

/**
 * The objects of one kind in normalised form, as rules see them; a string says why they cannot be
 * (the dataset is not `ok`). The settings list (settings.ts) reads objects through this too, so
 * what it offers is exactly what a rule compares.
 */
export function normalisedObjects(
  snapshot: Snapshot,
  kind: ObjectKind,
  lookups: Lookups = createLookups(snapshot),
): Normalised[] | string {
  const d = snapshot.datasets[kind.dataset];
  if (d?.status !== 'ok')
    return `${kind.dataset} is ${d ? d.status : 'missing'} in the snapshot: not compared`;
  return kind
    .extract(d.items, lookups)
    .map((object) => ({ object, norm: normalise(object.value, kind.rules) }));
}

export function compareToStandard(snapshot: Snapshot, standard: Standard): StandardReport {
  const tenantId = snapshot.tenant.tenantId;
  const overrides = standard.overrides[tenantId] ?? {};
  const lookups = createLookups(snapshot);
  const cache = new Map<string, Normalised[] | string>();
  const objectsOf = (kind: ObjectKind): Normalised[] | string => {
    let hit = cache.get(kind.kind);
    if (hit === undefined) {
      hit = normalisedObjects(snapshot, kind, lookups);
      cache.set(kind.kind, hit);
    }
    return hit;
  };
  const results = standard.rules.map((rule): RuleResult => {
    const o = overrides[rule.id];
    const head = {
      ruleId: rule.id,
      title: rule.title ?? rule.id,
      severity: rule.severity,
      overridden: o !== undefined,
    };
    if (o?.skip) return { ...head, status: 'skipped', deviations: [], reason: o.reason };
    const effective: StandardRule = {
      ...rule,
      expect: { ...rule.expect, ...(o?.expect ?? {}) },
      ...(o?.where ? { where: o.where } : {}),
    };
    const kind = KIND_BY_NAME.get(rule.objectKind)!;
    const objects = objectsOf(kind);
    if (typeof objects === 'string') return { ...head, status: 'unknown', deviations: [], reason: objects };
    const deviations = evaluate(effective, kind, objects);
    return { ...head, status: deviations.length ? 'deviation' : 'pass', deviations };
  });
  const count = (s: RuleResult['status']) => results.filter((r) => r.status === s).length;
  return {
    standard: standard.name,
    tenantId,
    collectedAt: snapshot.collectedAt,
    results,
    summary: {
      pass: count('pass'),
      deviation: count('deviation'),
      unknown: count('unknown'),
      skipped: count('skipped'),
    },
  };
}

function evaluate(rule: StandardRule, kind: ObjectKind, objects: Normalised[]): Deviation[] {
  const candidates = rule.where
    ? objects.filter((o) => failures(o.norm, rule.where!, kind.rules).length === 0)
    : objects;
  const match = rule.match ?? (kind.cardinality === 'one' ? 'one' : 'all');
  if (match === 'any') {
    if (candidates.some((o) => failures(o.norm, rule.expect, kind.rules).length === 0)) return [];
    return [
      {
        objectKind: kind.kind,
        path: '',
        expected: { ...(rule.where ? { where: rule.where } : {}), expect: rule.expect },
        actual: `none of ${candidates.length} ${kind.label} object(s) matches`,
      },
    ];
  }
  if (match === 'one' && candidates.length === 0) {
    return [{ objectKind: kind.kind, path: '', expected: rule.expect, actual: null }];
  }
  return candidates.flatMap((o) =>
    failures(o.norm, rule.expect, kind.rules).map((f) => ({
      objectKind: kind.kind,
      ...(kind.cardinality === 'many' ? { objectId: o.object.id } : {}),
      objectName: o.object.name,
      path: f.path,
      expected: f.matcher,
      actual: f.actual,
    })),
  );
}

interface Failure {
  path: string;
  matcher: Matcher;
  actual: unknown;
}

function failures(norm: Norm | undefined, conditions: Conditions, rules: ShapeRules): Failure[] {
  const out: Failure[] = [];
  for (const [path, m] of Object.entries(conditions)) {
    const segments = parsePath(path) as Segment[];
    const actual = valueAt(norm, segments);
    const schemaPath = segments.flatMap((s) => ('prop' in s ? [s.prop] : [])).join('.');
    if (!satisfies(actual, m, (v) => normalise(v, rules, schemaPath))) {
      out.push({ path, matcher: m, actual: toPlain(actual) });
    }
  }
  return out;
}

/** Set membership keys, whichever form the set took (scalar members or keyed entries). */
function members(n: Norm | undefined): Set<string> {
  if (n instanceof NSet) return new Set(n.members.keys());
  if (n instanceof NKeyed) return new Set(n.entries.keys());
  return new Set();
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function satisfies(actual: Norm | undefined, m: Matcher, norm: (v: unknown) => Norm | undefined): boolean {
  const same = (expected: unknown) => canonical(actual) === canonical(norm(expected));
  if ('equals' in m) return same(m.equals);
  if (m.oneOf) return m.oneOf.some(same);
  if (m.contains !== undefined || m.excludes !== undefined) {
    const have = members(actual);
    const want = list(m.contains ?? m.excludes).map((v) =>
      typeof v === 'string' && actual instanceof NKeyed ? v : canonical(norm(v)),
    );
    return m.contains !== undefined ? want.every((w) => have.has(w)) : want.every((w) => !have.has(w));
  }
  if (m.min !== undefined) return typeof actual === 'number' && actual >= m.min;
  if (m.max !== undefined) return typeof actual === 'number' && actual <= m.max;
  if (m.absent !== undefined) return (actual === undefined) === m.absent;
  return false;
}
