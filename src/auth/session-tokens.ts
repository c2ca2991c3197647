import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Session tokens. The cookie carries 32 random bytes (256 bits, base64url); the database keeps
 * only their SHA-256, so a copy of the sessions table opens no session (OWASP Session Management
 * Cheat Sheet: ≥ 64 bits of entropy; hashing as in "The Copenhagen Book", sessions chapter).
 * A fast hash is right here: unlike a password, the input is uniformly random and unguessable.
 */
export const SESSION_TOKEN_BYTES = 32;

export function newSessionToken(): string {
  return randomBytes(SESSION_TOKEN_BYTES).toString('base64url');
}

/** What the sessions table stores as the session's id. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A well-formed cookie value: 43 base64url characters (32 bytes); anything else is not looked up. */
export function isSessionToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * The CSRF token bound to a session: an HMAC of a fixed label keyed by the session's own secret
 * (OWASP CSRF Prevention Cheat Sheet, "signed double-submit" / HMAC-based token pattern). It is
 * derived, so nothing more is stored; only someone who holds the HTTP-only cookie can compute
 * it, and it reveals nothing about the cookie. Every state-changing request must send it in the
 * `x-csrf-token` header, which a cross-site form or image cannot set.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('tenantscope csrf v1').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
