/**
 * The standard editor's form and the `tenantscope.standard/v1` document (docs/drift.md
 * "Standards"), both ways. A technician fills rows — a setting's path, a comparison, a value —
 * instead of writing JSON; values are typed as text and read leniently (`false`, `enabled`,
 * `a, b`). The first problems come back in words naming the rule and row; the server checks the
 * document again and its message (with the JSON path) is shown when it disagrees.
 */
import { kindInfo } from './kind-fns.ts';

export const STANDARD_FORMAT = 'tenantscope.standard/v1';

export const OPS = ['equals', 'oneOf', 'contains', 'excludes', 'min', 'max', 'absent'] as const;
export type Op = (typeof OPS)[number];

export const OP_LABELS: Record<Op, string> = {
  equals: 'is',
  oneOf: 'is one of',
  contains: 'includes',
  excludes: 'does not include',
  min: 'is at least',
  max: 'is at most',
  absent: 'is set or not',
};

export type RuleSeverity = 'high' | 'medium' | 'low';
export type Match = 'one' | 'any' | 'all';

export interface ConditionRow {
  key: number;
  path: string;
  op: Op;
  /** as typed; for `absent`, "true" (not set) or "false" (set) */
  value: string;
}

export interface RuleForm {
  key: number;
  id: string;
  title: string;
  severity: RuleSeverity;
  objectKind: string;
  /** collections only: every object (all) or at least one (any) */
  match: Match;
  where: ConditionRow[];
  expect: ConditionRow[];
}

export interface StandardForm {
  name: string;
  description: string;
  rules: RuleForm[];
}

type Json = unknown;
export type Conditions = Record<string, Record<string, Json>>;
export interface RuleDoc {
  id: string;
  title?: string;
  severity?: RuleSeverity;
  objectKind: string;
  match?: Match;
  where?: Conditions;
  expect: Conditions;
}
export interface StandardDoc {
  format: string;
  name: string;
  description?: string;
  rules: RuleDoc[];
}

let nextKey = 1;
export const newKey = () => nextKey++;
export const newCondition = (path = '', op: Op = 'equals', value = ''): ConditionRow => ({
  key: newKey(),
  path,
  op,
  value,
});
export const newRule = (objectKind = ''): RuleForm => ({
  key: newKey(),
  id: '',
  title: '',
  severity: 'medium',
  objectKind,
  match: 'all',
  where: [],
  expect: [newCondition()],
});
export const emptyForm = (): StandardForm => ({ name: '', description: '', rules: [newRule()] });

/* ---------- values: text ↔ JSON ---------- */

/** A scalar as typed: JSON when it reads as JSON (`false`, `3`, `"x"`, `null`), otherwise the text itself. */
export function readScalar(text: string): Json {
  const t = text.trim();
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

/** A list as typed: a JSON array, or items separated by commas. */
export function readList(text: string): Json[] | null {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      return Array.isArray(v) ? v : null;
    } catch {
      return null;
    }
  }
  const items = t
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.map(readScalar);
}

/** The text that reads back as this scalar: plain words stay plain, `"true"` (the text) keeps its quotes. */
export function scalarText(v: Json): string {
  if (typeof v === 'string') {
    if (v.trim() !== v || v === '' || v.includes(',')) return JSON.stringify(v);
    return typeof readScalar(v) === 'string' ? v : JSON.stringify(v);
  }
  return JSON.stringify(v);
}

function listText(values: Json[]): string {
  const scalars = values.every((v) => v === null || typeof v !== 'object');
  const texts = values.map(scalarText);
  // a list item that needs quotes because of a comma reads back only as JSON
  return scalars && texts.every((t) => !t.includes(',')) ? texts.join(', ') : JSON.stringify(values);
}

