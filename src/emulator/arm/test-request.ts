import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Route, TenantModel } from '../contract.ts';
import { createTenantStore } from '../store/tenant-store.ts';
import { armFixture } from './test-fixture.ts';

/**
 * Calls the ARM routes the way the server core would after authentication: builds the
 * EmulatorRequest (tenant set, token claims set) and picks the route by method and path.
 */
export interface Caller {
  model: TenantModel;
  call(method: string, pathAndQuery: string, body?: unknown): Promise<EmulatorResponse>;
  /** calls a full URL (e.g. a nextLink) */
  callUrl(method: string, url: string, body?: unknown): Promise<EmulatorResponse>;
}

export function createCaller(routes: Route[], model: TenantModel = armFixture()): Caller {
  const tenant = createTenantStore(model);
  const callUrl = async (method: string, href: string, body?: unknown) => {
    const url = new URL(href);
    const req: EmulatorRequest = {
      method,
      url,
      headers: { 'content-type': 'application/json' },
      rawBody: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
      params: {},
      tenant,
      token: {
        aud: 'https://management.azure.com',
        iss: 'x',
        tid: model.tenantId,
        appid: 'app',
        exp: 0,
        iat: 0,
        nbf: 0,
      },
      requestId: randomUUID(),
    };
    const route = pick(routes, method, url.pathname);
    if (!route) throw new Error(`no route for ${method} ${url.pathname}`);
    // the server core calls throttle() before the handler; run it so a throwing throttle fails tests
    route.throttle?.(req);
    return route.handler(req);
  };
  return {
    model,
    callUrl,
    call: (method, pathAndQuery, body) =>
      callUrl(method, `https://management.azure.com${pathAndQuery}`, body),
  };
}

/** Minimal version of the server's matching: exact paths first, then `prefix/*`. */
export function pick(routes: Route[], method: string, path: string): Route | undefined {
  const same = routes.filter((r) => r.method === method);
  return (
    same.find((r) => r.path.toLowerCase() === path.toLowerCase()) ??
    same.find(
      (r) => r.path.endsWith('/*') && path.toLowerCase().startsWith(r.path.slice(0, -1).toLowerCase()),
    )
  );
}

export function bodyOf<T = Record<string, unknown>>(res: EmulatorResponse): T {
  return res.body as T;
}
