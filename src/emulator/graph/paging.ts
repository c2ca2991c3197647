import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmulatorRequest } from '../contract.ts';

/**
 * Opaque, stateless page and delta tokens. A token is base64url(JSON payload) + "." + an HMAC of
 * it, so a client cannot forge or edit one (Graph's tokens are opaque too: paging.md says "follow
 * the nextLink verbatim, never build it"). The payload binds the tenant, the path and the other
 * query options, so a token replayed against another query is refused as Graph refuses it.
 */
export interface TokenCodec {
  seal(payload: Record<string, unknown>): string;
  open<T extends Record<string, unknown>>(token: string): T | undefined;
}

export function createTokenCodec(secret: string | Buffer = randomBytes(32)): TokenCodec {
  const mac = (body: string) => createHmac('sha256', secret).update(body).digest('base64url').slice(0, 22);
  return {
    seal(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    open<T>(token: string) {
      const [body, sig] = token.split('.');
      if (!body || !sig) return undefined;
      const expected = Buffer.from(mac(body));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      try {
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
        return payload && typeof payload === 'object' ? (payload as T) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

const TOKEN_PARAMS = new Set(['$skiptoken', '$deltatoken']);

/** The request's query options without paging tokens, in a stable order (binds tokens to a query). */
export function queryFingerprint(req: Pick<EmulatorRequest, 'url' | 'tenant'>): string {
  const entries = [...req.url.searchParams].filter(([k]) => !TOKEN_PARAMS.has(k.toLowerCase()));
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = entries.map(([k, v]) => `${k}=${v}`).join('&');
  return `${req.tenant?.model.tenantId ?? ''}|${req.url.pathname.toLowerCase()}|${query}`;
}

/**
 * An absolute link on the request's own origin with the original query options kept and the
 * given token appended (paging.md: nextLink "includes all the original query options").
 */
export function linkWith(url: URL, tokenName: string, token: string, pathname = url.pathname): string {
  const params = [...url.searchParams].filter(([k]) => !TOKEN_PARAMS.has(k.toLowerCase()));
  const query = params.map(([k, v]) => `${encodeKey(k)}=${encodeURIComponent(v)}`);
  query.push(`${tokenName}=${encodeURIComponent(token)}`);
  return `${url.origin}${pathname}?${query.join('&')}`;
}

/** Keeps `$` readable in option names, as Graph's own links do (`$select=`, `$top=`). */
function encodeKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%24', '$');
}

/** `v1.0` or `beta`, from the path. */
export function versionOf(url: URL): string {
  return url.pathname.split('/')[1] === 'beta' ? 'beta' : 'v1.0';
}

/** `{origin}/v1.0/$metadata#users(displayName,id)` (Graph's form, on the emulator's origin). */
export function contextUrl(url: URL, fragment: string, select?: string[]): string {
  const projection = select && select.length > 0 ? `(${select.join(',')})` : '';
  return `${url.origin}/${versionOf(url)}/$metadata#${fragment}${projection}`;
}

/** Page position in a list: an offset plus the id just before it, to survive removals mid-paging. */
export interface PagePosition {
  offset: number;
  lastId?: string;
}

/**
 * Where the next page starts. The store appends and splices, so the surviving order never
 * changes; if an item before the offset was removed, finding `lastId` again puts the cursor back
 * in place and no object is skipped.
 */
export function resumeIndex(items: readonly { id: string }[], position: PagePosition): number {
  const { offset, lastId } = position;
  if (!lastId || offset === 0 || items[offset - 1]?.id === lastId) return offset;
  const found = items.findIndex((o) => o.id === lastId);
  return found >= 0 ? found + 1 : Math.min(offset, items.length);
}
