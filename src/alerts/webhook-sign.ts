/**
 * Webhook signatures. The receiver recomputes HMAC-SHA256 over `<timestamp>.<raw body>` with the
 * shared secret and compares it with `X-Tenantscope-Signature: sha256=<hex>`; the timestamp
 * (`X-Tenantscope-Timestamp`, Unix seconds) is inside the signed text so a captured request
 * cannot be replayed later with a fresh timestamp. Receivers should refuse timestamps older than
 * a few minutes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tenantscope-signature';
export const TIMESTAMP_HEADER = 'x-tenantscope-timestamp';
export const DELIVERY_HEADER = 'x-tenantscope-delivery';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does; exported for tests and for receivers written in TypeScript. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
