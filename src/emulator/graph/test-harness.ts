import type { EmulatorRequest, EmulatorResponse, Route, TenantStore } from '../contract.ts';
import { graphBatchRoutes } from './batch.ts';
import { accessDenied } from './errors.ts';
import { type GraphOptions, graphRoutes } from './index.ts';
import { createGraphSchemaValidator } from './schema-validator.ts';
import { fakeRequest } from './test-fixture.ts';

/**
 * Calls the Graph routes in memory, as the server core would (route match by literal
 * specificity, `anyOfRoles` → 403), and validates every JSON 2xx answer against the official
 * schema when it covers the endpoint. Tests see schema errors as thrown exceptions.
 */
export const validator = createGraphSchemaValidator();

/** Graph JSON as tests read it: any shape, checked by assertions and the schema. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are arbitrary Graph JSON
export type Json = any;

export interface CallInit {
  headers?: Record<string, string>;
  roles?: string[];
  method?: string;
  body?: string;
}

export function createHarness(store: TenantStore, options: GraphOptions = {}) {
  const routes: Route[] = graphRoutes(options);
  const dispatch = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const found = match(routes, req.method, req.url.pathname);
    if (!found) return { status: 400, body: { error: { code: 'BadRequest', message: 'no route' } } };
    const granted = req.token?.roles ?? [];
    if (found.route.anyOfRoles && !found.route.anyOfRoles.some((r) => granted.includes(r)))
      return accessDenied(req);
    return found.route.handler({ ...req, params: found.params });
  };
  routes.push(...graphBatchRoutes(dispatch));

  async function call(pathAndQuery: string, init: CallInit = {}): Promise<EmulatorResponse & { body: Json }> {
    const req = fakeRequest(store, pathAndQuery, init);
    const res = await dispatch(req);
    checkSchema(req.url.pathname, res);
    return res as EmulatorResponse & { body: Json };
  }
  return { routes, call, dispatch };
}

function checkSchema(pathname: string, res: EmulatorResponse): void {
  if (res.status >= 300 || typeof res.body !== 'object' || res.body === null) return;
  const endpoint = validator.endpointFor(pathname);
  if (!endpoint) return;
  const errors = validator.validate(endpoint, res.body);
  if (errors.length > 0) throw new Error(`schema ${endpoint}: ${errors.slice(0, 5).join('; ')}`);
}

function match(routes: Route[], method: string, pathname: string) {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const ok = pattern.every((p, i) => {
      if (p.startsWith(':')) {
        params[p.slice(1)] = parts[i]!;
        return true;
      }
      literals++;
      return p.toLowerCase() === parts[i]!.toLowerCase();
    });
    if (ok && (!best || literals > best.literals)) best = { route, params, literals };
  }
  return best;
}
