import type { EmulatorRequest, EmulatorResponse, ThrottleClass } from '../contract.ts';
import { graphErrorBody, json } from './http.ts';
import { createRateBuckets, type Limit, type TakeResult } from './rate-buckets.ts';

/**
 * Microsoft's throttling limits (graph-protocol.md §3; azure-cost.md §1.5), applied per request
 * after authentication, because every limit is scoped by app and/or tenant.
 */
export interface ThrottleInput {
  cls: ThrottleClass;
  appId: string;
  tenantId: string;
  /** users in the tenant: picks the S/M/L resource-unit quota */
  users: number;
  /** `/subscriptions/{id}` of an ARM path, when present */
  subscriptionId?: string;
  /** request body, for the Cost Management QPU cost of a query */
  rawBody: string;
}

export interface ThrottleDecision {
  ok: boolean;
  cls: ThrottleClass;
  /** headers for the response whether throttled or not */
  headers: Record<string, string>;
  retryAfterSeconds?: number;
  /** resource units charged (directory class only) */
  resourceUnits?: number;
}

export interface Throttler {
  check(input: ThrottleInput, now: number): ThrottleDecision;
  reset(): void;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** §3.2: application + tenant pair quota, by tenant size: S < 50 users, M 50–500, L > 500. */
export function resourceUnitQuota(users: number): number {
  if (users < 50) return 3_500;
  if (users <= 500) return 5_000;
  return 8_000;
}

/** azure-cost.md §1.5: "one QPU is deducted for one month of data queried". */
export function costQueryQpu(rawBody: string): number {
  try {
    const body = JSON.parse(rawBody) as { timeframe?: string; timePeriod?: { from?: string; to?: string } };
    const from = Date.parse(body.timePeriod?.from ?? '');
    const to = Date.parse(body.timePeriod?.to ?? '');
    if (body.timeframe?.toLowerCase() !== 'custom' || Number.isNaN(from) || Number.isNaN(to)) return 1;
    return Math.max(1, Math.ceil((to - from + 1) / (30.44 * 24 * HOUR)));
  } catch {
    return 1;
  }
}

/** §3.1: "Global, per app across all tenants, any request: 130,000 requests / 10 s". */
function globalLimit(i: ThrottleInput): Limit {
  return { key: `global/${i.appId}`, capacity: 130_000, windowMs: 10 * SECOND, cost: 1 };
}

/** The class's own limits first (headers read them by position), then the global per-app limit. */
function limitsFor(i: ThrottleInput): Limit[] {
  const own = classLimits(i);
  return own.length ? [...own, globalLimit(i)] : [];
}

function classLimits(i: ThrottleInput): Limit[] {
  const c = i.cls;
  const pair = `${i.tenantId}/${i.appId}`;
  switch (c.kind) {
    case 'directory':
      return [
        { key: `ru/${pair}`, capacity: resourceUnitQuota(i.users), windowMs: 10 * SECOND, cost: ru(c) },
      ];
    case 'identityReports': // §3.1: 5 requests / 10 s per app per tenant
      return [{ key: `reports/${pair}`, capacity: 5, windowMs: 10 * SECOND, cost: 1 }];
    case 'signInActivity': // §3.1: 10 requests / minute
      return [{ key: `signInActivity/${pair}`, capacity: 10, windowMs: MINUTE, cost: 1 }];
    case 'conditionalAccess': // §3.1: 1 request / second per tenant for all apps
      return [{ key: `ca/${i.tenantId}`, capacity: 1, windowMs: SECOND, cost: 1 }];
    case 'usageReports': // §3.1: 14 / 10 min per app per tenant, counted per report API
      return [{ key: `usage/${pair}/${c.report}`, capacity: 14, windowMs: 10 * MINUTE, cost: 1 }];
    case 'costManagement': {
      // azure-cost.md §1.5: per tenant 12 QPU / 10 s, 60 QPU / 1 min, 600 QPU / 1 h
      const cost = qpuOf(i);
      return [
        { key: `qpu10s/${i.tenantId}`, capacity: 12, windowMs: 10 * SECOND, cost },
        { key: `qpuMin/${i.tenantId}`, capacity: 60, windowMs: MINUTE, cost },
        { key: `qpuHour/${i.tenantId}`, capacity: 600, windowMs: HOUR, cost },
      ];
    }
    case 'arm': // classic ARM read limit: 12,000 reads per hour per subscription (per principal)
      return [
        {
          key: `arm/${i.subscriptionId ?? i.tenantId}/${i.appId}`,
          capacity: 12_000,
          windowMs: HOUR,
          cost: 1,
        },
      ];
    default:
      return [];
  }
}

/** The route's own QPU count when it gives one (the ARM module parses the query), else the body's. */
function qpuOf(i: ThrottleInput): number {
  const given = i.cls.kind === 'costManagement' ? i.cls.qpu : undefined;
  return given !== undefined && given >= 1 ? Math.round(given) : costQueryQpu(i.rawBody);
}

function ru(c: { resourceUnits: number }): number {
  return Math.max(1, Math.round(c.resourceUnits)); // §3.2 "minimum cost 1"
}

function remaining(r: TakeResult, index: number): number {
  return Math.max(0, Math.floor(r.after[index]?.tokens ?? 0));
}

function headersFor(i: ThrottleInput, r: TakeResult, retryAfter: number | undefined): Record<string, string> {
  const h: Record<string, string> = {};
  const c = i.cls;
  if (c.kind === 'directory') {
    h['x-ms-resource-unit'] = String(ru(c));
    const b = r.after[0];
    // §3.2: sent only above 0.8, range 0.8–1.8 (1.0 = throttling starts)
    const used = b ? (b.capacity - b.tokens) / b.capacity : 0;
    if (used > 0.8) h['x-ms-throttle-limit-percentage'] = Math.min(1.8, used).toFixed(1);
  }
  if (c.kind === 'arm') h['x-ms-ratelimit-remaining-subscription-reads'] = String(remaining(r, 0));
  if (c.kind === 'costManagement') {
    h['x-ms-ratelimit-microsoft.costmanagement-qpu-consumed'] = String(qpuOf(i));
    h['x-ms-ratelimit-microsoft.costmanagement-qpu-remaining'] =
      `QueriesPerHour:${remaining(r, 2)},QueriesPerMin:${remaining(r, 1)}`;
    if (retryAfter !== undefined)
      h['x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after'] = String(retryAfter);
  }
  if (retryAfter !== undefined && c.kind !== 'conditionalAccess') h['retry-after'] = String(retryAfter);
  if (!r.ok && c.kind === 'directory') {
    h['x-ms-throttle-scope'] = `Tenant_Application/ReadWrite/${i.appId}/${i.tenantId}`;
    h['x-ms-throttle-information'] = 'ResourceUnitLimitExceeded';
  }
  return h;
}

export function createThrottler(): Throttler {
  const buckets = createRateBuckets();
  return {
    check(input, now) {
      const limits = limitsFor(input);
      if (limits.length === 0) return { ok: true, cls: input.cls, headers: {} };
      const r = buckets.take(limits, now);
      const retryAfterSeconds = r.ok ? undefined : Math.max(1, Math.ceil(r.retryAfterMs / SECOND));
      return {
        ok: r.ok,
        cls: input.cls,
        headers: headersFor(input, r, retryAfterSeconds),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        ...(input.cls.kind === 'directory' ? { resourceUnits: ru(input.cls) } : {}),
      };
    },
    reset: () => buckets.reset(),
  };
}

/** The 429 Microsoft answers for each kind of limit (§3.3, error.429*.json, azure-cost.md §1.5). */
export function throttledResponse(
  req: Pick<EmulatorRequest, 'requestId' | 'headers'>,
  d: ThrottleDecision,
  now: Date,
): EmulatorResponse {
  const after = d.retryAfterSeconds ?? 1;
  switch (d.cls.kind) {
    case 'directory': {
      const body = graphErrorBody(
        req,
        'Request_ThrottledTemporarily',
        `Your request is throttled temporarily. Please try after ${after} seconds.`,
        now,
      );
      return json(429, body, d.headers);
    }
    case 'costManagement':
      return json(429, { error: { code: '429', message: 'Too many requests. Please retry.' } }, d.headers);
    case 'arm':
      return json(
        429,
        {
          error: {
            code: 'SubscriptionRequestsThrottled',
            message: `Number of 'read' requests for subscription actually exceeded its limit of '12000'. Please try again after '${after}' seconds.`,
          },
        },
        d.headers,
      );
    default:
      return json(429, tooManyRequestsBody(req, now), d.headers);
  }
}

/** The documented Graph 429 sample (MGD throttling.md; examples/error.429.json). */
export function tooManyRequestsBody(req: Pick<EmulatorRequest, 'requestId'>, now: Date): unknown {
  return {
    error: {
      code: 'TooManyRequests',
      innerError: {
        code: '429',
        date: now.toISOString().slice(0, 19),
        message: 'Please retry after',
        'request-id': req.requestId,
        status: '429',
      },
      message: 'Please retry again later.',
    },
  };
}
