import type { EmulatorRequest, EmulatorResponse, Route } from '../contract.ts';
import { type AuthContext, controlGate, licenceGate, permissionGate, tokenGate } from './auth.ts';
import type { Clock } from './clock.ts';
import { graphError, json } from './http.ts';
import type { Router } from './router.ts';
import type { Stats } from './stats.ts';
import { userCount } from './tenants.ts';
import { type Throttler, throttledResponse } from './throttle.ts';

/**
 * One request through the emulator: route, authenticate, throttle, authorise, licence, handle.
 * Throttling sits after authentication because every limit is scoped by the token's app and
 * tenant (graph-protocol.md §3), and before the permission check because Microsoft charges a
 * request whether or not it is allowed.
 */
export interface PipelineDeps extends AuthContext {
  router: Router;
  throttler: Throttler;
  stats: Stats;
  clock: Clock;
}

export interface Handled {
  response: EmulatorResponse;
  routeKey: string;
}

export async function handle(
  deps: PipelineDeps,
  req: Omit<EmulatorRequest, 'params'>,
  peer: string | undefined,
): Promise<Handled> {
  const match = deps.router.match(req.method, req.url.pathname);
  const full: EmulatorRequest = { ...req, params: {} };
  if (!match) return { response: notFound(full), routeKey: 'unmatched' };
  if ('methodMismatch' in match) {
    return {
      response: graphError(full, 405, 'Request_BadRequest', 'The HTTP method is not allowed.'),
      routeKey: 'unmatched',
    };
  }
  const { route } = match;
  full.params = match.params;
  const routeKey = `${route.method} ${route.path}`;
  try {
    return { response: await gated(deps, route, full, peer), routeKey };
  } catch {
    // Never a stack trace in a response: Microsoft answers an opaque 500.
    return {
      response: graphError(full, 500, 'InternalServerError', 'An internal server error occurred.'),
      routeKey,
    };
  }
}

async function gated(
  deps: PipelineDeps,
  route: Route,
  req: EmulatorRequest,
  peer: string | undefined,
): Promise<EmulatorResponse> {
  if (route.auth === 'control') {
    const gate = controlGate(req, peer, deps);
    if (!gate.ok) return gate.response;
  } else if (route.auth === 'graph' || route.auth === 'arm') {
    const gate = await tokenGate(req, route.auth, deps);
    if (!gate.ok) return gate.response;
    req.token = gate.token;
    req.tenant = gate.tenant;
  }
  let throttleHeaders: Record<string, string> = {};
  if (route.throttle && req.token && req.tenant) {
    const now = deps.clock.now();
    const decision = deps.throttler.check(
      {
        cls: route.throttle(req),
        appId: req.token.appid,
        tenantId: req.token.tid,
        users: userCount(req.tenant),
        subscriptionId: /\/subscriptions\/([^/]+)/i.exec(req.url.pathname)?.[1],
        rawBody: req.rawBody,
      },
      now,
    );
    if (decision.resourceUnits)
      deps.stats.resourceUnits(req.token.tid, req.token.appid, decision.resourceUnits, now);
    if (!decision.ok) {
      deps.stats.throttled();
      return throttledResponse(req, decision, new Date(now));
    }
    throttleHeaders = decision.headers;
  }
  for (const gate of [permissionGate(req, route), licenceGate(req, route)]) {
    if (!gate.ok) return withHeaders(gate.response, throttleHeaders);
  }
  return withHeaders(await route.handler(req), throttleHeaders);
}

function withHeaders(r: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return Object.keys(headers).length ? { ...r, headers: { ...headers, ...r.headers } } : r;
}

function notFound(req: EmulatorRequest): EmulatorResponse {
  const path = req.url.pathname;
  if (/^\/(v1\.0|beta)(\/|$)/i.test(path)) {
    const segment = path.split('/').filter(Boolean).slice(1).join('/') || path;
    return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
  }
  return json(404, { error: { code: 'NotFound', message: `No route matches '${path}'.` } });
}
