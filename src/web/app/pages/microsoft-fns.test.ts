import { describe, expect, test } from 'vitest';
import { errorCatalogue } from '../../../platform/errors.ts';
import { microsoftErrorWords, microsoftSignInHref, shortTenant } from './microsoft-fns.ts';

describe('the Sign in with Microsoft link', () => {
  test.each([
    [null, '/api/session/microsoft'],
    ['/tenants/x/drift', '/api/session/microsoft?next=%2Ftenants%2Fx%2Fdrift'],
    ['//evil.example/x', '/api/session/microsoft'],
    ['/\\evil.example', '/api/session/microsoft'],
    ['https://evil.example', '/api/session/microsoft'],
    ['/signin?next=/x', '/api/session/microsoft'],
    ['/a b', '/api/session/microsoft'],
  ])('next=%s starts at %s (never sends anyone off the site)', (next, want) => {
    expect(microsoftSignInHref(next)).toBe(want);
  });
});

describe('what a failed Microsoft sign-in says', () => {
  test.each([
    [null, null],
    ['', null],
    ['TS_ERR_MICROSOFT_ACCOUNT_NOT_LINKED', /not linked to a Tenantscope account.*link it/],
    ['TS_ERR_SECOND_FACTOR_REQUIRED', /Two-step sign-in is on.*password and code/],
    ['TS_ERR_MICROSOFT_SIGN_IN_STATE', /expired or was already used/],
    ['TS_ERR_MICROSOFT_TOKEN_INVALID', /could not be verified/],
    ['TS_ERR_MICROSOFT_ACCOUNT_LINKED_ELSEWHERE', /another Tenantscope person/],
    // a code without words of its own gets the catalogue's hint
    [
      'TS_ERR_MS_CREDENTIAL_INVALID',
      new RegExp(errorCatalogue.TS_ERR_MS_CREDENTIAL_INVALID.hint.slice(0, 20)),
    ],
    // something that is not a code is never repeated onto the page
    ['<script>alert(1)</script>', /^Signing in with Microsoft did not work\.$/],
  ])('%s → %s', (code, want) => {
    const words = microsoftErrorWords(code);
    if (want === null) expect(words).toBeNull();
    else expect(words).toMatch(want);
  });

  test('every Microsoft sign-in code of the catalogue has words', () => {
    const codes = Object.keys(errorCatalogue).filter((c) => c.startsWith('TS_ERR_MICROSOFT_'));
    expect(codes.length).toBeGreaterThanOrEqual(6);
    for (const code of codes) expect(microsoftErrorWords(code)).not.toMatch(/did not work/);
  });
});

test.each([
  ['72f988bf-86f1-41af-91ab-2d7cd011db47', '72f988bf…db47'],
  ['short', 'short'],
])('tenant %s reads as %s', (id, want) => {
  expect(shortTenant(id)).toBe(want);
});
