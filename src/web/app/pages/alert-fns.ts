/**
 * Alert rules and their delivery log as people read them, and the rule form's checks. The
 * server checks everything again (the SSRF guard on webhook URLs in particular:
 * src/alerts/webhook-url.ts); these catch the common slips before a round trip, in words.
 */
import type { AlertDelivery, AlertRule, DriftSeverity } from '../drift-control-types.ts';
import { countOf } from '../format.ts';
import { kindLabel } from './kind-fns.ts';

export const SEVERITY_CHOICES: { value: DriftSeverity; label: string }[] = [
  { value: 'high', label: 'High-severity changes only' },
  { value: 'medium', label: 'High- and medium-severity changes' },
  { value: 'low', label: 'Every change' },
];

const listWords = (items: string[], max = 3): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

/** "High-severity changes to Conditional Access policy in Contoso": what sets the rule off. */
export function triggerWords(rule: AlertRule, tenantName: (id: string) => string): string {
  const severity = SEVERITY_CHOICES.find((c) => c.value === rule.minSeverity)?.label ?? rule.minSeverity;
  const kinds = rule.objectKinds.length ? ` to ${listWords(rule.objectKinds.map(kindLabel))}` : '';
  const tenants = rule.tenantIds.length
    ? `in ${listWords(rule.tenantIds.map(tenantName))}`
    : 'in every tenant';
  return `${severity.replace(/ only$/, '')}${kinds} ${tenants}`;
}

/** "Webhook to hooks.example.com · email to 2 recipients", or that it sends nowhere. */
export function destinationWords(rule: AlertRule): string {
  const parts: string[] = [];
  if (rule.webhook) parts.push(`webhook to ${hostOf(rule.webhook.url)}`);
  if (rule.emailTo.length) parts.push(`email to ${countOf(rule.emailTo.length, 'recipient', 'recipients')}`);
  if (parts.length === 0) return 'nowhere yet (no webhook, no email)';
  const text = parts.join(' · ');
  return text[0]!.toUpperCase() + text.slice(1);
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/* ---------- the rule form ---------- */

export interface RuleFormState {
  name: string;
  enabled: boolean;
  minSeverity: DriftSeverity;
  objectKinds: string[];
  tenantIds: string[];
  webhookUrl: string;
  /** a new signing secret to send; empty keeps the stored one (edit) */
  secret: string;
  emails: string;
}

export const formOf = (rule: AlertRule | null, secret: string): RuleFormState => ({
  name: rule?.name ?? '',
  enabled: rule?.enabled ?? true,
  minSeverity: rule?.minSeverity ?? 'high',
  objectKinds: rule?.objectKinds ?? [],
  tenantIds: rule?.tenantIds ?? [],
  webhookUrl: rule?.webhook?.url ?? '',
  secret: rule ? '' : secret,
  emails: rule?.emailTo.join(', ') ?? '',
});

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Recipients as typed: separated by commas, semicolons, spaces or lines. */
export const splitEmails = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

/** The first problem with a webhook URL, in words, or null. */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The webhook address is not a URL (it starts with https://).';
  }
  if (url.username || url.password) return 'The webhook address must not carry a user name or password.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return null;
  return 'The webhook address must start with https:// (http:// only for a receiver on this machine).';
}

/**
 * The body of POST (create) or PATCH (edit) /api/alert-rules, or the problems. On edit a webhook
 * is sent only when its address or secret changes (the API keeps the stored one otherwise),
 * and an address cleared removes it.
 */
export function ruleBody(
  form: RuleFormState,
  current: AlertRule | null,
): { body: Record<string, unknown> } | { errors: string[] } {
  const errors: string[] = [];
  const name = form.name.trim();
  if (!name) errors.push('Name the rule.');
  else if (name.length > 200) errors.push('The name is longer than 200 characters.');
  const url = form.webhookUrl.trim();
  const emails = splitEmails(form.emails);
  const bad = emails.filter((e) => !EMAIL.test(e));
  if (bad.length) errors.push(`Not an email address: ${bad.join(', ')}.`);
  if (emails.length > 50) errors.push('At most 50 email recipients.');
  if (!url && emails.length === 0) errors.push('Choose where to send: a webhook, email recipients, or both.');
  const urlChanged = url !== (current?.webhook?.url ?? '');
  let webhook: unknown;
  if (url) {
    const problem = webhookUrlProblem(url);
    if (problem) errors.push(problem);
    const secret = form.secret.trim();
    if (secret || urlChanged || !current?.webhook) {
      if (secret.length < 16)
        errors.push('The signing secret needs at least 16 characters (use “Generate”).');
      else if (secret.length > 200) errors.push('The signing secret is longer than 200 characters.');
      webhook = { url, secret };
    }
  } else if (current?.webhook) {
    webhook = null;
  }
  if (errors.length) return { errors };
  return {
    body: {
      name,
      enabled: form.enabled,
      minSeverity: form.minSeverity,
      objectKinds: form.objectKinds,
      tenantIds: form.tenantIds,
      emailTo: emails,
      ...(webhook !== undefined ? { webhook } : {}),
    },
  };
}

