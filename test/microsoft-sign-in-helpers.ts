import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { expect } from 'vitest';
import type { Route } from '../src/emulator/contract.ts';
import type { TrustingFetch } from '../src/emulator/server/test-clients.ts';
import type { Harness } from './api-harness.ts';
import { submitSignIn } from './connect-helpers.ts';

/**
 * A browser for the Microsoft sign-in suites: a cookie jar over `app.inject()` (the server side)
 * and plain HTTPS to the emulator's sign-in page (Microsoft's side). Redirects are followed by
 * hand, so every hop can be looked at.
 */
export class Browser {
  readonly jar = new Map<string, string>();
  csrfToken: string | undefined;
  constructor(
    private readonly h: Harness,
    readonly ip: string,
  ) {}

  async request(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const res = await this.h.inject({
      method: method as 'GET',
      url,
      remoteAddress: this.ip,
      cookies: Object.fromEntries(this.jar),
      headers: this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const gone = c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() <= Date.now());
      if (gone) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    return res;
  }

  async signInWithPassword(email: string, password: string): Promise<void> {
    const res = await this.request('POST', '/api/session', { email, password });
    expect(res.statusCode, res.body).toBe(200);
    this.csrfToken = res.json().csrfToken;
  }

  /** GET /api/me with this browser's cookie: the signed-in person's email, or the error code. */
  async whoAmI(): Promise<string> {
    const res = await this.request('GET', '/api/me');
    return res.statusCode === 200 ? res.json().person.email : res.json().code;
  }
}

export interface EntraUser {
  upn: string;
  password: string;
}

/**
 * From Microsoft's sign-in page to the redirect back: loads the authorize URL, signs in as
 * `user`, and returns the callback address (path and query) as the browser would next request it.
 */
export async function signInAtMicrosoft(
  f: TrustingFetch,
  authorizeUrl: string,
  user: EntraUser,
): Promise<string> {
  const back = await submitSignIn(f, authorizeUrl, { username: user.upn, password: user.password });
  expect(back.status, back.html).toBe(302);
  const location = back.location!;
  expect(`${location.origin}${location.pathname}`).toBe(
    'http://127.0.0.1:3000/api/session/microsoft/callback',
  );
  return `${location.pathname}${location.search}`;
}

/** The whole dance: start (sign-in or link), Microsoft's page, the callback; returns the last answer. */
export async function microsoftDance(
  browser: Browser,
  f: TrustingFetch,
  user: EntraUser,
  start: { link?: { password: string }; next?: string } = {},
): Promise<LightMyRequestResponse> {
  const authorize = await startFlow(browser, start);
  return browser.request('GET', await signInAtMicrosoft(f, authorize, user));
}

export async function startFlow(
  browser: Browser,
  start: { link?: { password: string }; next?: string } = {},
): Promise<string> {
  if (start.link) {
    const res = await browser.request('POST', '/api/me/microsoft', { password: start.link.password });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().url;
  }
  const query = start.next ? `?next=${encodeURIComponent(start.next)}` : '';
  const res = await browser.request('GET', `/api/session/microsoft${query}`);
  expect(res.statusCode, res.body).toBe(302);
  return res.headers.location as string;
}

export type Tamper = (claims: JWTPayload) => {
  claims: JWTPayload;
  signer?: 'published' | 'stranger' | 'none';
};

/**
 * A misbehaving authority for one tenant, on the emulator itself: routes for `/{tid}/...` (more
 * literal segments than the identity platform's `/:tenant/...`, so they win) publish one more
 * signing key beside the emulator's and pass token requests on to the real endpoint, then let
 * the test rewrite the id_token and sign it with that key (signature valid, a claim wrong), with
 * a key nobody published (signature wrong), or not at all. A product pointed at
 * `{authorityHost}/{tid}` meets it; one pointed at `/organizations` meets the real emulator.
 */
export async function tamperingAuthority(tenantId: string, f: () => TrustingFetch, origin: () => string) {
  const published = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const kid = 'tamper-test-key';
  let tamper: Tamper = (claims) => ({ claims });
  const routes: Route[] = [
    {
      method: 'GET',
      path: `/${tenantId}/discovery/v2.0/keys`,
      auth: 'none',
      async handler() {
        // the emulator's own keys, from a path this route does not shadow
        const real = (await (await f()(`${origin()}/organizations/discovery/v2.0/keys`)).json()) as {
          keys: unknown[];
        };
        const jwk = { ...(await exportJWK(published.publicKey)), kid, use: 'sig', alg: 'RS256' };
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { keys: [...real.keys, jwk] },
        };
      },
    },
    {
      method: 'POST',
      path: `/${tenantId}/oauth2/v2.0/token`,
      auth: 'none',
      async handler(req) {
        const res = await f()(`${origin()}/organizations/oauth2/v2.0/token`, {
          method: 'POST',
          body: req.rawBody,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        const body = (await res.json()) as { id_token?: string };
        if (res.status === 200 && body.id_token) {
          const out = tamper(decodeJwt(body.id_token));
          body.id_token = await sign(out.claims, out.signer ?? 'published');
        }
        return { status: res.status, headers: { 'content-type': 'application/json' }, body };
      },
    },
  ];
  async function sign(claims: JWTPayload, signer: 'published' | 'stranger' | 'none'): Promise<string> {
    if (signer === 'none') {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
    }
    const key = signer === 'published' ? published.privateKey : stranger.privateKey;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key);
  }
  return {
    routes,
    set(next: Tamper) {
      tamper = next;
    },
    reset() {
      tamper = (claims) => ({ claims });
    },
  };
}
