import { describe, expect, test } from 'vitest';
import type { AlertDelivery, AlertRule } from '../drift-control-types.ts';
import {
  deliveryWords,
  destinationWords,
  errorWords,
  formOf,
  ruleBody,
  secretFrom,
  splitEmails,
  triggerWords,
  webhookUrlProblem,
} from './alert-fns.ts';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: 'r1',
  name: 'CA changes',
  enabled: true,
  minSeverity: 'high',
  objectKinds: [],
  tenantIds: [],
  webhook: null,
  emailTo: [],
  createdBy: 'p1',
  updatedAt: '2026-03-01T10:00:00Z',
  ...over,
});

describe('alert rules', () => {
  const names = (id: string) => ({ t1: 'Contoso', t2: 'Fabrikam' })[id] ?? '?';
  test.each<[Partial<AlertRule>, string]>([
    [{}, 'High-severity changes in every tenant'],
    [
      { minSeverity: 'medium', objectKinds: ['conditionalAccessPolicy'] },
      'High- and medium-severity changes to Conditional Access policy in every tenant',
    ],
    [{ minSeverity: 'low', tenantIds: ['t1', 't2'] }, 'Every change in Contoso, Fabrikam'],
    [
      { objectKinds: ['application', 'domain', 'namedLocation', 'securityDefaults'] },
      'High-severity changes to App registration, Domain, Named location and 1 more in every tenant',
    ],
  ])('%o is set off by “%s”', (over, want) => {
    expect(triggerWords(rule(over), names)).toBe(want);
  });

  test.each<[Partial<AlertRule>, string]>([
    [{}, 'nowhere yet (no webhook, no email)'],
    [
      { webhook: { url: 'https://hooks.example.com/x?token=1', secretSet: true } },
      'Webhook to hooks.example.com',
    ],
    [{ emailTo: ['a@x.test'] }, 'Email to 1 recipient'],
    [
      { webhook: { url: 'http://127.0.0.1:9000/h', secretSet: true }, emailTo: ['a@x.test', 'b@x.test'] },
      'Webhook to 127.0.0.1:9000 · email to 2 recipients',
    ],
  ])('%o sends to “%s”', (over, want) => {
    expect(destinationWords(rule(over))).toBe(want);
  });

  test.each<[string, string | null]>([
    ['https://hooks.example.com/tenantscope', null],
    ['http://127.0.0.1:8080/hook', null],
    ['http://localhost/hook', null],
    ['http://[::1]:9/x', null],
    [
      'http://hooks.example.com/x',
      'The webhook address must start with https:// (http:// only for a receiver on this machine).',
    ],
    ['https://user:pw@hooks.example.com/', 'The webhook address must not carry a user name or password.'],
    ['hooks.example.com', 'The webhook address is not a URL (it starts with https://).'],
    [
      'ftp://127.0.0.1/x',
      'The webhook address must start with https:// (http:// only for a receiver on this machine).',
    ],
  ])('the webhook address %s: %s', (url, want) => {
    expect(webhookUrlProblem(url)).toBe(want);
  });

  test('recipients are split on commas, spaces and lines, once each', () => {
    expect(splitEmails('a@x.test, b@x.test;\n a@x.test  c@x.test')).toEqual([
      'a@x.test',
      'b@x.test',
      'c@x.test',
    ]);
  });

  const SECRET = 'whsec_0123456789abcdef0123';
  test.each<[string, Partial<ReturnType<typeof formOf>>, AlertRule | null, unknown]>([
    [
      'a new rule with a webhook sends the secret',
      { name: ' CA ', webhookUrl: 'https://h.example.com/x', secret: SECRET },
      null,
      {
        body: {
          name: 'CA',
          enabled: true,
          minSeverity: 'high',
          objectKinds: [],
          tenantIds: [],
          emailTo: [],
          webhook: { url: 'https://h.example.com/x', secret: SECRET },
        },
      },
    ],
    [
      'an edit that keeps the address leaves the webhook (and its secret) as stored',
      { name: 'CA', webhookUrl: 'https://h.example.com/x', secret: '' },
      rule({ webhook: { url: 'https://h.example.com/x', secretSet: true } }),
      {
        body: { name: 'CA', enabled: true, minSeverity: 'high', objectKinds: [], tenantIds: [], emailTo: [] },
      },
    ],
    [
      'an edit that clears the address removes the webhook',
      { name: 'CA', webhookUrl: '', emails: 'ops@x.test' },
      rule({ webhook: { url: 'https://h.example.com/x', secretSet: true } }),
      {
        body: {
          name: 'CA',
          enabled: true,
          minSeverity: 'high',
          objectKinds: [],
          tenantIds: [],
          emailTo: ['ops@x.test'],
          webhook: null,
        },
      },
    ],
    [
      'a new address needs a new secret',
      { name: 'CA', webhookUrl: 'https://other.example.com/x', secret: 'short' },
      rule({ webhook: { url: 'https://h.example.com/x', secretSet: true } }),
      { errors: ['The signing secret needs at least 16 characters (use “Generate”).'] },
    ],
    [
      'no name, nowhere to send, a bad address',
      { name: '', webhookUrl: '', emails: 'ops@x.test, not-an-address' },
      null,
      { errors: ['Name the rule.', 'Not an email address: not-an-address.'] },
    ],
    [
      'nothing to send to',
      { name: 'CA' },
      null,
      { errors: ['Choose where to send: a webhook, email recipients, or both.'] },
    ],
  ])('%s', (_n, over, current, want) => {
    expect(ruleBody({ ...formOf(current, ''), ...over }, current)).toEqual(want);
  });

  test('a generated secret is base64url of the bytes, long enough for the server', () => {
    const bytes = new Uint8Array(32).fill(251);
    const s = secretFrom(bytes);
    expect(s).toBe(`whsec_${Buffer.from(bytes).toString('base64url')}`);
    expect(s.length).toBeGreaterThanOrEqual(16);
    expect(secretFrom(new Uint8Array([1, 2, 3]))).toBe('whsec_AQID');
  });
});