/**
 * A signing secret from random bytes (the caller passes `crypto.getRandomValues`' output):
 * base64url, so it survives copying into any receiver's configuration.
 */
export function secretFrom(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/* ---------- the delivery log ---------- */

export interface DeliveryWords {
  label: string;
  tone: 'ok' | 'bad' | 'warn' | 'info' | 'muted';
  detail: string;
}

const attemptsWords = (n: number) => countOf(n, 'attempt', 'attempts');

/** A delivery's state, in words: what happened and, when it failed, what to check. */
export function deliveryWords(d: AlertDelivery): DeliveryWords {
  if (d.channel === 'email') return emailWords(d);
  const why = errorWords(d.lastError, d.lastStatusCode);
  if (d.status === 'delivered')
    return {
      label: 'delivered',
      tone: 'ok',
      detail: `Delivered after ${attemptsWords(d.attempts)}${d.lastStatusCode ? ` (HTTP ${d.lastStatusCode})` : ''}.`,
    };
  if (d.status === 'failed')
    return { label: 'failed', tone: 'bad', detail: `Gave up after ${attemptsWords(d.attempts)}: ${why}.` };
  if (d.attempts > 0)
    return {
      label: 'retrying',
      tone: 'warn',
      detail: `${attemptsWords(d.attempts)} failed so far, the last: ${why}. Retried with growing delays.`,
    };
  if (d.status === 'queued')
    return { label: 'queued', tone: 'info', detail: 'Waiting for the job queue to send it.' };
  return { label: 'pending', tone: 'muted', detail: 'Recorded; the job queue picks it up within a minute.' };
}

/** An email delivery, as the server reads it from its outbox messages (one per address). */
function emailWords(d: AlertDelivery): DeliveryWords {
  const note = d.lastError ? `${d.lastError[0]!.toUpperCase()}${d.lastError.slice(1)}` : '';
  if (d.status === 'delivered')
    return { label: 'delivered', tone: 'ok', detail: 'Sent to every address over SMTP.' };
  if (d.status === 'failed')
    return {
      label: 'failed',
      tone: 'bad',
      detail: `${note || 'Not sent'}. Check the address and the mail server's answer.`,
    };
  return {
    label: 'in the outbox',
    tone: 'info',
    detail: `${note || 'Waiting to be sent'}. The email outbox sends it over SMTP with its own retries.`,
  };
}

const STATUS_MEANING: [RegExp, string][] = [
  [
    /^(401|403)$/,
    'the receiver refused it: check it verifies with the signing secret shown when the rule was saved',
  ],
  [/^404$/, 'the receiver has no page at that address: check the path of the URL'],
  [/^(408|504)$/, 'the receiver (or a proxy in front of it) timed out'],
  [/^413$/, 'the receiver refused the size of the body'],
  [/^429$/, 'the receiver is limiting requests'],
  [/^5\d\d$/, 'the receiver failed with an error of its own'],
  [/^3\d\d$/, 'the receiver redirected; redirects are not followed, so use the final URL'],
];

const NETWORK_MEANING: [RegExp, string][] = [
  [/ECONNREFUSED/, 'nothing listens at that address (connection refused)'],
  [/ENOTFOUND|EAI_AGAIN/, 'the host name does not resolve'],
  [/ETIMEDOUT|no answer within/, 'no answer within 10 seconds'],
  [/ECONNRESET|socket hang up/, 'the receiver closed the connection before answering'],
  [/certificate|self[- ]signed|CERT_|SSL|TLS/i, 'the receiver’s TLS certificate is not trusted'],
  [
    /private, link-local or reserved|refused address/i,
    'the address is private or reserved, which webhooks may not reach',
  ],
];

/** The last error of an attempt, explained: an HTTP status, a network failure, or the text as recorded. */
export function errorWords(error: string | null, statusCode: number | null): string {
  if (statusCode !== null && (statusCode < 200 || statusCode >= 300)) {
    const meaning = STATUS_MEANING.find(([re]) => re.test(String(statusCode)))?.[1];
    return meaning ? `HTTP ${statusCode}, ${meaning}` : `the receiver answered HTTP ${statusCode}`;
  }
  if (!error) return 'no error recorded';
  const meaning = NETWORK_MEANING.find(([re]) => re.test(error))?.[1];
  return meaning ?? error;
}
