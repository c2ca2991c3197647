import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { defaultSchemaPath } from './schema-path.ts';

/**
 * Validates Graph responses against the official subset schema (graph-protocol.md §5):
 * `addSchema({ $id: 'graph', $defs })`, then each endpoint's `x-endpoints[path].schema` compiled
 * with `#/$defs/` rewritten to `graph#/$defs/`. Unknown keys fail, so a typo in the emulator (or a
 * generator) is caught; keys with `@` are always allowed.
 */
export interface GraphSchemaValidator {
  /** Endpoint paths the schema covers, e.g. `/users`, `/users/{id}`, `/users/delta`. */
  readonly endpoints: readonly string[];
  /** Errors as readable strings; empty when valid. Throws for an endpoint the schema lacks. */
  validate(endpoint: string, body: unknown): string[];
  /** `/v1.0/groups/abc/members?x` → `/groups/{id}/members` when the schema covers it. */
  endpointFor(pathname: string): string | undefined;
}

interface SubsetSchema {
  $defs: Record<string, unknown>;
  'x-endpoints': Record<string, { schema: unknown }>;
}

export function createGraphSchemaValidator(schemaPath = defaultSchemaPath()): GraphSchemaValidator {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as SubsetSchema;
  const Ajv = Ajv2020 as unknown as typeof Ajv2020.default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  ajv.addSchema({ $id: 'graph', $defs: schema.$defs });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const endpoints = Object.keys(schema['x-endpoints']);

  const compile = (endpoint: string) => {
    let fn = compiled.get(endpoint);
    if (!fn) {
      const entry = schema['x-endpoints'][endpoint];
      if (!entry) throw new Error(`no schema for endpoint ${endpoint}`);
      const rewritten = JSON.parse(JSON.stringify(entry.schema).replaceAll('"#/$defs/', '"graph#/$defs/'));
      fn = ajv.compile(rewritten);
      compiled.set(endpoint, fn);
    }
    return fn;
  };

  return {
    endpoints,
    validate(endpoint, body) {
      const fn = compile(endpoint);
      if (fn(body)) return [];
      return (fn.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
    },
    endpointFor(pathname) {
      const parts = pathname.split('?')[0]!.split('/').filter(Boolean);
      if (parts[0] === 'v1.0' || parts[0] === 'beta') parts.shift();
      return endpoints.find((e) => {
        const pattern = e.split('/').filter(Boolean);
        if (pattern.length !== parts.length) return false;
        return pattern.every((p, i) =>
          p === '{id}'
            ? !['delta', '$count'].includes(parts[i]!)
            : p.toLowerCase() === parts[i]!.toLowerCase(),
        );
      });
    },
  };
}
