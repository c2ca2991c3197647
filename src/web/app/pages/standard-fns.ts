/**
 * Standards as people read them: what a rule expects in words, how a tenant measures against a
 * standard, and the per-tenant overrides form (skip a rule, or expect something else, always
 * with a reason).
 */
import type { RuleResult, Standard, StandardResult } from '../drift-control-types.ts';
import { countOf } from '../format.ts';
import { kindInfo, kindLabel } from './kind-fns.ts';
import {
  type ConditionRow,
  type Conditions,
  conditionProblem,
  matcherRow,
  newCondition,
  OP_LABELS,
  type Op,
  type RuleDoc,
} from './standard-form-fns.ts';

const valueWords = (v: unknown): string => (typeof v === 'string' ? `“${v}”` : JSON.stringify(v));
const listWords = (v: unknown): string => (Array.isArray(v) ? v.map(valueWords).join(', ') : valueWords(v));

/** `{ oneOf: ["a", "b"] }` → is one of “a”, “b”. */
export function matcherWords(matcher: unknown): string {
  if (!matcher || typeof matcher !== 'object' || Array.isArray(matcher)) return valueWords(matcher);
  const [op, v] = Object.entries(matcher as Record<string, unknown>)[0] ?? [];
  if (op === 'absent') return v === false ? 'is set' : 'is not set';
  if (op && op in OP_LABELS) {
    const label = OP_LABELS[op as Op];
    return op === 'equals' || op === 'min' || op === 'max'
      ? `${label} ${valueWords(v)}`
      : `${label} ${listWords(v)}`;
  }
  return JSON.stringify(matcher);
}

export const conditionsWords = (c: Conditions | undefined): string =>
  Object.entries(c ?? {})
    .map(([path, m]) => `${path} ${matcherWords(m)}`)
    .join('; ');

/** What a rule checks, in one sentence. */
export function ruleWords(rule: RuleDoc): string {
  const kind = kindLabel(rule.objectKind);
  const many = kindInfo(rule.objectKind)?.cardinality === 'many';
  const scope = !many ? kind : rule.match === 'any' ? `At least one ${kind}` : `Every ${kind}`;
  const where = rule.where && Object.keys(rule.where).length ? ` where ${conditionsWords(rule.where)}` : '';
  return `${scope}${where}: ${conditionsWords(rule.expect)}.`;
}

/**
 * A deviation's `expected`: a matcher (one path), or for an "at least one" rule the whole
 * `{ where?, expect }` that no object met.
 */
export function expectedWords(expected: unknown): string {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>;
    if ('expect' in e) {
      const where = e.where ? ` where ${conditionsWords(e.where as Conditions)}` : '';
      return `an object${where} with ${conditionsWords(e.expect as Conditions)}`;
    }
    if (Object.keys(e).length === 1) return matcherWords(e);
    return conditionsWords(e as Conditions);
  }
  return valueWords(expected);
}

export const actualWords = (actual: unknown): string =>
  actual === null || actual === undefined
    ? 'not set'
    : typeof actual === 'string'
      ? actual
      : JSON.stringify(actual);

export type Standing = 'deviates' | 'meets' | 'unknown' | 'notEvaluated' | 'outdated';

export interface TenantStanding {
  standing: Standing;
  words: string;
  deviating: RuleResult[];
}

/** How a tenant stands against a standard, from its newest result (or none yet). */
export function tenantStanding(standard: Standard, result: StandardResult | undefined): TenantStanding {
  if (!result) return { standing: 'notEvaluated', words: 'Not evaluated yet', deviating: [] };
  const deviating = result.results.filter((r) => r.status === 'deviation');
  const unknown = result.results.filter((r) => r.status === 'unknown').length;
  const skipped = result.results.filter((r) => r.status === 'skipped').length;
  const extra = [
    unknown ? `${countOf(unknown, 'rule', 'rules')} could not be checked` : '',
    skipped ? `${countOf(skipped, 'rule', 'rules')} skipped by an override` : '',
  ].filter(Boolean);
  const tail = extra.length ? `; ${extra.join(', ')}` : '';
  const head = deviating.length
    ? `${countOf(deviating.length, 'rule deviates', 'rules deviate')}`
    : unknown
      ? 'No deviation found'
      : 'Meets the standard';
  const outdated = result.standardVersion !== standard.version;
  return {
    standing: outdated ? 'outdated' : deviating.length ? 'deviates' : unknown ? 'unknown' : 'meets',
    words: `${head}${tail}${outdated ? ` (evaluated against version ${result.standardVersion}: evaluate again)` : ''}`,
    deviating,
  };
}

