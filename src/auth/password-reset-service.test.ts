import { describe, expect, test } from 'vitest';
import { checkNewPassword, isLinkToken, linkTokenHash, newLinkToken } from './password-reset-service.ts';

describe('emailed link tokens', () => {
  test('32 random bytes, base64url: 43 characters, never twice the same', () => {
    const a = newLinkToken();
    expect(isLinkToken(a)).toBe(true);
    expect(a).toHaveLength(43);
    expect(newLinkToken()).not.toBe(a);
  });

  test.each([
    ['x', false],
    ['A'.repeat(42), false],
    ['A'.repeat(44), false],
    [`${'A'.repeat(42)}=`, false],
    [`${'A'.repeat(42)}/`, false],
    ['A'.repeat(43), true],
    [42, false],
  ])('isLinkToken(%j) = %s', (value, ok) => {
    expect(isLinkToken(value)).toBe(ok);
  });

  test('only a SHA-256 (hex) is stored, and it does not contain the token', () => {
    const token = newLinkToken();
    expect(linkTokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(linkTokenHash(token)).toBe(linkTokenHash(token));
    expect(linkTokenHash(token)).not.toContain(token);
  });
});

describe('the password rule', () => {
  test.each([
    ['', false],
    ['eleven char', false],
    ['twelve chars', true],
    ['correct horse battery staple', true],
    ['x'.repeat(1024), true],
    ['x'.repeat(1025), false],
  ])('%j accepted: %s', (password, ok) => {
    if (ok) expect(() => checkNewPassword(password)).not.toThrow();
    else
      expect(() => checkNewPassword(password)).toThrow(
        expect.objectContaining({ code: 'TS_ERR_PASSWORD_POLICY' }),
      );
  });
});
