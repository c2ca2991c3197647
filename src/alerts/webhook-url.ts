/**
 * Which webhook addresses Tenantscope will call. A webhook URL is chosen by a workspace admin and
 * fetched by the server, so without limits it is a way to make the server reach into its own
 * network (SSRF): cloud metadata at 169.254.169.254, databases on 10.x, admin pages on 192.168.x.
 *
 * Rules: `https://` only, except a loopback receiver (127.0.0.0/8, ::1, `localhost`), which may
 * use `http://` (a receiver on the same machine; the tests use one). Private (RFC 1918, RFC 4193
 * fc00::/7), link-local (169.254/16, fe80::/10), shared (100.64/10, RFC 6598), unspecified and
 * multicast addresses are refused, both as literals in the URL and as what a name resolves to at
 * send time (the connection is made to the address that was checked, so a DNS answer cannot
 * change between check and use).
 */
import { isIP } from 'node:net';
import { TenantscopeError } from '../platform/errors.ts';

export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || (mappedV4(h)?.startsWith('127.') ?? false);
  return false;
}

/** Addresses a webhook may never reach (loopback is decided separately). */
export function isRefusedAddress(address: string): boolean {
  const a = unbracket(address).toLowerCase();
  const v4 = isIP(a) === 4 ? a : mappedV4(a);
  if (v4) {
    const [x, y] = v4.split('.').map(Number) as [number, number];
    return (
      x === 0 ||
      x === 10 ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      x >= 224
    );
  }
  if (isIP(a) !== 6) return false;
  return a === '::' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a.startsWith('ff');
}

/** Checks a webhook URL as an admin gives it; returns it normalised. */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('is not a URL');
  }
  if (url.username || url.password) throw refused('must not carry a user name or password');
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw refused('must be https:// (http:// only for a loopback receiver)');
  if (!loopback && isRefusedAddress(url.hostname))
    throw refused('names a private, link-local or reserved address');
  return url.toString();
}

/** The address a name resolved to is checked again at send time (a name may point anywhere). */
export function checkResolvedAddress(host: string, address: string): void {
  if (isLoopbackHost(host) && isLoopbackHost(address)) return;
  if (isRefusedAddress(address) || isLoopbackHost(address))
    throw refused(`resolves to ${address}, a private, link-local, loopback or reserved address`);
}

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1, which URL writes as ::ffff:a00:1) as IPv4. */
function mappedV4(a: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)?.[1];
  if (dotted) return dotted;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (!hex) return undefined;
  const [hi, lo] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

const refused = (why: string) => new TenantscopeError('TS_ERR_WEBHOOK_URL_REFUSED', `webhook URL ${why}`);
const unbracket = (h: string) => h.replace(/^\[|\]$/g, '');
