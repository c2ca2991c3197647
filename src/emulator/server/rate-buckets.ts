/**
 * Token buckets keyed by string, refilled continuously. Microsoft documents its directory limits
 * as a ResourceUnit token bucket (graph-protocol.md §3.2); the request-count limits of §3.1 are
 * modelled the same way with cost 1.
 *
 * Penalty: throttled requests still count ("avoid immediate retries … throttled requests still
 * count", §3.3), so a request refused inside the Retry-After window is debited too and pushes the
 * window out. The debt is floored at one bucket's capacity, so an abusive client waits at most
 * two windows once it stops. A client that waits the advertised Retry-After always gets through.
 */
export interface Limit {
  key: string;
  capacity: number;
  windowMs: number;
  cost: number;
}

export interface BucketState {
  key: string;
  capacity: number;
  /** may be negative while a client is in debt */
  tokens: number;
}

export interface TakeResult {
  ok: boolean;
  /** milliseconds until every bucket holds the cost again (0 when ok) */
  retryAfterMs: number;
  /** the buckets after this request, in the order given */
  after: BucketState[];
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateBuckets {
  take(limits: Limit[], now: number): TakeResult;
  reset(): void;
}

export function createRateBuckets(): RateBuckets {
  const buckets = new Map<string, Bucket>();

  function refill(limit: Limit, now: number): Bucket {
    let b = buckets.get(limit.key);
    if (!b) {
      b = { tokens: limit.capacity, updatedAt: now };
      buckets.set(limit.key, b);
    }
    const rate = limit.capacity / limit.windowMs;
    b.tokens = Math.min(limit.capacity, b.tokens + Math.max(0, now - b.updatedAt) * rate);
    b.updatedAt = now;
    return b;
  }

  return {
    take(limits, now) {
      const state = limits.map((l) => ({ l, b: refill(l, now), cost: Math.min(l.cost, l.capacity) }));
      const ok = state.every(({ b, cost }) => b.tokens >= cost);
      let retryAfterMs = 0;
      for (const { l, b, cost } of state) {
        b.tokens = Math.max(-l.capacity, b.tokens - cost);
        if (!ok) retryAfterMs = Math.max(retryAfterMs, ((cost - b.tokens) * l.windowMs) / l.capacity);
      }
      return {
        ok,
        retryAfterMs: ok ? 0 : Math.ceil(retryAfterMs),
        after: state.map(({ l, b }) => ({ key: l.key, capacity: l.capacity, tokens: b.tokens })),
      };
    },
    reset: () => buckets.clear(),
  };
}
