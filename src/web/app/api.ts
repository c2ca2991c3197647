import { errorCatalogue } from '../../platform/errors.ts';
import { countOf } from './format.ts';

/**
 * The one way the web app talks to the server: same-origin fetch with the session cookie, the
 * CSRF token on every state-changing request, and errors turned into words.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** seconds to wait, when the server said (a sign-in lockout, a rate limit) */
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, retryAfter: number | null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};
/** Called when a request finds the session gone (expired, signed out elsewhere). */
export const setUnauthenticatedHandler = (handler: (() => void) | null) => {
  onUnauthenticated = handler;
};

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  return body === undefined
    ? send<T>(method, url, {})
    : send<T>(method, url, { 'content-type': 'application/json' }, JSON.stringify(body));
}

/** Sends raw bytes (a logo file) as the body, with their media type; answers like `api`. */
export async function apiBytes<T>(method: string, url: string, body: Blob, type: string): Promise<T> {
  return send<T>(method, url, { 'content-type': type }, body);
}

/** One request with the session's CSRF token on anything but a GET; a lost network in words. */
async function send<T>(
  method: string,
  url: string,
  extra: Record<string, string>,
  body?: BodyInit,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body } : {}),
    });
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      'The server could not be reached. Check that Tenantscope is running.',
      null,
    );
  }
  return settle<T>(res);
}

/** The body of a success, or the error in the server's words (a lost session signs the page out). */
async function settle<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (res.ok) return data as T;
  const err = (data ?? {}) as { code?: string; message?: string };
  const code = err.code ?? `HTTP_${res.status}`;
  const retry = Number(res.headers.get('retry-after'));
  // Only a session that is gone signs the page out: other 401s (a wrong code, a wrong password
  // given to accept an invitation) are answers to the request, shown where it was made.
  if (code === 'TS_ERR_UNAUTHENTICATED' && onUnauthenticated) onUnauthenticated();
  throw new ApiError(
    res.status,
    code,
    err.message ?? res.statusText,
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What an error code means and what to do, from the server's own catalogue. */
export function hintFor(code: string): string | null {
  return (errorCatalogue as Record<string, { hint: string }>)[code]?.hint ?? null;
}

/** A sentence for people: the server's message, then what to do about it. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'TS_ERR_SIGNIN_LOCKED') {
      const wait = error.retryAfter ? ` Try again in ${waitWords(error.retryAfter)}.` : '';
      return `Too many failed sign-ins: this account is locked for a while.${wait}`;
    }
    if (error.code === 'TS_ERR_SIGNIN_FAILED') return 'That email and password do not match an account.';
    if (error.code === 'TS_ERR_SECOND_FACTOR_INVALID')
      return 'That code is wrong or was already used. Codes change every 30 seconds, and each recovery code works once.';
    if (error.code === 'TS_ERR_RATE_LIMITED')
      return 'Too many requests from this address. Wait a minute and try again.';
    const hint = hintFor(error.code);
    const message = capitalise(error.message);
    return hint ? `${message}. ${hint}` : `${message}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function waitWords(seconds: number): string {
  if (seconds < 90) return countOf(Math.ceil(seconds), 'second', 'seconds');
  return countOf(Math.ceil(seconds / 60), 'minute', 'minutes');
}

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1).replace(/\.$/, '') : s);
