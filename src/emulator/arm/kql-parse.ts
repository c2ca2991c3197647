import {
  type CompareOp,
  KqlError,
  type KqlExpr,
  type KqlPath,
  type KqlQuery,
  type KqlStage,
  type KqlValue,
} from './kql-types.ts';

/** Tokens of the subset: words, strings, numbers and punctuation. Positions are 0-based offsets. */
interface Token {
  kind: 'word' | 'string' | 'number' | 'punct' | 'eof';
  text: string;
  at: number;
}

const PUNCT = ['==', '=~', '!=', '!~', '<=', '>=', '|', ',', '(', ')', '[', ']', '.', '=', '<', '>'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new KqlError('ParserFailure', 'Unterminated string literal.', i);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_!$]/.test(c)) {
      // words may carry `-` (project-away) and `~` (in~), and start with `!` (!in, !contains)
      const m = /^!?[A-Za-z_$][A-Za-z0-9_$-]*~?/.exec(source.slice(i));
      if (m) {
        tokens.push({ kind: 'word', text: m[0], at: i });
        i += m[0].length;
        continue;
      }
      i = pushPunct(source, i, tokens);
    } else {
      i = pushPunct(source, i, tokens);
    }
  }
  tokens.push({ kind: 'eof', text: '<EOF>', at: source.length });
  return tokens;
}

function pushPunct(source: string, i: number, tokens: Token[]): number {
  const p = PUNCT.find((x) => source.startsWith(x, i));
  if (!p) throw new KqlError('ParserFailure', `Unexpected character '${source[i]}'.`, i);
  tokens.push({ kind: 'punct', text: p, at: i });
  return i + p.length;
}

const COMPARE_WORDS = new Set(['contains', '!contains', 'startswith', 'endswith', 'has']);