/* ---------- per-tenant overrides ---------- */

export type OverrideMode = 'asWritten' | 'skip' | 'expect';

export interface OverrideRow {
  ruleId: string;
  mode: OverrideMode;
  reason: string;
  expect: ConditionRow[];
  /** a `where` set through the API: kept as it is, the form does not edit it */
  where?: unknown;
}

/** The stored overrides of one tenant, one row per rule of the standard. */
export function overridesToRows(rules: RuleDoc[], overrides: Record<string, unknown>): OverrideRow[] {
  return rules.map((rule) => {
    const o = overrides[rule.id] as
      | { skip?: boolean; expect?: Conditions; where?: unknown; reason?: string }
      | undefined;
    if (!o) return { ruleId: rule.id, mode: 'asWritten', reason: '', expect: [] };
    const expect = Object.entries(o.expect ?? {})
      .map(([path, m]) => matcherRow(path, m))
      .filter((r): r is ConditionRow => r !== null);
    return {
      ruleId: rule.id,
      mode: o.skip ? 'skip' : 'expect',
      reason: o.reason ?? '',
      expect: expect.length ? expect : [newCondition()],
      ...(o.where !== undefined ? { where: o.where } : {}),
    };
  });
}

/** The rows back into the API's `overrides`, or every problem in words naming the rule. */
export function rowsToOverrides(
  rows: OverrideRow[],
  titleOf: (ruleId: string) => string,
): { overrides: Record<string, unknown> } | { errors: string[] } {
  const overrides: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const row of rows) {
    if (row.mode === 'asWritten') continue;
    const name = `“${titleOf(row.ruleId)}”`;
    const reason = row.reason.trim();
    if (!reason) errors.push(`${name}: say why this tenant differs (the reason is kept with the override).`);
    if (row.mode === 'skip') {
      overrides[row.ruleId] = { skip: true, reason };
      continue;
    }
    const expect: Conditions = {};
    for (const [i, c] of row.expect.entries()) {
      const problem = conditionProblem(c, expect);
      if (problem)
        errors.push(`${name}, row ${i + 1}${c.path.trim() ? ` (${c.path.trim()})` : ''}: ${problem}.`);
    }
    if (Object.keys(expect).length === 0 && row.where === undefined)
      errors.push(`${name}: name the setting this tenant should have instead, or choose “Skip”.`);
    overrides[row.ruleId] = {
      ...(Object.keys(expect).length ? { expect } : {}),
      ...(row.where !== undefined ? { where: row.where } : {}),
      reason,
    };
  }
  return errors.length ? { errors } : { overrides };
}

/** "2 overrides" or "no override", for the tenants table. */
export const overrideCount = (overrides: Record<string, unknown>): string => {
  const n = Object.keys(overrides).length;
  return n ? countOf(n, 'override', 'overrides') : 'no override';
};

/** The rules of a stored document, as the form's `RuleDoc`s (the server validated them). */
export const rulesOf = (document: Record<string, unknown>): RuleDoc[] =>
  Array.isArray(document.rules) ? (document.rules as RuleDoc[]) : [];

export interface EvaluationOutcome {
  tenantId: string;
  snapshotId: string | null;
  summary: Record<string, number> | null;
}

/** What "Evaluate now" did, in one sentence. */
export function evaluationWords(outcomes: readonly EvaluationOutcome[]): string {
  if (outcomes.length === 0) return 'No tenant is assigned: there was nothing to evaluate.';
  const deviate = outcomes.filter((o) => (o.summary?.deviation ?? 0) > 0).length;
  const none = outcomes.filter((o) => !o.summary).length;
  const meet = outcomes.length - deviate - none;
  const parts = [
    deviate ? `${countOf(deviate, 'tenant deviates', 'tenants deviate')}` : '',
    meet ? `${countOf(meet, 'tenant has', 'tenants have')} no deviation` : '',
    none ? `${countOf(none, 'tenant has', 'tenants have')} no complete snapshot yet` : '',
  ].filter(Boolean);
  return `Evaluated ${countOf(outcomes.length, 'tenant', 'tenants')}: ${parts.join(', ')}.`;
}
