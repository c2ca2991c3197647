/** Drift: what changed in a tenant's configuration, who changed it, and deviations from a standard. */
export { diffSnapshots } from './diff-snapshots.ts';
export type * from './drift-types.ts';
export { KIND_BY_NAME, OBJECT_KINDS, type ObjectKind } from './object-kinds.ts';
export { renderDriftMarkdown, renderStandardMarkdown } from './render-markdown.ts';
export { compareToStandard } from './standard-eval.ts';
export { parseStandard, parseStandardText, STANDARD_FORMAT, type Standard } from './standard-schema.ts';