/** The matcher of one row, or what is wrong with its value. */
export function rowMatcher(row: ConditionRow): { matcher: Record<string, Json> } | { error: string } {
  const text = row.value.trim();
  switch (row.op) {
    case 'absent':
      return { matcher: { absent: text !== 'false' } };
    case 'min':
    case 'max': {
      const n = Number(text.replace(',', '.'));
      if (!text || !Number.isFinite(n)) return { error: `“${OP_LABELS[row.op]}” needs a number` };
      return { matcher: { [row.op]: n } };
    }
    case 'equals':
      if (!text) return { error: 'give the value it must have (write "" for empty text)' };
      return { matcher: { equals: readScalar(text) } };
    default: {
      const list = readList(text);
      if (!list) return { error: 'the list is not valid JSON; or write the values separated by commas' };
      if (list.length === 0) return { error: 'give at least one value' };
      if (row.op === 'oneOf') return { matcher: { oneOf: list } };
      return { matcher: { [row.op]: list.length === 1 ? list[0] : list } };
    }
  }
}

/** One matcher back into a row; null when it is not one the form knows. */
export function matcherRow(path: string, matcher: unknown): ConditionRow | null {
  if (!matcher || typeof matcher !== 'object' || Array.isArray(matcher)) return null;
  const entries = Object.entries(matcher as Record<string, Json>);
  if (entries.length !== 1) return null;
  const [op, v] = entries[0]!;
  if (!(OPS as readonly string[]).includes(op)) return null;
  const o = op as Op;
  if (o === 'absent') return newCondition(path, o, v === false ? 'false' : 'true');
  if (o === 'min' || o === 'max') return newCondition(path, o, String(v));
  if (o === 'equals') return newCondition(path, o, scalarText(v));
  return newCondition(path, o, listText(Array.isArray(v) ? v : [v]));
}

/* ---------- paths and ids ---------- */

/** A property path as drift writes it: `a.b.c`, keyed entries as `list[key].c` (src/analyse/drift/paths.ts). */
const PATH = /^[^.[\]\s][^.[\]]*(?:\.[^.[\]]+|\[[^\]]+\])*$/;
export const isPath = (p: string) => PATH.test(p);

const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** An id from a title: "MFA for all users" → `mfa-for-all-users`. */
export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/* ---------- form → document ---------- */

function conditions(rows: ConditionRow[], where: string, errors: string[]): Conditions {
  const out: Conditions = {};
  for (const [i, row] of rows.entries()) {
    const problem = conditionProblem(row, out);
    if (problem)
      errors.push(`${where}, row ${i + 1}${row.path.trim() ? ` (${row.path.trim()})` : ''}: ${problem}.`);
  }
  return out;
}

/** Adds one row's matcher to `out`, or says what is wrong with it; an empty row is skipped. */
export function conditionProblem(row: ConditionRow, out: Conditions): string | null {
  const path = row.path.trim();
  if (!path && !row.value.trim()) return null;
  if (!path) return 'name the setting (its path, e.g. isEnabled)';
  if (!isPath(path))
    return 'this is not a setting path (names joined by dots, list entries as list[key].name)';
  if (out[path]) return 'this setting is checked twice; keep one row';
  const m = rowMatcher(row);
  if ('error' in m) return m.error;
  out[path] = m.matcher;
  return null;
}

const ruleName = (r: RuleForm, i: number) => `Rule ${i + 1}${r.title.trim() ? ` (“${r.title.trim()}”)` : ''}`;

function ruleDoc(r: RuleForm, i: number, errors: string[]): RuleDoc {
  const name = ruleName(r, i);
  const kind = kindInfo(r.objectKind);
  if (!kind) errors.push(`${name}: choose what kind of setting it checks.`);
  const id = r.id.trim() || slugOf(r.title) || `rule-${i + 1}`;
  if (!RULE_ID.test(id))
    errors.push(`${name}: the id “${id}” may hold only letters, digits, “.”, “_” and “-”.`);
  const expect = conditions(r.expect, `${name}, expect`, errors);
  if (Object.keys(expect).length === 0 && r.expect.every((row) => !row.path.trim()))
    errors.push(`${name}: name at least one setting and the value it must have.`);
  const collection = kind?.cardinality === 'many';
  const where = collection ? conditions(r.where, `${name}, only objects where`, errors) : {};
  return {
    id,
    ...(r.title.trim() ? { title: r.title.trim() } : {}),
    severity: r.severity,
    objectKind: r.objectKind,
    ...(collection ? { match: r.match === 'any' ? 'any' : 'all' } : {}),
    ...(Object.keys(where).length ? { where } : {}),
    expect,
  };
}

