/**
 * One POST of a signed JSON body to a webhook. The address the name resolves to is checked
 * inside the connection's own lookup, so the checked address is the one connected to. Redirects
 * are not followed (a 3xx is a failure: following one would bypass the address check), and the
 * request gives up after 10 seconds.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-sign.ts';
import { checkResolvedAddress, checkWebhookUrl } from './webhook-url.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookAttempt {
  ok: boolean;
  statusCode: number | null;
  /** why it failed, never holding the secret */
  error: string | null;
}

export async function sendWebhook(input: {
  url: string;
  secret: string;
  body: string;
  deliveryId: string;
  now: Date;
}): Promise<WebhookAttempt> {
  let url: URL;
  try {
    url = new URL(checkWebhookUrl(input.url));
  } catch (e) {
    return { ok: false, statusCode: null, error: (e as Error).message };
  }
  const timestamp = Math.floor(input.now.getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Tenantscope-Webhook/1',
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signWebhook(input.secret, timestamp, input.body),
    [DELIVERY_HEADER]: input.deliveryId,
  };
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: false }, (err, address, family) => {
      if (err) return callback(err, '', 0);
      try {
        checkResolvedAddress(url.hostname, address as string);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      callback(null, address as string | LookupAddress[], family);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookAttempt>((resolve) => {
    const req = client.request(
      url,
      { method: 'POST', headers, lookup: guardedLookup, timeout: WEBHOOK_TIMEOUT_MS, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          const ok = code >= 200 && code < 300;
          resolve({ ok, statusCode: code, error: ok ? null : `the receiver answered ${code}` });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e) => resolve({ ok: false, statusCode: null, error: e.message.slice(0, 500) }));
    req.end(input.body);
  });
}
