/**
 * Sending what the outbox holds, one message per attempt, through SMTP (nodemailer).
 *
 * At most once: an attempt first claims its row (`pending`/`queued` → `sending`, in one
 * conditional update), so two workers never send the same message, and a retried job finds a
 * sent message `sent` and does nothing. A process killed between the SMTP server's "250" and the
 * row's `sent` leaves it `sending`; a later attempt marks such a row `failed` ("outcome
 * unknown") instead of sending it again. The SMTP Message-ID is the row's id, so even then a
 * receiving system can tell a duplicate.
 */
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { senderFrom } from '../branding/branding-fns.ts';
import { senderNameOf } from '../branding/branding-repo.ts';
import type { Clock } from '../platform/clock.ts';
import type { SmtpSettings } from '../platform/config.ts';
import type { SymmetricKey } from '../platform/crypto.ts';
import type { Logger } from '../platform/logger.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem } from '../storage/transactions.ts';
import { type EmailContent, renderEmail } from './email-content.ts';
import { openAction } from './outbox.ts';

export interface MailerDeps {
  db: Kysely<Schema>;
  clock: Clock;
  logger: Logger;
  /** undefined: nothing is sent, messages wait with "delivery not configured" */
  smtp: SmtpSettings | undefined;
  from: string;
  /** to open sealed links */
  keks: readonly SymmetricKey[];
  /** extra CA certificates (PEM) to trust for the SMTP server's TLS certificate */
  tlsCa?: string | undefined;
}

export const NOT_CONFIGURED = 'delivery not configured';
/** A claim older than this belonged to a process that died mid-send (the job expires in 3 min). */
const STALE_CLAIM_MS = 10 * 60_000;

export type Transport = Pick<nodemailer.Transporter<SMTPTransport.SentMessageInfo>, 'sendMail' | 'close'>;

/**
 * One SMTP transport. Timeouts are short because a job must end well inside its expiry: a server
 * that does not greet within 15 s is tried again later. nodemailer's own logger stays off (it
 * would print the SMTP conversation, AUTH included), and message content may not read files or URLs.
 */
export function createTransport(smtp: SmtpSettings, tlsCa?: string): Transport {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(tlsCa ? { tls: { ca: tlsCa } } : {}),
  });
}

export type AttemptResult =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'skipped' | 'expired' | 'failed' | 'retry'; reason: string };

interface Claimed {
  id: string;
  workspace_id: string | null;
  to_address: string;
  content: Record<string, unknown>;
  secret_ciphertext: string | null;
  expires_at: Date | null;
  attempts: number;
}

/**
 * One attempt at one message. Returns what happened; the caller (the queue) retries on `retry`.
 * `finalAttempt` turns a transient failure into `failed`.
 */