/** The document the API takes, or every problem found, in words. */
export function formToDocument(form: StandardForm): { document: StandardDoc } | { errors: string[] } {
  const errors: string[] = [];
  if (!form.name.trim()) errors.push('Name the standard.');
  if (form.rules.length === 0) errors.push('Add at least one rule.');
  const rules = form.rules.map((r, i) => ruleDoc(r, i, errors));
  const seen = new Map<string, number>();
  rules.forEach((r, i) => {
    const first = seen.get(r.id);
    if (first !== undefined)
      errors.push(`Rules ${first + 1} and ${i + 1} have the same id “${r.id}”: give one another id.`);
    else seen.set(r.id, i);
  });
  if (errors.length) return { errors };
  return {
    document: {
      format: STANDARD_FORMAT,
      name: form.name.trim(),
      ...(form.description.trim() ? { description: form.description.trim() } : {}),
      rules,
    },
  };
}

/* ---------- document → form ---------- */

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

function rowsOf(c: unknown, where: string): ConditionRow[] | string {
  if (c === undefined) return [];
  if (!isObject(c)) return `${where} must be an object of setting path → comparison`;
  const rows: ConditionRow[] = [];
  for (const [path, m] of Object.entries(c)) {
    const row = matcherRow(path, m);
    if (!row) return `${where}.${path} must have exactly one of ${OPS.join(', ')}`;
    rows.push(row);
  }
  return rows;
}

/** A rule of a document into the form; a string says what the form cannot hold. */
export function ruleForm(r: unknown, where: string): RuleForm | string {
  if (!isObject(r)) return `${where} must be an object`;
  if (typeof r.objectKind !== 'string') return `${where}.objectKind is missing`;
  const expect = rowsOf(r.expect, `${where}.expect`);
  const whereRows = rowsOf(r.where, `${where}.where`);
  if (typeof expect === 'string') return expect;
  if (typeof whereRows === 'string') return whereRows;
  const severity = r.severity === 'high' || r.severity === 'low' ? r.severity : 'medium';
  return {
    key: newKey(),
    id: typeof r.id === 'string' ? r.id : '',
    title: typeof r.title === 'string' ? r.title : '',
    severity,
    objectKind: r.objectKind,
    match: r.match === 'any' ? 'any' : 'all',
    where: whereRows,
    expect: expect.length ? expect : [newCondition()],
  };
}

/** A document (stored, or pasted as JSON) into the form, or what is wrong with it. */
export function documentToForm(doc: unknown): { form: StandardForm } | { error: string } {
  if (!isObject(doc)) return { error: 'The document must be a JSON object.' };
  if (doc.format !== undefined && doc.format !== STANDARD_FORMAT)
    return { error: `format must be "${STANDARD_FORMAT}".` };
  if ('overrides' in doc)
    return { error: 'overrides are set per tenant on the standard’s page, not in the document.' };
  if (!Array.isArray(doc.rules)) return { error: 'rules must be a list.' };
  const rules: RuleForm[] = [];
  for (const [i, r] of doc.rules.entries()) {
    const form = ruleForm(r, `rules[${i}]`);
    if (typeof form === 'string') return { error: `${form}.` };
    rules.push(form);
  }
  return {
    form: {
      name: typeof doc.name === 'string' ? doc.name : '',
      description: typeof doc.description === 'string' ? doc.description : '',
      rules,
    },
  };
}

/**
 * Pasted JSON into the form: a syntax error names the line and column (V8 says only a
 * character position in older versions).
 */
export function parseDocumentText(text: string): { form: StandardForm } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: `The JSON is not valid: ${jsonErrorWords(text, (e as Error).message)}` };
  }
  return documentToForm(doc);
}

export function jsonErrorWords(text: string, message: string): string {
  const clean = message
    .replace(/^JSON\.parse: /, '')
    .replace(/\s*\(line \d+ column \d+\)/, '')
    // V8 without a position quotes the text around the problem instead
    .replace(/, (?:\.\.\.)?"(.*?)"(?:\.\.\.)? is not valid JSON$/s, ' near: $1');
  const m = /position (\d+)/.exec(clean);
  if (!m) return `${clean}.`;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${clean.replace(/ in JSON at position \d+/, '')} at line ${line}, column ${column}.`;
}