const delivery = (over: Partial<AlertDelivery>): AlertDelivery => ({
  id: 'd1',
  ruleId: 'r1',
  tenantId: null,
  comparisonId: null,
  channel: 'webhook',
  kind: 'test',
  status: 'delivered',
  target: 'https://h.example.com/x',
  attempts: 1,
  lastStatusCode: 200,
  lastError: null,
  createdAt: '2026-03-01T10:00:00Z',
  lastAttemptAt: '2026-03-01T10:00:01Z',
  deliveredAt: '2026-03-01T10:00:01Z',
  totalEvents: null,
  ...over,
});

describe('the delivery log in words', () => {
  test.each<[Partial<AlertDelivery>, string, string]>([
    [{}, 'delivered', 'Delivered after 1 attempt (HTTP 200).'],
    [
      { status: 'failed', attempts: 7, lastStatusCode: 500, lastError: 'the receiver answered 500' },
      'failed',
      'Gave up after 7 attempts: HTTP 500, the receiver failed with an error of its own.',
    ],
    [
      { status: 'queued', attempts: 2, lastStatusCode: null, lastError: 'connect ECONNREFUSED 127.0.0.1:9' },
      'retrying',
      '2 attempts failed so far, the last: nothing listens at that address (connection refused). Retried with growing delays.',
    ],
    [
      { status: 'queued', attempts: 0, lastStatusCode: null },
      'queued',
      'Waiting for the job queue to send it.',
    ],
    [
      { status: 'pending', attempts: 0, lastStatusCode: null },
      'pending',
      'Recorded; the job queue picks it up within a minute.',
    ],
    [
      { status: 'queued', channel: 'email', attempts: 0, lastStatusCode: null, lastError: null },
      'in the outbox',
      'Waiting to be sent. The email outbox sends it over SMTP with its own retries.',
    ],
    [
      { status: 'queued', channel: 'email', attempts: 1, lastStatusCode: null, lastError: '1 of 2 sent' },
      'in the outbox',
      '1 of 2 sent. The email outbox sends it over SMTP with its own retries.',
    ],
    [
      { status: 'delivered', channel: 'email', attempts: 2, lastStatusCode: null },
      'delivered',
      'Sent to every address over SMTP.',
    ],
    [
      {
        status: 'failed',
        channel: 'email',
        lastStatusCode: null,
        lastError: 'not sent: soc@msp.test: EMESSAGE 550 mailbox unavailable',
      },
      'failed',
      "Not sent: soc@msp.test: EMESSAGE 550 mailbox unavailable. Check the address and the mail server's answer.",
    ],
  ])('%o is “%s”: %s', (over, label, detail) => {
    const w = deliveryWords(delivery(over));
    expect([w.label, w.detail]).toEqual([label, detail]);
  });

  test.each<[string | null, number | null, string]>([
    [
      'the receiver answered 401',
      401,
      'HTTP 401, the receiver refused it: check it verifies with the signing secret shown when the rule was saved',
    ],
    [
      'the receiver answered 404',
      404,
      'HTTP 404, the receiver has no page at that address: check the path of the URL',
    ],
    [
      'the receiver answered 302',
      302,
      'HTTP 302, the receiver redirected; redirects are not followed, so use the final URL',
    ],
    ['the receiver answered 418', 418, 'the receiver answered HTTP 418'],
    ['getaddrinfo ENOTFOUND hooks.example.invalid', null, 'the host name does not resolve'],
    ['no answer within 10 s', null, 'no answer within 10 seconds'],
    ['self-signed certificate in certificate chain', null, 'the receiver’s TLS certificate is not trusted'],
    ['socket hang up', null, 'the receiver closed the connection before answering'],
    ['the rule no longer has a webhook', null, 'the rule no longer has a webhook'],
    [null, null, 'no error recorded'],
  ])('the error %s (HTTP %s) reads “%s”', (error, code, want) => {
    expect(errorWords(error, code)).toBe(want);
  });
});
