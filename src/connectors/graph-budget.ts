import type { Sleep } from './retry.ts';

/**
 * Graph's published throttling limits (learn.microsoft.com/graph/throttling-limits, read
 * 2025; graph-protocol.md §3), per app per tenant. We pace ourselves under them so a full sync
 * meets no 429 at all: requests wait for their bucket instead of being refused and retried.
 */
export interface Bucket {
  /** tokens the bucket holds when full */
  capacity: number;
  /** the window over which `capacity` tokens come back */
  windowMs: number;
}

/** Directory resource units by tenant size: S < 50 users, M 50–500, L > 500 (§3.2). */
export function directoryBucket(userCount: number | undefined): Bucket {
  const capacity = userCount === undefined || userCount < 50 ? 3_500 : userCount <= 500 ? 5_000 : 8_000;
  return { capacity: Math.floor(capacity * SAFETY), windowMs: 10_000 };
}

/** A margin under the published numbers: Microsoft notes 429s may come "below these limits under load". */
const SAFETY = 0.8;
const WINDOW_MARGIN = 1.1;

export const serviceBuckets = {
  /** signIns, directoryAudits, authentication-methods reports: 5 requests / 10 s per app per tenant */
  identityReports: { capacity: 5, windowMs: 10_000 },
  /** `$select=signInActivity`: 10 requests / minute */
  signInActivity: { capacity: 10, windowMs: 60_000 },
  /** conditional access, named locations, identity protection: 1 request / second per tenant, no Retry-After */
  conditionalAccess: { capacity: 1, windowMs: 1_000 },
  /** each Microsoft 365 usage report (CSV): 14 requests / 10 minutes per app per tenant */
  usageReport: { capacity: 14, windowMs: 600_000 },
} as const satisfies Record<string, Bucket>;

export interface RequestCost {
  /** bucket keys and the tokens each takes, e.g. [['directory', 1], ['signInActivity', 1]] */
  takes: [string, number][];
}

const DIRECTORY_COSTS: [RegExp, number][] = [
  [/^groups\/[^/]+\/transitiveMembers/, 5],
  [/^groups\/[^/]+\/members/, 3],
  [/^subscribedSkus/, 3],
  [/^users(\/delta)?$/, 2],
  [/^applications(\/delta)?$/, 2],
  [/^oauth2PermissionGrants/, 2],
  [/^servicePrincipals\/[^/]+\/appRoleAssignments/, 2],
];

/**
 * What one GET costs, following the resource-unit table: base cost by path, `$select` −1,
 * `$expand` +1, `$top` under 20 −1, never below 1. Worked example from the docs:
 * `GET /users?$select=id,displayName&$top=999` = 2 − 1 = 1.
 */
export function costOf(relativePath: string, query: URLSearchParams): RequestCost {
  const path = relativePath.replace(/^\/+/, '');
  const takes: [string, number][] = [];
  if (/^(auditLogs\/|reports\/authenticationMethods\/)/.test(path)) takes.push(['identityReports', 1]);
  else if (/^(identity\/conditionalAccess\/|identityProtection\/)/.test(path))
    takes.push(['conditionalAccess', 1]);
  else if (/^reports\/get/.test(path)) takes.push([`usageReport:${path.split('(')[0]}`, 1]);
  else {
    let cost = DIRECTORY_COSTS.find(([re]) => re.test(path))?.[1] ?? 1;
    if (query.has('$select')) cost -= 1;
    if (query.has('$expand')) cost += 1;
    const top = Number(query.get('$top'));
    if (query.has('$top') && top < 20) cost -= 1;
    takes.push(['directory', Math.max(1, cost)]);
  }
  const selected = `${query.get('$select') ?? ''} ${query.get('$filter') ?? ''}`;
  if (/^users/.test(path) && /signInActivity/i.test(selected)) takes.push(['signInActivity', 1]);
  return { takes };
}

export interface Pacer {
  /** Waits until every bucket the request draws from has room, then takes from them. */
  take(cost: RequestCost): Promise<void>;
  /** Tells the pacer Microsoft throttled anyway: hold the bucket for `ms`. */
  hold(bucket: string, ms: number): void;
}

export function createPacer(options: { userCount?: number; now?: () => number; sleep: Sleep }): Pacer {
  const now = options.now ?? Date.now;
  const state = new Map<string, { tokens: number; at: number; heldUntil: number; bucket: Bucket }>();

  const bucketOf = (key: string): Bucket => {
    if (key === 'directory') return directoryBucket(options.userCount);
    const bucket = key.startsWith('usageReport:')
      ? serviceBuckets.usageReport
      : serviceBuckets[key as keyof typeof serviceBuckets];
    if (!bucket) return { capacity: 1_000, windowMs: 1_000 };
    // The small limits (1 / s, 5 / 10 s…) leave no room for clock skew between us and Microsoft:
    // a request a millisecond early is refused. Stretch their windows by a tenth.
    return { capacity: bucket.capacity, windowMs: Math.ceil(bucket.windowMs * WINDOW_MARGIN) };
  };
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
  // Requests are admitted one at a time so concurrent callers cannot overdraw a bucket together.
  let queue: Promise<void> = Promise.resolve();

  return {
    take(cost) {
      const turn = queue.then(async () => {
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
        for (const [key, amount] of cost.takes) current(key).tokens -= amount;
      });
      queue = turn.catch(() => {});
      return turn;
    },
    hold(bucket, ms) {
      const s = current(bucket);
      s.heldUntil = Math.max(s.heldUntil, now() + ms);
    },
  };
}
