import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { TenantscopeError } from '../platform/errors.ts';

/**
 * The pure parts of sign-in with Microsoft (OpenID Connect, authorization code + PKCE): what is
 * derived from `state`, which `next` addresses are allowed, what the expected issuer is, and how
 * Microsoft's own error on the redirect is told without repeating its free text.
 */

/** The callback path, under the server's public URL: register it on the app as a redirect URI. */
export const MICROSOFT_CALLBACK_PATH = '/api/session/microsoft/callback';

/** Where a failed sign-in lands; a failed link lands on the page that started it. */
export const SIGN_IN_PAGE = '/signin';
export const DEFAULT_LINK_RETURN = '/settings';

/**
 * The key that nonces and PKCE verifiers are derived under (HKDF-SHA256 of the key-encryption
 * key, own label). Any process holding the KEK derives the same, so the callback may reach
 * another process than the start did, and nothing secret waits in the database.
 */
export function flowKey(kek: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'tenantscope/microsoft-sign-in', 32));
}

/**
 * The OpenID nonce and the PKCE code verifier (RFC 7636 §4.1: 43 characters of base64url) of
 * one sign-in, from its `state`. Two labels, so neither value tells anything about the other.
 */
export function flowSecrets(key: Buffer, state: string): { nonce: string; codeVerifier: string } {
  const derive = (label: string) =>
    createHmac('sha256', key).update(`${label}\0${state}`).digest('base64url');
  return { nonce: derive('nonce'), codeVerifier: derive('pkce-verifier') };
}

/** RFC 7636 §4.2, S256. */
export const codeChallengeOf = (verifier: string): string =>
  createHash('sha256').update(verifier).digest('base64url');

export const hashState = (state: string): string => createHash('sha256').update(state).digest('hex');

/** Constant-time equality of two strings (the state cookie and the state on the redirect; nonces). */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A path of this site to go to afterwards, or null. Only `/something`: never `//host` or `/\\host`
 * (browsers read both as another host), never a scheme, never a control character, never the
 * API or the sign-in page itself, at most 500 characters.
 */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== 'string' || next.length === 0 || next.length > 500) return null;
  if (!/^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/.test(next)) return null;
  if (next === '/api' || next.startsWith('/api/') || next.startsWith('/api?')) return null;
  if (next === SIGN_IN_PAGE || next.startsWith(`${SIGN_IN_PAGE}?`) || next.startsWith(`${SIGN_IN_PAGE}/`))
    return null;
  return next;
}

/** `path` with one more query parameter (the path is already known to be safe). */
export function withQuery(path: string, name: string, value: string): string {
  const url = new URL(path, 'http://tenantscope.invalid');
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/**
 * The issuer an id_token of tenant `tid` must carry. Entra's multi-tenant metadata
 * (`/organizations`) names `https://login.microsoftonline.com/{tenantid}/v2.0`; a tenant's own
 * names its GUID. Either way the issuer must contain the token's own `tid`, so a token of one
 * tenant cannot pass as another's (Microsoft identity platform, "Validate the issuer").
 */
export function expectedIssuer(template: string, tid: string): string | null {
  const issuer = template.replace('{tenantid}', tid);
  return issuer.includes(`/${tid}/`) ? issuer : null;
}

/**
 * Microsoft's answer on the redirect, when it is an error: the OAuth error name and the AADSTS
 * number, checked against their formats; its `error_description` (free text, reflected from the
 * query string) is never repeated.
 */
export function redirectRefusal(query: {
  error?: string | undefined;
  error_description?: string | undefined;
}): TenantscopeError | undefined {
  if (query.error === undefined) return undefined;
  const name = /^[a-z_]{1,60}$/.test(query.error) ? query.error : 'an unrecognised error';
  const aadsts = /\bAADSTS(\d{4,8})\b/.exec(query.error_description ?? '')?.[1];
  const cancelled = name === 'access_denied' ? ' (cancelled or refused)' : '';
  return new TenantscopeError(
    'TS_ERR_MICROSOFT_SIGN_IN_DECLINED',
    `Microsoft answered ${name}${aadsts ? ` (AADSTS${aadsts})` : ''}${cancelled}`,
  );
}

/**
 * AADSTS codes that say the server's own app registration is wrong (its secret, its presence in
 * the tenant): the operator's problem, told with the connectors' codes. Any other refusal to
 * redeem the code (expired, used, PKCE) is the sign-in's.
 */
const APP_PROBLEMS = new Set(['7000112', '700016', '7000222', '7000215', '700027', '7000218', '90002']);

export function redeemRefusalKind(text: string): 'app' | 'network' | 'refused' | 'invalid' {
  const code = /AADSTS(\d+)/.exec(text)?.[1];
  if (code) return APP_PROBLEMS.has(code) ? 'app' : 'refused';
  if (/temporarily_unavailable|network_error|endpoints_resolution_error|ECONN|ETIMEDOUT|socket/i.test(text))
    return 'network';
  return 'invalid';
}
