import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  codeChallengeOf,
  expectedIssuer,
  flowKey,
  flowSecrets,
  redeemRefusalKind,
  redirectRefusal,
  safeNextPath,
  sameSecret,
  withQuery,
} from './microsoft-sign-in-fns.ts';

describe('where the browser may be sent afterwards', () => {
  test.each([
    ['/', '/'],
    ['/tenants/abc/drift?state=open', '/tenants/abc/drift?state=open'],
    ['/settings', '/settings'],
    [undefined, null],
    ['', null],
    ['tenants', null],
    ['//evil.example/x', null],
    ['/\\evil.example', null],
    ['https://evil.example/', null],
    ['/%0d%0aSet-Cookie', '/%0d%0aSet-Cookie'],
    ['/a\r\nSet-Cookie: x=1', null],
    ['/a b', null],
    ['/x#frag', null],
    ['/api/me', null],
    ['/api', null],
    ['/signin', null],
    ['/signin?error=x', null],
    ['/signing-up', '/signing-up'],
    [`/${'a'.repeat(500)}`, null],
  ])('next=%j → %j', (next, want) => {
    expect(safeNextPath(next)).toBe(want);
  });

  test.each([
    ['/signin', 'error', 'TS_ERR_X', '/signin?error=TS_ERR_X'],
    ['/settings?tab=account', 'microsoft', 'linked', '/settings?tab=account&microsoft=linked'],
    ['/settings?microsoft=old', 'microsoft', 'linked', '/settings?microsoft=linked'],
  ])('%s with %s=%s is %s', (path, name, value, want) => {
    expect(withQuery(path, name, value)).toBe(want);
  });
});

describe('the issuer an id_token must carry', () => {
  const tid = '9a3f2b4c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
  test.each([
    [
      'multi-tenant metadata: the token’s own tid',
      'https://login.microsoftonline.com/{tenantid}/v2.0',
      tid,
      `https://login.microsoftonline.com/${tid}/v2.0`,
    ],
    [
      'a tenant’s own metadata, same tenant',
      `https://login.microsoftonline.com/${tid}/v2.0`,
      tid,
      `https://login.microsoftonline.com/${tid}/v2.0`,
    ],
    [
      'a tenant’s own metadata, a token of another tenant',
      `https://login.microsoftonline.com/${tid}/v2.0`,
      '11111111-2222-3333-4444-555555555555',
      null,
    ],
  ])('%s', (_name, template, tokenTid, want) => {
    expect(expectedIssuer(template, tokenTid)).toBe(want);
  });
});

describe("Microsoft's error on the redirect", () => {
  test('is told by its name and AADSTS number, never its free text', () => {
    const e = redirectRefusal({
      error: 'access_denied',
      error_description: 'AADSTS65004: User declined to consent. <img src=x onerror=alert(1)>',
    });
    expect(e?.code).toBe('TS_ERR_MICROSOFT_SIGN_IN_DECLINED');
    expect(e?.message).toBe('Microsoft answered access_denied (AADSTS65004) (cancelled or refused)');
  });

  test('an error name that is not one is not repeated', () => {
    expect(redirectRefusal({ error: '<script>' })?.message).toBe('Microsoft answered an unrecognised error');
  });

  test('no error, no refusal', () => {
    expect(redirectRefusal({})).toBeUndefined();
  });

  test.each([
    ['invalid_client AADSTS7000215: Invalid client secret provided.', 'app'],
    ['invalid_grant AADSTS70008: The provided authorization code has expired.', 'refused'],
    ['invalid_grant AADSTS501481: The Code_Verifier does not match.', 'refused'],
    ['network_error Network request failed', 'network'],
    ['nonce_mismatch', 'invalid'],
  ])('redeeming failed with "%s": %s', (text, kind) => {
    expect(redeemRefusalKind(text)).toBe(kind);
  });
});

describe('the secrets of one flow', () => {
  const key = flowKey(randomBytes(32));
  test('nonce and PKCE verifier are derived from state: the same again, different per state and per key', () => {
    const a = flowSecrets(key, 'state-a');
    expect(flowSecrets(key, 'state-a')).toEqual(a);
    expect(flowSecrets(key, 'state-b').nonce).not.toBe(a.nonce);
    expect(flowSecrets(flowKey(randomBytes(32)), 'state-a').codeVerifier).not.toBe(a.codeVerifier);
    expect(a.nonce).not.toBe(a.codeVerifier);
    // RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('the S256 challenge is RFC 7636’s own example', () => {
    expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  test.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    [undefined, 'abc', false],
    ['abc', undefined, false],
  ])('sameSecret(%j, %j) is %s', (a, b, want) => {
    expect(sameSecret(a, b)).toBe(want);
  });
});
