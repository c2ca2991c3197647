/**
 * The OData `$filter` subset Advisor and Consumption lists accept: `name eq 'value'` terms joined
 * by `and` / `or` (no parentheses), e.g. `Category eq 'Cost'` or
 * `properties/scope eq 'Single' AND properties/lookBackPeriod eq 'Last7Days'` (azure-cost.md §4.1, §4.2).
 * `and` binds tighter than `or`, as in OData.
 */
export interface FilterTerm {
  name: string;
  value: string;
}

/** Disjunction of conjunctions; `undefined` when the text is outside the subset. */
export type ListFilter = FilterTerm[][];

const TERM = /^\s*([A-Za-z][A-Za-z0-9/]*)\s+eq\s+'((?:[^']|'')*)'\s*$/i;

export function parseListFilter(text: string): ListFilter | undefined {
  const alternatives = splitOutsideQuotes(text, 'or');
  const out: ListFilter = [];
  for (const alternative of alternatives) {
    const terms: FilterTerm[] = [];
    for (const part of splitOutsideQuotes(alternative, 'and')) {
      const m = TERM.exec(part);
      if (!m) return undefined;
      terms.push({ name: m[1]!, value: m[2]!.replaceAll("''", "'") });
    }
    out.push(terms);
  }
  return out;
}

/** Values compare case-insensitively (Advisor answers `category eq 'cost'` like `'Cost'`) [U]. */
export function filterMatches(filter: ListFilter, resolve: (name: string) => string | undefined): boolean {
  return filter.some((terms) => terms.every((t) => resolve(t.name)?.toLowerCase() === t.value.toLowerCase()));
}

function splitOutsideQuotes(text: string, keyword: 'and' | 'or'): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  const lower = text.toLowerCase();
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted;
    if (!quoted && lower.startsWith(` ${keyword} `, i)) {
      parts.push(text.slice(start, i));
      start = i + keyword.length + 2;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
