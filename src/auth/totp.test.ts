import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  hotp,
  newRecoveryCodes,
  normaliseRecoveryCode,
  otpauthUri,
  totpStep,
  verifyTotp,
} from './totp.ts';

// RFC 4226 Appendix D and RFC 6238 Appendix B use this ASCII secret.
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

describe('HOTP (RFC 4226 Appendix D)', () => {
  it.each([
    [0, '755224'],
    [1, '287082'],
    [2, '359152'],
    [3, '969429'],
    [9, '520489'],
  ])('counter %i gives %s', (counter, code) => {
    expect(hotp(RFC_SECRET, counter)).toBe(code);
  });
});

describe('TOTP (RFC 6238 Appendix B, SHA-1, the last 6 of the 8 digits)', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('at %i s gives %s', (seconds, code) => {
    const at = new Date(seconds * 1000);
    expect(hotp(RFC_SECRET, totpStep(at), 8).slice(2)).toBe(code);
    expect(verifyTotp(RFC_SECRET, code, at, null)).toBe(totpStep(at));
  });
});

describe('verifyTotp', () => {
  const at = new Date('2026-12-04T06:00:10Z');
  const step = totpStep(at);
  const codeAt = (offset: number) => hotp(RFC_SECRET, step + offset);

  it.each([
    ['the current step', codeAt(0), null, step],
    ['one step behind (a slow phone)', codeAt(-1), null, step - 1],
    ['one step ahead', codeAt(1), null, step + 1],
    ['spaces typed inside the code', `${codeAt(0).slice(0, 3)} ${codeAt(0).slice(3)}`, null, step],
  ])('accepts %s', (_name, code, lastUsed, expected) => {
    expect(verifyTotp(RFC_SECRET, code, at, lastUsed)).toBe(expected);
  });

  it.each([
    ['two steps behind', codeAt(-2), null],
    ['a code already used (replay)', codeAt(0), step],
    ['an earlier code after a later one was used', codeAt(-1), step],
    ['too short', codeAt(0).slice(1), null],
    ['letters', 'abcdef', null],
    ['empty', '', null],
  ])('refuses %s', (_name, code, lastUsed) => {
    expect(verifyTotp(RFC_SECRET, code, at, lastUsed)).toBeNull();
  });
});

describe('base32 (RFC 4648 §10 test vectors, unpadded)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('%j ⇄ %s', (text, encoded) => {
    expect(base32Encode(Buffer.from(text))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(text);
  });

  it('refuses a character outside the alphabet', () => {
    expect(() => base32Decode('MZ1W')).toThrow(/base32/);
  });
});

describe('otpauthUri and recovery codes', () => {
  it('names the issuer and account and carries the secret in base32', () => {
    const uri = new URL(otpauthUri('Tenantscope', 'ann@example.com', RFC_SECRET));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Tenantscope:ann@example.com');
    expect(base32Decode(uri.searchParams.get('secret') ?? '')).toEqual(RFC_SECRET);
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });

  it('makes distinct codes that normalise whatever the spelling', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    const first = codes[0]!;
    expect(normaliseRecoveryCode(` ${first.toUpperCase()} `)).toBe(normaliseRecoveryCode(first));
  });
});
