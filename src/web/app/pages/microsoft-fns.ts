import { errorCatalogue } from '../../../platform/errors.ts';

/**
 * The pure parts of "Sign in with Microsoft" and the account's link card: which address starts
 * the sign-in, and what the codes the server sends back in `?error=` / `?microsoftError=` mean.
 */

/** `GET /api/session/options` */
export interface SessionOptions {
  password: boolean;
  microsoft: boolean;
}

/** `GET /api/me/microsoft` */
export interface MicrosoftLinkStatus {
  enabled: boolean;
  link: { upn: string | null; tenantId: string; linkedAt: string; lastSignInAt: string | null } | null;
  secondFactorBlocksSignIn: boolean;
}

export const MICROSOFT_START = '/api/session/microsoft';

/**
 * The sign-in link, carrying `next` only when it is a plain path of this site (the server checks
 * again; an address elsewhere is dropped, never followed).
 */
export function microsoftSignInHref(next: string | null | undefined): string {
  const keep = next && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/signin') ? next : null;
  return keep ? `${MICROSOFT_START}?next=${encodeURIComponent(keep)}` : MICROSOFT_START;
}

/** What went wrong, in words, for the codes a Microsoft sign-in or link comes back with. */
const WORDS: Record<string, string> = {
  TS_ERR_MICROSOFT_ACCOUNT_NOT_LINKED:
    'That Microsoft account is not linked to a Tenantscope account. Sign in with your email and password, then link it in your account settings.',
  TS_ERR_MICROSOFT_SIGN_IN_DECLINED:
    'Microsoft did not sign you in: it was cancelled, or your organisation does not allow Tenantscope. Try again, or ask your Microsoft administrator.',
  TS_ERR_MICROSOFT_SIGN_IN_STATE:
    'That sign-in expired or was already used (it works once, for 10 minutes, in the browser that started it). Start again.',
  TS_ERR_MICROSOFT_TOKEN_INVALID:
    "Microsoft's answer could not be verified, so it was refused. Start again; if it keeps happening, tell your Tenantscope administrator.",
  TS_ERR_MICROSOFT_ACCOUNT_LINKED_ELSEWHERE:
    'That Microsoft account is already linked to another Tenantscope person. Unlink it there first, or use another Microsoft account.',
  TS_ERR_MICROSOFT_SIGN_IN_OFF:
    'Sign in with Microsoft is not set up on this server. Use your email and password.',
  TS_ERR_SECOND_FACTOR_REQUIRED:
    'Two-step sign-in is on for your account, so Microsoft sign-in is not accepted. Sign in with your email, password and code.',
  TS_ERR_MS_UNAVAILABLE: 'Microsoft could not be reached. Try again in a minute.',
};

/** Words for a code from the address; null when there is none. Unknown codes get the catalogue's hint. */
export function microsoftErrorWords(code: string | null | undefined): string | null {
  if (!code) return null;
  const words = WORDS[code];
  if (words) return words;
  const hint = (errorCatalogue as Record<string, { hint: string }>)[code]?.hint;
  const known = /^TS_ERR_[A-Z_]{1,60}$/.test(code) ? ` (${code})` : '';
  return `Signing in with Microsoft did not work${known}.${hint ? ` ${hint}` : ''}`;
}

/** The tenant id, shortened for reading (the full one is in the title). */
export const shortTenant = (tenantId: string): string =>
  tenantId.length > 13 ? `${tenantId.slice(0, 8)}…${tenantId.slice(-4)}` : tenantId;
