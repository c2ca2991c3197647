import type { Route, TenantModel } from '../contract.ts';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { type ManualClock, manualClock } from './clock.ts';
import { jsonObjects } from './http.ts';
import { type TrustingFetch, trustingFetch } from './test-clients.ts';
import { FIXTURE_SECRET } from './test-fixtures.ts';

/**
 * Starts an emulator on a manual clock with a few Graph-like routes that exercise every gate
 * of the server core, so server and control tests need neither the Graph module nor sleeping.
 */
export const TEST_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/v1.0/test/users',
    auth: 'graph',
    anyOfRoles: ['User.Read.All', 'Directory.Read.All'],
    throttle: (req) => ({ kind: 'directory', resourceUnits: Number(req.url.searchParams.get('ru') ?? 2) }),
    handler: () => jsonObjects(200, { value: [{ id: '1' }, { id: '2' }] }, 2),
  },
  {
    method: 'GET',
    path: '/v1.0/test/audit',
    auth: 'graph',
    anyOfRoles: ['AuditLog.Read.All'],
    handler: () => jsonObjects(200, { value: [] }, 0),
  },
  {
    method: 'GET',
    path: '/v1.0/test/signIns',
    auth: 'graph',
    licence: 'P1',
    handler: () => jsonObjects(200, { value: [] }, 0),
  },
  {
    method: 'GET',
    path: '/v1.0/test/roleManagement/directory/roleEligibilitySchedules',
    auth: 'graph',
    licence: 'P2',
    handler: () => jsonObjects(200, { value: [] }, 0),
  },
  {
    method: 'GET',
    path: '/v1.0/test/reports',
    auth: 'graph',
    throttle: () => ({ kind: 'identityReports' }),
    handler: () => jsonObjects(200, { value: [] }, 0),
  },
  {
    method: 'GET',
    path: '/v1.0/test/ca',
    auth: 'graph',
    throttle: () => ({ kind: 'conditionalAccess' }),
    handler: () => jsonObjects(200, { value: [] }, 0),
  },
  {
    method: 'GET',
    path: '/v1.0/test/boom',
    auth: 'graph',
    handler: () => {
      throw new Error('secret internals');
    },
  },
  {
    method: 'GET',
    path: '/arm-test/subscriptions/:sub',
    auth: 'arm',
    throttle: () => ({ kind: 'arm' }),
    handler: () => jsonObjects(200, { ok: true }, 1),
  },
];

export interface Harness {
  emu: RunningEmulator;
  clock: ManualClock;
  f: TrustingFetch;
  token(resource?: string, tenant?: TenantModel): Promise<string>;
  get(path: string, token: string, headers?: Record<string, string>): ReturnType<TrustingFetch>;
  control(method: string, path: string, body?: unknown, token?: string): ReturnType<TrustingFetch>;
}

export async function startHarness(tenants: TenantModel[]): Promise<Harness> {
  const clock = manualClock(Date.now());
  const emu = await startEmulator({
    tenants,
    clock,
    latency: { baseMs: 0, perObjectMs: 0 },
    extraRoutes: TEST_ROUTES,
  });
  const f = trustingFetch(emu.caPem);
  return {
    emu,
    clock,
    f,
    async token(resource = 'https://graph.microsoft.com', tenant = tenants[0]!) {
      const res = await f(`${emu.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: tenant.clients[0]!.clientId,
          client_secret: FIXTURE_SECRET,
          scope: `${resource}/.default`,
        }).toString(),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    get: (path, token, headers = {}) =>
      f(`${emu.graphUrl}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } }),
    control: (method, path, body, token = emu.controlToken) =>
      f(`${emu.controlUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}
