/**
 * How long a session lives (OWASP Session Management Cheat Sheet: both an idle and an absolute
 * timeout). A technician who leaves a tab open overnight signs in again next morning (idle);
 * nobody keeps one session for more than a week (absolute), whatever they do.
 */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * `last_seen_at` is written at most this often, so reading a page of the dashboard does not turn
 * every API call into a write; the idle timeout is therefore exact to within five minutes.
 */
export const SESSION_TOUCH_MS = 5 * 60 * 1000;

export interface SessionTimes {
  createdAt: Date;
  lastSeenAt: Date;
}

/** When the session ends if nothing else happens: the earlier of the idle and absolute limits. */
export function sessionExpiresAt(s: SessionTimes): Date {
  return new Date(
    Math.min(s.lastSeenAt.getTime() + SESSION_IDLE_MS, s.createdAt.getTime() + SESSION_ABSOLUTE_MS),
  );
}

export function isSessionExpired(s: SessionTimes, now: Date): boolean {
  return now.getTime() >= sessionExpiresAt(s).getTime();
}

export function needsTouch(s: SessionTimes, now: Date): boolean {
  return now.getTime() - s.lastSeenAt.getTime() >= SESSION_TOUCH_MS;
}
