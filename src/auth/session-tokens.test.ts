import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  csrfTokenFor,
  csrfTokenMatches,
  isSessionToken,
  newSessionToken,
  sessionIdOf,
} from './session-tokens.ts';

describe('session tokens', () => {
  test('a token is 32 random bytes in base64url, and differs every time', () => {
    const a = newSessionToken();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(isSessionToken(a)).toBe(true);
    expect(newSessionToken()).not.toBe(a);
  });

  test('the stored id is the SHA-256 of the token, never the token', () => {
    const token = newSessionToken();
    expect(sessionIdOf(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(sessionIdOf(token)).not.toContain(token);
  });

  test.each([undefined, '', 'short', `${'A'.repeat(42)}=`, 'A'.repeat(44), `${'A'.repeat(42)}/`])(
    'a cookie value %j is not a token and is never looked up',
    (value) => {
      expect(isSessionToken(value)).toBe(false);
    },
  );

  test('the CSRF token belongs to its session only, and does not reveal it', () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(csrfTokenMatches(a, csrfTokenFor(a))).toBe(true);
    expect(csrfTokenMatches(a, csrfTokenFor(b))).toBe(false);
    expect(csrfTokenMatches(a, undefined)).toBe(false);
    expect(csrfTokenMatches(a, `${csrfTokenFor(a)}x`)).toBe(false);
    expect(csrfTokenFor(a)).not.toContain(a.slice(0, 8));
  });
});
