/**
 * The KQL subset the emulator's Resource Graph understands: enough for an inventory tool
 * (`Resources | where type =~ 'x' | project … | order by … | summarize count() by … | limit n`).
 * Anything else is refused with ARG's InvalidQuery error rather than half-answered.
 */

/** A column reference: `type`, `properties.hardwareProfile.vmSize`, `tags['env']`. */
export type KqlPath = string[];

export type KqlValue = string | number | boolean | null;

export type KqlExpr =
  | { kind: 'and' | 'or'; left: KqlExpr; right: KqlExpr }
  | { kind: 'not'; expr: KqlExpr }
  | { kind: 'compare'; op: CompareOp; path: KqlPath; value: KqlValue }
  | { kind: 'in'; path: KqlPath; values: KqlValue[]; caseInsensitive: boolean; negate: boolean }
  | { kind: 'empty'; path: KqlPath; negate: boolean };

export type CompareOp =
  | '=='
  | '=~'
  | '!='
  | '!~'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'contains'
  | '!contains'
  | 'startswith'
  | 'endswith'
  | 'has';

export type KqlStage =
  | { kind: 'where'; predicate: KqlExpr }
  | { kind: 'project'; columns: { name: string; path: KqlPath }[] }
  | { kind: 'order'; keys: { path: KqlPath; descending: boolean }[] }
  | { kind: 'summarize'; counts: string[]; by: { name: string; path: KqlPath }[] }
  | { kind: 'limit'; count: number }
  | { kind: 'count' };

export interface KqlQuery {
  table: string;
  stages: KqlStage[];
}

/** A parse or resolution failure; becomes the second `details` entry of ARG's 400. */
export class KqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}
