/**
 * Lockout after repeated failed sign-ins (OWASP Authentication Cheat Sheet, "Account lockout":
 * a threshold, an observation window, and a lock that grows). Two counters are kept for every
 * failure: one per account (the email as typed, whether or not such a person exists, so the
 * lock itself tells nothing about who has an account) and one per client IP address.
 *
 * - account: the 5th failure in a row locks it for 30 s, each further failure doubles the lock
 *   (60 s, 2 min, 4 min, 8 min), capped at 15 min;
 * - IP address: the same from the 20th failure (people behind one office NAT share an address);
 * - a counter forgets its failures 1 hour after the last one; a successful sign-in clears the
 *   account's counter but not the address's, so guessing from one address cannot be reset by
 *   signing in to an account of one's own.
 *
 * While locked, a sign-in is refused before the password is checked, even a correct one. The
 * trade-off: anyone can keep a known email locked for 15 minutes at a time; the per-route rate
 * limit and the cap keep that a nuisance, never a permanent denial.
 */
export interface ThrottleRule {
  threshold: number;
  baseLockMs: number;
  maxLockMs: number;
  windowMs: number;
}

export const ACCOUNT_RULE: ThrottleRule = {
  threshold: 5,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

export const IP_RULE: ThrottleRule = { ...ACCOUNT_RULE, threshold: 20 };

export interface ThrottleState {
  failures: number;
  lastFailureAt: Date;
  lockedUntil: Date | null;
}

/** How long the lock lasts after `failures` failures in a row; 0 below the threshold. */
export function lockMs(rule: ThrottleRule, failures: number): number {
  if (failures < rule.threshold) return 0;
  return Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** (failures - rule.threshold));
}

/** The counter after one more failure at `now`. */
export function afterFailure(rule: ThrottleRule, state: ThrottleState | undefined, now: Date): ThrottleState {
  const stale = !state || now.getTime() - state.lastFailureAt.getTime() >= rule.windowMs;
  const failures = stale ? 1 : state.failures + 1;
  const lock = lockMs(rule, failures);
  return { failures, lastFailureAt: now, lockedUntil: lock > 0 ? new Date(now.getTime() + lock) : null };
}

/** Milliseconds until a sign-in may be tried again; 0 when it may be tried now. */
export function lockedForMs(state: ThrottleState | undefined, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, state.lockedUntil.getTime() - now.getTime());
}
