import type { EmulatorRequest, EmulatorResponse, Route, TenantStore } from '../contract.ts';
import { type Clock, isManualClock } from '../server/clock.ts';
import type { FaultInjector, FaultRule } from '../server/faults.ts';
import { json } from '../server/http.ts';
import type { LatencyModel } from '../server/server.ts';
import type { Stats } from '../server/stats.ts';
import type { TenantDirectory } from '../server/tenants.ts';
import type { Throttler } from '../server/throttle.ts';
import { applyChange } from './changes.ts';
import {
  expireSecrets,
  findClient,
  type LicenceRemoval,
  removeLicence,
  restoreConsent,
  revokeConsent,
} from './tenant-ops.ts';

/**
 * The control API under `/_emulator`. Every route has `auth: 'control'`: the server core
 * requires the per-start control token and a loopback peer before any handler runs.
 */
export interface ControlContext {
  tenants: TenantDirectory;
  clock: Clock;
  faults: FaultInjector;
  stats: Stats;
  throttler: Throttler;
  latency: { get(): LatencyModel; set(m: LatencyModel): void };
  /** drops a client's refresh tokens when consent is revoked */
  revokeGrants(tenantId: string, clientId: string): void;
}

const err = (status: number, code: string, message: string) => json(status, { error: { code, message } });

function parse(req: EmulatorRequest): unknown {
  try {
    return req.rawBody ? JSON.parse(req.rawBody) : {};
  } catch {
    return undefined;
  }
}

type TenantHandler = (
  store: TenantStore,
  body: Record<string, unknown>,
  req: EmulatorRequest,
) => EmulatorResponse;

/** Resolves `:tid` and parses the JSON body before a tenant operation. */
function forTenant(ctx: ControlContext, fn: TenantHandler): Route['handler'] {
  return (req) => {
    const store = ctx.tenants.resolve(req.params.tid ?? '');
    if (!store) return err(404, 'TenantNotFound', `No tenant '${req.params.tid}'.`);
    const body = parse(req);
    if (typeof body !== 'object' || body === null)
      return err(400, 'BadRequest', 'The body must be a JSON object.');
    return fn(store, body as Record<string, unknown>, req);
  };
}

function summary(s: TenantStore) {
  const m = s.model;
  return {
    tenantId: m.tenantId,
    displayName: m.displayName,
    initialDomain: m.initialDomain,
    profile: m.profile,
    entraPlan: m.entraPlan,
    users: s.collection('users').length,
    clients: m.clients.map((c) => ({
      clientId: c.clientId,
      displayName: c.displayName,
      consented: c.consented,
    })),
  };
}

export function controlRoutes(ctx: ControlContext): Route[] {
  const r = (method: Route['method'], path: string, handler: Route['handler']): Route => ({
    method,
    path: `/_emulator${path}`,
    auth: 'control',
    handler,
  });
  const client = (
    fn: (
      c: NonNullable<ReturnType<typeof findClient>>,
      s: TenantStore,
      b: Record<string, unknown>,
    ) => EmulatorResponse,
  ) =>
    forTenant(ctx, (store, body, req) => {
      const c = findClient(store, req.params.clientId ?? '');
      return c ? fn(c, store, body) : err(404, 'ClientNotFound', `No client '${req.params.clientId}'.`);
    });
  return [
    r('GET', '/tenants', () => json(200, { value: ctx.tenants.all().map(summary) })),
    r(
      'POST',
      '/tenants/:tid/changes',
      forTenant(ctx, (store, body) => {
        const result = applyChange(store, body, new Date(ctx.clock.now()));
        return result.ok ? json(200, result) : err(result.status, result.code, result.message);
      }),
    ),
    r(
      'POST',
      '/tenants/:tid/clients/:clientId/revoke',
      client((c, s) => {
        revokeConsent(c);
        ctx.revokeGrants(s.model.tenantId, c.clientId);
        return json(200, { clientId: c.clientId, consented: c.consented });
      }),
    ),
    r(
      'POST',
      '/tenants/:tid/clients/:clientId/consent',
      client((c) => {
        restoreConsent(c);
        return json(200, { clientId: c.clientId, consented: c.consented });
      }),
    ),
    r(
      'POST',
      '/tenants/:tid/clients/:clientId/expire-secret',
      client((c, _s, body) => {
        const keyId = typeof body.keyId === 'string' ? body.keyId : undefined;
        return json(200, { expired: expireSecrets(c, ctx.clock.now(), keyId) });
      }),
    ),
    r(
      'POST',
      '/tenants/:tid/licences/remove',
      forTenant(ctx, (store, body) => {
        const plan = body.entraPlan;
        if (plan !== undefined && plan !== 'free' && plan !== 'P1' && plan !== 'P2') {
          return err(400, 'BadRequest', "entraPlan must be 'free', 'P1' or 'P2'.");
        }
        const users = removeLicence(store, body as LicenceRemoval);
        return json(200, { usersChanged: users, entraPlan: store.model.entraPlan });
      }),
    ),
    ...operationalRoutes(ctx, r),
  ];
}

function operationalRoutes(
  ctx: ControlContext,
  r: (method: Route['method'], path: string, handler: Route['handler']) => Route,
): Route[] {
  return [
    r('GET', '/faults', () => json(200, { rules: ctx.faults.rules() })),
    r('PUT', '/faults', (req) => {
      const body = parse(req) as { rules?: FaultRule[]; seed?: unknown } | undefined;
      if (!Array.isArray(body?.rules))
        return err(400, 'BadRequest', 'Send { "rules": [ … ] } (an empty list clears faults).');
      try {
        if (body.seed !== undefined && typeof body.seed !== 'string')
          throw new RangeError('seed must be a string');
        ctx.faults.set(body.rules, body.seed);
      } catch (e) {
        return err(400, 'BadRequest', (e as Error).message);
      }
      return json(200, { rules: ctx.faults.rules() });
    }),
    r('GET', '/stats', () => json(200, ctx.stats.snapshot())),
    r('POST', '/stats/reset', () => {
      ctx.stats.reset();
      return json(200, ctx.stats.snapshot());
    }),
    r('POST', '/throttle/reset', () => {
      ctx.throttler.reset();
      return json(200, { reset: true });
    }),
    r('GET', '/latency', () => json(200, ctx.latency.get())),
    r('PUT', '/latency', (req) => {
      const b = parse(req) as Partial<LatencyModel> | undefined;
      const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
      if (!b || !ok(b.baseMs) || !ok(b.perObjectMs))
        return err(400, 'BadRequest', 'Send { baseMs, perObjectMs } (numbers ≥ 0).');
      ctx.latency.set({ baseMs: b.baseMs!, perObjectMs: b.perObjectMs! });
      return json(200, ctx.latency.get());
    }),
    r('GET', '/clock', () =>
      json(200, { now: new Date(ctx.clock.now()).toISOString(), manual: isManualClock(ctx.clock) }),
    ),
    r('POST', '/clock/advance', (req) => {
      if (!isManualClock(ctx.clock))
        return err(409, 'ClockNotManual', 'Start the emulator with a manual clock to advance it.');
      const b = parse(req) as { ms?: unknown } | undefined;
      if (typeof b?.ms !== 'number' || !(b.ms >= 0))
        return err(400, 'BadRequest', 'Send { ms } (a number ≥ 0).');
      ctx.clock.advance(b.ms);
      return json(200, { now: new Date(ctx.clock.now()).toISOString() });
    }),
  ];
}
