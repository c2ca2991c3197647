import type { EmulatorRequest, EmulatorResponse, Route, ThrottleClass } from '../contract.ts';
import { armError } from '../server/http.ts';
import { createArgQuota } from './arg-quota.ts';
import { checkApiVersion } from './arm-http.ts';
import { costQueryQpu, costQueryWrongMethod, handleCostQuery } from './cost-query-route.ts';
import { handleMetrics } from './metrics-route.ts';
import { handleAdvisor, handleReservations } from './recommendations-route.ts';
import { handleResourceGraph } from './resource-graph-route.ts';
import { handleGetSubscription, handleListSubscriptions } from './subscriptions-route.ts';

export interface ArmOptions {
  /** Cost Management strict mode: 400 for > 2 groupings, Daily > 31 days, > 37 months (see README). */
  strictCostQuery?: boolean;
  /** Clock for Resource Graph's per-user quota window (tests inject one). */
  now?: () => number;
}

/**
 * ARM paths are case-insensitive and resource ids nest to any depth, so the routes below hand the
 * path to this table, matched case-insensitively, instead of relying on the server's pattern syntax.
 */
interface ArmEndpoint {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle: (req: EmulatorRequest, m: RegExpExecArray) => EmulatorResponse;
}

const SUB = '/subscriptions/([^/]+)';
const COST_QUERY = new RegExp(
  `^${SUB}(?:/resourceGroups/([^/]+))?/providers/Microsoft\\.CostManagement/query$`,
  'i',
);

function endpoints(options: ArmOptions): ArmEndpoint[] {
  const scope = (m: RegExpExecArray) =>
    m[2] === undefined
      ? { subscriptionId: m[1]! }
      : { subscriptionId: m[1]!, resourceGroup: decodeURIComponent(m[2]) };
  return [
    {
      method: 'GET',
      pattern: new RegExp(`^${SUB}$`, 'i'),
      handle: (req, m) => handleGetSubscription(req, m[1]!),
    },
    {
      method: 'POST',
      pattern: COST_QUERY,
      handle: (req, m) => handleCostQuery(req, scope(m), { strict: options.strictCostQuery ?? false }),
    },
    { method: 'GET', pattern: COST_QUERY, handle: (req) => costQueryWrongMethod(req) },
    {
      method: 'GET',
      pattern: new RegExp(`^${SUB}/providers/Microsoft\\.Advisor/recommendations$`, 'i'),
      handle: (req, m) => handleAdvisor(req, m[1]!),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^${SUB}/providers/Microsoft\\.Consumption/reservationRecommendations$`, 'i'),
      handle: (req, m) => handleReservations(req, m[1]!),
    },
    {
      method: 'GET',
      pattern: new RegExp(
        `^(${SUB}/resourceGroups/[^/]+/providers/.+?)/providers/Microsoft\\.Insights/metrics$`,
        'i',
      ),
      handle: (req, m) => handleMetrics(req, decodeURIComponent(m[1]!)),
    },
  ];
}

/** Dispatches one request under `/subscriptions/…`; unknown paths get ARM's 404. */
function dispatchArm(table: ArmEndpoint[], req: EmulatorRequest): EmulatorResponse {
  const path = req.url.pathname.replace(/\/+$/, '');
  let pathMatched = false;
  for (const endpoint of table) {
    const m = endpoint.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (endpoint.method === req.method) return endpoint.handle(req, m);
  }
  // ARM checks for an api-version before it routes, so a missing one wins over a bad path.
  if (!req.url.searchParams.get('api-version')) return checkApiVersion(req, 'subscriptions')!;
  if (pathMatched) {
    return armError(
      req,
      405,
      'MethodNotAllowed',
      `The requested resource does not support http method '${req.method}'.`,
    );
  }
  return armError(
    req,
    404,
    'NotFound',
    `The requested path '${req.url.pathname}' is not served by the emulator's Azure Resource Manager.`,
  );
}

/** Cost Management queries draw QPU; every other ARM call draws from the ARM read bucket. */
function throttleFor(req: EmulatorRequest): ThrottleClass {
  if (req.method === 'POST' && COST_QUERY.test(req.url.pathname.replace(/\/+$/, ''))) {
    return { kind: 'costManagement', qpu: costQueryQpu(req) };
  }
  return { kind: 'arm' };
}

/** The Azure Resource Manager routes (subscriptions, Cost Management, Resource Graph, Advisor, Consumption, Monitor). */
export function armRoutes(options: ArmOptions = {}): Route[] {
  const table = endpoints(options);
  const quota = createArgQuota(options.now);
  const dispatch = (req: EmulatorRequest) => dispatchArm(table, req);
  const arg = (req: EmulatorRequest) => handleResourceGraph(req, quota);
  const route = (method: Route['method'], path: string, handler: Route['handler']): Route => ({
    method,
    path,
    auth: 'arm',
    throttle: throttleFor,
    handler,
  });
  return [
    route('GET', '/subscriptions', handleListSubscriptions),
    route('GET', '/subscriptions/*', dispatch),
    route('POST', '/subscriptions/*', dispatch),
    route('POST', '/providers/Microsoft.ResourceGraph/resources', arg),
    // without this the server's generic 405 (Graph-shaped) would answer a GET here
    route('GET', '/providers/Microsoft.ResourceGraph/resources', (req) =>
      armError(
        req,
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${req.method}'.`,
      ),
    ),
  ];
}
