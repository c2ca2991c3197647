import { fileURLToPath } from 'node:url';

/**
 * Where the official Graph subset schema lives: `../shared/reference/graph/` beside the repository
 * (issue 3), overridable with `GRAPH_SCHEMA_PATH`.
 */
export function defaultSchemaPath(): string {
  return (
    process.env.GRAPH_SCHEMA_PATH ??
    fileURLToPath(
      new URL('../../../../shared/reference/graph/graph-v1.0-subset.schema.json', import.meta.url),
    )
  );
}
