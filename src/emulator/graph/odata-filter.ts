import { badRequest } from './errors.ts';

/**
 * The `$filter` subset the emulator understands (OData 4.01 URL conventions §5.1.1, as Graph
 * implements it for directory objects: docs "Use the $filter query parameter"): comparisons
 * eq/ne/gt/ge/lt/le, `in`, startsWith/endsWith, and/or/not, parentheses, and `any`/`all` lambdas
 * on collections (`assignedLicenses/any(x:x/skuId eq GUID)`). Pure: parse → AST → evaluate.
 */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'guid'; value: string }
  | { kind: 'datetime'; value: string };

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'cmp'; op: CompareOp; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'func'; name: 'startsWith' | 'endsWith' | 'contains'; path: string[]; value: Literal }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; path: string[]; variable?: string; body?: FilterNode };

type Token = { t: 'str' | 'guid' | 'date' | 'num' | 'id' | 'punct'; v: string };

const TOKEN_PATTERNS: [Token['t'], RegExp][] = [
  ['str', /^'(?:[^']|'')*'/],
  ['guid', /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/],
  ['date', /^\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?(?![\w-])/],
  ['num', /^-?\d+(?:\.\d+)?(?![\w])/],
  ['id', /^[A-Za-z_$][\w.$]*/],
  ['punct', /^[(),:/]/],
];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    const match = TOKEN_PATTERNS.map(([t, re]) => ({ t, m: re.exec(rest) })).find((x) => x.m);
    if (!match?.m) throw invalidFilter(text);
    tokens.push({ t: match.t, v: match.m[0] });
    rest = rest.slice(match.m[0].length).trimStart();
  }
  return tokens;
}

/** Graph's answer to a filter it cannot parse. */
export function invalidFilter(text: string) {
  return badRequest(`Invalid filter clause: syntax error in '${text}'.`);
}

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['startswith', 'endswith', 'contains']);

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const token = tokens[pos++];
    if (!token) throw invalidFilter(text);
    return token;
  };
  const expect = (v: string) => {
    if (next().v !== v) throw invalidFilter(text);
  };
  const isWord = (w: string) => peek()?.t === 'id' && peek()!.v.toLowerCase() === w;

  const literal = (): Literal => {
    const token = next();
    if (token.t === 'str') return { kind: 'string', value: token.v.slice(1, -1).replaceAll("''", "'") };
    if (token.t === 'guid') return { kind: 'guid', value: token.v.toLowerCase() };
    if (token.t === 'date') return { kind: 'datetime', value: token.v };
    if (token.t === 'num') return { kind: 'number', value: Number(token.v) };
    if (token.t === 'id' && (token.v === 'true' || token.v === 'false'))
      return { kind: 'bool', value: token.v === 'true' };
    if (token.t === 'id' && token.v === 'null') return { kind: 'null' };
    throw invalidFilter(text);
  };

  const path = (): string[] => {
    const segments = [next()];
    while (peek()?.v === '/') {
      pos++;
      segments.push(next());
    }
    if (segments.some((s) => s.t !== 'id')) throw invalidFilter(text);
    return segments.map((s) => s.v);
  };

  const lambda = (segments: string[]): FilterNode => {
    const quantifier = segments.pop() as 'any' | 'all';
    expect('(');
    if (peek()?.v === ')') {
      pos++;
      return { kind: 'lambda', quantifier, path: segments };
    }
    const variable = next().v;
    expect(':');
    const body = or();
    expect(')');
    return { kind: 'lambda', quantifier, path: segments, variable, body };
  };

  const primary = (): FilterNode => {
    if (peek()?.v === '(') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    const head = peek();
    if (head?.t === 'id' && FUNCTIONS.has(head.v.toLowerCase()) && tokens[pos + 1]?.v === '(') {
      pos += 2;
      const p = path();
      expect(',');
      const value = literal();
      expect(')');
      const name = ({ startswith: 'startsWith', endswith: 'endsWith', contains: 'contains' } as const)[
        head.v.toLowerCase() as 'startswith'
      ];
      return { kind: 'func', name, path: p, value };
    }
    const p = path();
    const last = p[p.length - 1]!;
    if ((last === 'any' || last === 'all') && p.length > 1 && peek()?.v === '(') return lambda(p);
    const op = next();
    if (op.t === 'id' && COMPARE_OPS.has(op.v))
      return { kind: 'cmp', op: op.v as CompareOp, path: p, value: literal() };
    if (op.t === 'id' && op.v === 'in') {
      expect('(');
      const values = [literal()];
      while (peek()?.v === ',') {
        pos++;
        values.push(literal());
      }
      expect(')');
      return { kind: 'in', path: p, values };
    }
    throw invalidFilter(text);
  };

  const unary = (): FilterNode => {
    if (isWord('not')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };
  const and = (): FilterNode => {
    let left = unary();
    while (isWord('and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  function or(): FilterNode {
    let left = and();
    while (isWord('or')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }

  const tree = or();
  if (pos !== tokens.length) throw invalidFilter(text);
  return tree;
}

/** Every property path the filter touches, with the operator applied (lambda bodies prefixed). */
export function filterUses(
  node: FilterNode,
  prefix: string[] = [],
  variable?: string,
): { path: string[]; op: string }[] {
  const rebase = (p: string[]) => (variable && p[0] === variable ? [...prefix, ...p.slice(1)] : p);
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterUses(node.left, prefix, variable), ...filterUses(node.right, prefix, variable)];
    case 'not':
      return [{ path: [], op: 'not' }, ...filterUses(node.operand, prefix, variable)];
    case 'cmp':
      return [{ path: rebase(node.path), op: node.op }];
    case 'in':
      return [{ path: rebase(node.path), op: 'in' }];
    case 'func':
      return [{ path: rebase(node.path), op: node.name }];
    case 'lambda': {
      const base = rebase(node.path);
      const inner = node.body ? filterUses(node.body, base, node.variable) : [];
      return [{ path: base, op: node.quantifier }, ...inner];
    }
  }
}

/** Does `object` satisfy the filter? Strings compare case-insensitively, as the directory does. */
export function evaluateFilter(
  node: FilterNode,
  object: unknown,
  scope: Record<string, unknown> = {},
): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, object, scope) && evaluateFilter(node.right, object, scope);
    case 'or':
      return evaluateFilter(node.left, object, scope) || evaluateFilter(node.right, object, scope);
    case 'not':
      return !evaluateFilter(node.operand, object, scope);
    case 'cmp':
      return compare(resolvePath(node.path, object, scope), node.op, node.value);
    case 'in':
      return node.values.some((v) => compare(resolvePath(node.path, object, scope), 'eq', v));
    case 'func':
      return matchFunction(node.name, resolvePath(node.path, object, scope), node.value);
    case 'lambda':
      return evaluateLambda(node, object, scope);
  }
}

