/**
 * Retry-After parsing. Graph sends seconds, sometimes fractional ("2.128" in the throttling
 * docs); HTTP also allows a date. Cost Management sends several `x-ms-ratelimit-*-retry-after`
 * headers: wait for the largest (azure-cost.md §1.5).
 */
export function parseRetryAfter(headers: Record<string, string>, now = Date.now()): number | undefined {
  const candidates: number[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'retry-after' || (name.startsWith('x-ms-ratelimit-') && name.endsWith('retry-after'))) {
      const ms = toMs(value, now);
      if (ms !== undefined) candidates.push(ms);
    }
  }
  return candidates.length ? Math.max(...candidates) : undefined;
}

function toMs(value: string, now: number): number | undefined {
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryPolicy {
  /** attempts in all, the first included */
  maxAttempts: number;
  /** first backoff when Microsoft gives no Retry-After; doubles each time, with jitter */
  baseDelayMs: number;
  /** a longer Retry-After than this is clamped: we would rather fail the dataset than stall a sync */
  maxDelayMs: number;
}

/**
 * 6 attempts with 1 s doubling (1, 2, 4, 8, 16 s ≈ 31 s) rides out the transient 503/504s Graph
 * documents; 120 s caps a Retry-After (graph-protocol.md §3.3 suggests clamping).
 */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 120_000 };

/** The wait before attempt `attempt + 1`: Retry-After when given, else exponential with full jitter. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