export async function attemptEmail(
  deps: MailerDeps,
  transport: Transport,
  outboxId: string,
  finalAttempt: boolean,
): Promise<AttemptResult> {
  const now = deps.clock.now();
  const row = await claim(deps.db, outboxId, now);
  if (!row) return { outcome: 'skipped', reason: await settleUnclaimable(deps.db, outboxId, now) };
  if (row.expires_at && row.expires_at <= now) {
    await finish(deps.db, outboxId, {
      status: 'expired',
      detail: 'the link in it expired before it could be sent',
    });
    return { outcome: 'expired', reason: 'expired' };
  }
  let rendered: ReturnType<typeof renderEmail>;
  try {
    rendered = render(deps, row);
  } catch (error) {
    const reason = `cannot be written out: ${(error as Error).message}`;
    await finish(deps.db, outboxId, { status: 'failed', detail: reason });
    return { outcome: 'failed', reason };
  }
  try {
    const info = await transport.sendMail({
      from: await fromOf(deps, row.workspace_id),
      to: row.to_address,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: `<${row.id}@${domainOf(deps.from)}>`,
      // RFC 3834: automatic mail; vacation responders should not answer it
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    await finish(deps.db, outboxId, {
      status: 'sent',
      detail: null,
      smtp_message_id: info.messageId,
      smtp_response: clip(scrub(deps, String(info.response ?? ''))),
      sent_at: deps.clock.now(),
    });
    return { outcome: 'sent', messageId: info.messageId };
  } catch (error) {
    const reason = clip(scrub(deps, describeSmtpError(error)));
    const permanent = isPermanent(error);
    const done = permanent || finalAttempt;
    await finish(deps.db, outboxId, {
      status: done ? 'failed' : 'queued',
      detail: done ? reason : `attempt ${row.attempts} failed, will retry: ${reason}`,
    });
    return { outcome: done ? 'failed' : 'retry', reason };
  }
}

/**
 * The configured From, with the workspace's sender name (its branding) as the display name when
 * it has one; the address never changes. A message of no workspace (a password reset) keeps it.
 */
async function fromOf(deps: MailerDeps, workspaceId: string | null) {
  if (!workspaceId) return deps.from;
  const name = await withSystem(deps.db, (tx) => senderNameOf(tx, workspaceId));
  return senderFrom(deps.from, name);
}

function render(deps: MailerDeps, row: Claimed) {
  const { actionUrl, ...content } = row.content as unknown as EmailContent & { actionUrl?: string };
  const link = row.secret_ciphertext ? openAction(deps.keks, row.id, row.secret_ciphertext) : actionUrl;
  return renderEmail(content, link);
}

async function claim(db: Kysely<Schema>, id: string, now: Date): Promise<Claimed | undefined> {
  return withSystem(db, (tx) =>
    tx
      .updateTable('email_outbox')
      .set((eb) => ({ status: 'sending', claimed_at: now, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'queued'])
      .returning([
        'id',
        'workspace_id',
        'to_address',
        'content',
        'secret_ciphertext',
        'expires_at',
        'attempts',
      ])
      .executeTakeFirst(),
  );
}

/** Why a message could not be claimed; a claim left by a dead process ends the message. */
async function settleUnclaimable(db: Kysely<Schema>, id: string, now: Date): Promise<string> {
  return withSystem(db, async (tx) => {
    const row = await tx
      .selectFrom('email_outbox')
      .select(['status', 'claimed_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return 'gone';
    if (
      row.status === 'sending' &&
      row.claimed_at &&
      now.getTime() - row.claimed_at.getTime() > STALE_CLAIM_MS
    ) {
      await tx
        .updateTable('email_outbox')
        .set({
          status: 'failed',
          detail: 'the sending process stopped mid-send: the outcome is unknown, so it is not sent twice',
        })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .execute();
      return 'interrupted';
    }
    return row.status;
  });
}

async function finish(
  db: Kysely<Schema>,
  id: string,
  values: {
    status: 'sent' | 'queued' | 'failed' | 'expired';
    detail: string | null;
    smtp_message_id?: string;
    smtp_response?: string;
    sent_at?: Date;
  },
): Promise<void> {
  await withSystem(db, (tx) =>
    tx.updateTable('email_outbox').set(values).where('id', '=', id).where('status', '=', 'sending').execute(),
  );
}

/** Messages waiting to be handed to the queue, across workspaces (the sender serves them all). */
export async function pendingEmailIds(db: Kysely<Schema>, limit = 500): Promise<string[]> {
  const rows = await withSystem(db, (tx) =>
    tx
      .selectFrom('email_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .orderBy('created_at')
      .limit(limit)
      .execute(),
  );
  return rows.map((r) => r.id);
}

export async function markEmailQueued(db: Kysely<Schema>, id: string): Promise<void> {
  await withSystem(db, (tx) =>
    tx
      .updateTable('email_outbox')
      .set({ status: 'queued', detail: null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute(),
  );
}

/** Without an SMTP server, waiting messages say why they wait. */
export async function markNotConfigured(db: Kysely<Schema>): Promise<number> {
  const result = await withSystem(db, (tx) =>
    tx
      .updateTable('email_outbox')
      .set({ detail: NOT_CONFIGURED })
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('detail', 'is', null), eb('detail', '!=', NOT_CONFIGURED)]))
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows);
}

/**
 * A 5xx answer to the message itself — its sender, a recipient (550 no such mailbox, 553 bad
 * address: nodemailer's EENVELOPE) or its content (EMESSAGE) — will not change by retrying. Every
 * other failure may: a 4xx, a refused or dropped connection, a failed login (535) or a server
 * without TLS (ETLS) are the operator's to fix, and the message waits for it.
 */
export function isPermanent(error: unknown): boolean {
  const e = error as { responseCode?: number; code?: string };
  const aboutTheMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  return (
    aboutTheMessage && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600
  );
}

function describeSmtpError(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const parts = [e.code, e.responseCode ? String(e.responseCode) : undefined, e.response ?? e.message];
  return parts.filter(Boolean).join(' ') || 'unknown SMTP error';
}

/** Nothing stored or logged may carry the SMTP password, whatever the server echoes. */
function scrub(deps: Pick<MailerDeps, 'smtp'>, text: string): string {
  const secret = deps.smtp?.password;
  return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}

const clip = (text: string) => (text.length > 500 ? `${text.slice(0, 497)}...` : text);

function domainOf(from: string): string {
  const address = /<([^<>]+)>$/.exec(from)?.[1] ?? from;
  return address.split('@')[1]?.trim() || 'tenantscope.invalid';
}