/** Parses `Table | stage | stage …`; throws KqlError for anything outside the subset. */
export function parseKql(source: string): KqlQuery {
  const p = new Parser(tokenize(source));
  const table = p.expectWord('a table name');
  const stages: KqlStage[] = [];
  while (p.accept('|')) stages.push(p.stage());
  p.expectEof();
  return { table: table.text, stages };
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  stage(): KqlStage {
    const op = this.expectWord('an operator');
    switch (op.text.toLowerCase()) {
      case 'where':
        return { kind: 'where', predicate: this.orExpr() };
      case 'project':
        return { kind: 'project', columns: this.list(() => this.namedPath()) };
      case 'order':
      case 'sort':
        this.expectKeyword('by');
        return { kind: 'order', keys: this.list(() => this.orderKey()) };
      case 'summarize':
        return this.summarize();
      case 'limit':
      case 'take':
        return { kind: 'limit', count: Number(this.expect('number', 'a row count').text) };
      case 'count':
        return { kind: 'count' };
      default:
        throw new KqlError(
          'UnsupportedOperator',
          `The operator '${op.text}' is not supported by the emulator's KQL subset.`,
          op.at,
        );
    }
  }

  private summarize(): KqlStage {
    const counts = this.list(() => {
      let name = 'count_';
      if (this.peek().kind === 'word' && this.peek(1).text === '=') {
        name = this.next().text;
        this.next();
      }
      const fn = this.expectWord('an aggregation');
      if (fn.text.toLowerCase() !== 'count') {
        throw new KqlError('UnknownFunction', `Unknown function: '${fn.text}'.`, fn.at);
      }
      this.expectPunct('(');
      this.expectPunct(')');
      return name;
    });
    const by = this.acceptKeyword('by') ? this.list(() => this.namedPath()) : [];
    return { kind: 'summarize', counts, by };
  }

  private orderKey(): { path: KqlPath; descending: boolean } {
    const path = this.path();
    // Kusto's default sort order is descending.
    if (this.acceptKeyword('asc')) return { path, descending: false };
    this.acceptKeyword('desc');
    return { path, descending: true };
  }

  private namedPath(): { name: string; path: KqlPath } {
    if (this.peek().kind === 'word' && this.peek(1).text === '=') {
      const name = this.next().text;
      this.next();
      return { name, path: this.path() };
    }
    const path = this.path();
    // Kusto names a projected `a.b['c']` column `a_b_c`.
    return { name: path.join('_'), path };
  }

  orExpr(): KqlExpr {
    let left = this.andExpr();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.andExpr() };
    return left;
  }

  private andExpr(): KqlExpr {
    let left = this.primary();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.primary() };
    return left;
  }

  private primary(): KqlExpr {
    if (this.accept('(')) {
      const inner = this.orExpr();
      this.expectPunct(')');
      return inner;
    }
    const word = this.peek();
    const fn = word.text.toLowerCase();
    if (
      word.kind === 'word' &&
      this.peek(1).text === '(' &&
      ['not', 'isempty', 'isnotempty', 'isnull', 'isnotnull'].includes(fn)
    ) {
      this.next();
      this.next();
      const expr: KqlExpr =
        fn === 'not'
          ? { kind: 'not', expr: this.orExpr() }
          : { kind: 'empty', path: this.path(), negate: fn.includes('not') };
      this.expectPunct(')');
      return expr;
    }
    return this.comparison();
  }

  private comparison(): KqlExpr {
    const path = this.path();
    const op = this.next();
    const text = op.text.toLowerCase();
    if (['in', 'in~', '!in', '!in~'].includes(text)) {
      this.expectPunct('(');
      const values = this.list(() => this.literal());
      this.expectPunct(')');
      return { kind: 'in', path, values, caseInsensitive: text.endsWith('~'), negate: text.startsWith('!') };
    }
    const isCompare =
      (op.kind === 'punct' && ['==', '=~', '!=', '!~', '<', '<=', '>', '>='].includes(text)) ||
      COMPARE_WORDS.has(text);
    if (!isCompare)
      throw new KqlError('ParserFailure', `Unexpected '${op.text}': expected a comparison operator.`, op.at);
    return { kind: 'compare', op: text as CompareOp, path, value: this.literal() };
  }

  private path(): KqlPath {
    const first = this.expectWord('a column name');
    const path = [first.text];
    for (;;) {
      if (this.accept('.')) {
        path.push(this.expectWord('a property name').text);
      } else if (this.accept('[')) {
        path.push(this.expect('string', 'a quoted property name').text);
        this.expectPunct(']');
      } else {
        return path;
      }
    }
  }

  private literal(): KqlValue {
    const t = this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'word' && ['true', 'false'].includes(t.text.toLowerCase()))
      return t.text.toLowerCase() === 'true';
    throw new KqlError('ParserFailure', `Unexpected '${t.text}': expected a literal.`, t.at);
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.accept(',')) items.push(item());
    return items;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  accept(punct: string): boolean {
    if (this.peek().kind === 'punct' && this.peek().text === punct) {
      this.i++;
      return true;
    }
    return false;
  }

  private acceptKeyword(word: string): boolean {
    if (this.peek().kind === 'word' && this.peek().text.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const t = this.next();
    if (t.kind !== kind)
      throw new KqlError('ParserFailure', `Unexpected '${t.text}': expected ${what}.`, t.at);
    return t;
  }

  expectWord(what: string): Token {
    return this.expect('word', what);
  }

  private expectPunct(punct: string): void {
    if (!this.accept(punct)) {
      const t = this.peek();
      throw new KqlError('ParserFailure', `Unexpected '${t.text}': expected '${punct}'.`, t.at);
    }
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) {
      const t = this.peek();
      throw new KqlError('ParserFailure', `Unexpected '${t.text}': expected '${word}'.`, t.at);
    }
  }

  expectEof(): void {
    const t = this.peek();
    if (t.kind !== 'eof')
      throw new KqlError(
        'ParserFailure',
        `Unexpected '${t.text}': expected '|' or the end of the query.`,
        t.at,
      );
  }
}
