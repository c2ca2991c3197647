/**
 * Finding rows that may name the person before reading them: a case-insensitive substring test
 * in SQL (`ILIKE ANY`, patterns bound as one text[] parameter, `%`, `_` and `\` escaped), so a
 * tenant's thousands of drift events or findings are never all shipped to the process. The JS
 * matcher (subject-match.ts) then decides exactly; the SQL test only narrows.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Subject } from './rights-types.ts';

/** ILIKE patterns for every identifier and name of the subject. */
export function patternsOf(subject: Subject): string[] {
  const needles = [...subject.objectIds, ...subject.addresses, ...subject.names.filter((n) => n.length >= 3)];
  return [...new Set(needles.map((n) => `%${n.replace(/[\\%_]/g, (c) => `\\${c}`)}%`))];
}

/** `(text) ILIKE ANY(patterns)`; false when there is nothing to look for. */
export function mayName(text: RawBuilder<unknown>, patterns: readonly string[]): RawBuilder<boolean> {
  if (patterns.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${text}) ILIKE ANY(${[...patterns]}::text[])`;
}
