import type { Bucket, Pacer, RequestCost } from './graph-budget.ts';
import type { Sleep } from './retry.ts';

/**
 * Azure Resource Manager's published limits (azure-cost.md §1.5, §3, §6), paced on our side so a
 * sync meets no 429: a request waits for its buckets instead of being refused and retried.
 *
 * Cost Management's QPU budget is per tenant and shared with every other caller there (the
 * portal, other tools), so we keep the same 20 % margin as the Graph pacer.
 */
const SAFETY = 0.8;

export const armBuckets = {
  /** Cost Management query processing units per tenant: 12 / 10 s, 60 / min, 600 / h (§1.5). */
  qpu10s: { capacity: 12 * SAFETY, windowMs: 10_000 },
  qpuMinute: { capacity: 60 * SAFETY, windowMs: 60_000 },
  qpuHour: { capacity: 600 * SAFETY, windowMs: 3_600_000 },
  /**
   * Cost Management requests per scope: "4 calls per scope per minute" (SKILL guardrails and
   * Microsoft Q&A answers, §1.5, "most restrictive"). Already the tightest limit: no margin.
   */
  costScope: { capacity: 4, windowMs: 60_000 },
  /**
   * ARM reads: a token bucket of 250 refilled at 25 / s per subscription and per tenant (the 2024
   * regional throttling, §1.5), i.e. 250 tokens per 10 s window.
   */
  armRead: { capacity: 250 * SAFETY, windowMs: 10_000 },
  /** Resource Graph: 15 queries per 5-second window per user (guidance-for-throttled-requests, §3). */
  resourceGraph: { capacity: 15 * SAFETY, windowMs: 5_000 },
} as const satisfies Record<string, Bucket>;

export type ArmBucketName = keyof typeof armBuckets;

/** One Cost Management query page: `qpu` units from the tenant budget and one call on its scope. */
export function costQueryCost(scope: string, qpu: number): RequestCost {
  const q = Math.max(1, qpu);
  return {
    takes: [
      ['qpu10s', q],
      ['qpuMinute', q],
      ['qpuHour', q],
      [`costScope:${scope.toLowerCase()}`, 1],
    ],
  };
}

/** A GET on ARM: one read from the subscription's bucket, or the tenant's for tenant-level paths. */
export function armReadCost(path: string): RequestCost {
  const sub = /^\/subscriptions\/([^/?]+)/i.exec(path)?.[1]?.toLowerCase();
  return { takes: [[`armRead:${sub ?? 'tenant'}`, 1]] };
}

export const resourceGraphCost: RequestCost = { takes: [['resourceGraph', 1]] };

/**
 * QPU a query costs: "one QPU is deducted for one month of data queried" (§1.5). For a custom
 * period that is the calendar months it touches (as the emulator counts); named timeframes are
 * estimated by their length, unknown ones as a full year so the estimate errs on the safe side.
 */
export function queryQpu(query: { timeframe?: string; timePeriod?: { from?: string; to?: string } }): number {
  const timeframe = (query.timeframe ?? '').toLowerCase();
  if (timeframe === 'custom') {
    const from = query.timePeriod?.from ?? '';
    const to = query.timePeriod?.to ?? '';
    const [fy, fm] = from.split('-').map(Number);
    const [ty, tm] = to.split('-').map(Number);
    if ([fy, fm, ty, tm].some((n) => n === undefined || Number.isNaN(n))) return 12;
    return Math.max(1, (ty! - fy!) * 12 + (tm! - fm!) + 1);
  }
  const named: Record<string, number> = {
    monthtodate: 1,
    billingmonthtodate: 1,
    thecurrentmonth: 1,
    thelastmonth: 1,
    thelastbillingmonth: 1,
    weektodate: 2,
    thelastweek: 2,
    thelast7days: 2,
    thelast3months: 3,
  };
  return named[timeframe] ?? 12;
}

/** The family of a bucket key: `armRead:sub-1` → `armRead`. */
const family = (key: string): string => key.split(':')[0]!;

function bucketOf(key: string): Bucket {
  const known = armBuckets[family(key) as ArmBucketName];
  return known ?? { capacity: 1_000, windowMs: 1_000 };
}

/**
 * Token buckets like the Graph pacer's (graph-budget.ts), with one admission queue per bucket
 * family instead of one for all: a Cost Management query waiting tens of seconds for QPU must not
 * hold up the metric reads behind it. The families' buckets are disjoint, so separate queues
 * cannot overdraw a bucket together.
 */
export function createArmPacer(options: { now?: () => number; sleep: Sleep }): Pacer {
  const now = options.now ?? Date.now;
  const state = new Map<string, { tokens: number; at: number; heldUntil: number; bucket: Bucket }>();
  const queues = new Map<string, Promise<void>>();

  const current = (key: string) => {
    let s = state.get(key);
    const t = now();
    if (!s) {
      const bucket = bucketOf(key);
      s = { tokens: bucket.capacity, at: t, heldUntil: 0, bucket };
      state.set(key, s);
    }
    s.tokens = Math.min(s.bucket.capacity, s.tokens + ((t - s.at) * s.bucket.capacity) / s.bucket.windowMs);
    s.at = t;
    return s;
  };

  const admit = async (cost: RequestCost) => {
    for (;;) {
      let wait = 0;
      for (const [key, amount] of cost.takes) {
        const s = current(key);
        const need = Math.min(amount, s.bucket.capacity);
        const refill = s.tokens >= need ? 0 : ((need - s.tokens) * s.bucket.windowMs) / s.bucket.capacity;
        wait = Math.max(wait, refill, s.heldUntil - now());
      }
      if (wait <= 0) break;
      await options.sleep(Math.ceil(wait));
    }
    // The whole amount is debited, as the Graph pacer does: a query dearer than a bucket's
    // capacity leaves it in deficit, so the next one waits longer rather than overdrawing.
    for (const [key, amount] of cost.takes) current(key).tokens -= amount;
  };

  return {
    take(cost) {
      const lane = family(cost.takes[0]?.[0] ?? '');
      const turn = (queues.get(lane) ?? Promise.resolve()).then(() => admit(cost));
      queues.set(
        lane,
        turn.catch(() => {}),
      );
      return turn;
    },
    hold(key, ms) {
      const s = current(key);
      s.heldUntil = Math.max(s.heldUntil, now() + ms);
    },
  };
}