function evaluateLambda(
  node: Extract<FilterNode, { kind: 'lambda' }>,
  object: unknown,
  scope: Record<string, unknown>,
) {
  const items = resolvePath(node.path, object, scope);
  if (!Array.isArray(items)) return false;
  if (!node.body || !node.variable) return node.quantifier === 'any' ? items.length > 0 : true;
  const test = (item: unknown) => evaluateFilter(node.body!, object, { ...scope, [node.variable!]: item });
  return node.quantifier === 'any' ? items.some(test) : items.every(test);
}

export function resolvePath(path: string[], object: unknown, scope: Record<string, unknown> = {}): unknown {
  const [head, ...rest] = path;
  let current: unknown = head !== undefined && head in scope ? scope[head] : field(object, head);
  for (const segment of rest) {
    current =
      segment === '$count' ? (Array.isArray(current) ? current.length : undefined) : field(current, segment);
  }
  return current;
}

function field(object: unknown, name: string | undefined): unknown {
  if (name === undefined || object === null || typeof object !== 'object') return undefined;
  return (object as Record<string, unknown>)[name];
}

function compare(actual: unknown, op: CompareOp, literal: Literal): boolean {
  if (literal.kind === 'null') return op === 'eq' ? actual == null : op === 'ne' ? actual != null : false;
  if (actual == null) return op === 'ne';
  const order = ordering(actual, literal);
  if (order === undefined) return op === 'ne';
  return { eq: order === 0, ne: order !== 0, gt: order > 0, ge: order >= 0, lt: order < 0, le: order <= 0 }[
    op
  ];
}

/** Sign of actual − literal, or undefined when the two cannot be compared. */
function ordering(actual: unknown, literal: Exclude<Literal, { kind: 'null' }>): number | undefined {
  switch (literal.kind) {
    case 'datetime': {
      const a = typeof actual === 'string' ? Date.parse(actual) : Number.NaN;
      const b = Date.parse(literal.value);
      return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.sign(a - b);
    }
    case 'number':
      return typeof actual === 'number' ? Math.sign(actual - literal.value) : undefined;
    case 'bool':
      return typeof actual === 'boolean' ? (actual === literal.value ? 0 : 1) : undefined;
    default: {
      if (typeof actual !== 'string') return undefined;
      const a = actual.toLowerCase();
      const b = literal.value.toLowerCase();
      return a === b ? 0 : a < b ? -1 : 1;
    }
  }
}

function matchFunction(
  name: 'startsWith' | 'endsWith' | 'contains',
  actual: unknown,
  literal: Literal,
): boolean {
  if (typeof actual !== 'string' || !('value' in literal) || typeof literal.value !== 'string') return false;
  const a = actual.toLowerCase();
  const b = literal.value.toLowerCase();
  return name === 'startsWith' ? a.startsWith(b) : name === 'endsWith' ? a.endsWith(b) : a.includes(b);
}
