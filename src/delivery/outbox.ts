/**
 * The outbox: every email starts as a row written in the same transaction as the change it tells
 * about, so a message exists exactly when its cause was committed. Sending is the job queue's
 * (outbox-sender.ts). Links that open something are sealed here and opened only by the sender.
 */
import { decrypt, encrypt, type SymmetricKey } from '../platform/crypto.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import type { EmailStatus } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';
import type { EmailContent } from './email-content.ts';

export interface EmailToSend {
  /**
   * The workspace the message belongs to; inside `withWorkspace` it must be that workspace.
   * `null` only inside `withSystem` (a password reset: people are global).
   */
  workspaceId: string | null;
  /** what it is about, camelCase: `invitation`, `passwordReset`, `credentialExpiring`, `driftAlert` */
  kind: string;
  to: string;
  content: EmailContent;
  /**
   * The link behind `content.actionLabel`. `secret: true` (it opens something: an invitation, a
   * reset) seals it with the key-encryption key, so the database never holds it in clear.
   */
  action?: { url: string; secret: boolean };
  /** the thing it belongs to (`invitation:<id>`): `cancelEmails(tx, ref)` withdraws what is unsent */
  ref?: string;
  /** at most one message per workspace and key (workspace rows only); a second one is dropped */
  dedupeKey?: string;
  /** not sent after this */
  expiresAt?: Date;
}

const sealPlace = (id: string) => `outbox:${id}:action`;

/**
 * Adds a message to the outbox in the caller's transaction. Returns its id, or null when a
 * message with the same dedupe key exists. Call the job queue's `queuePendingEmails()` after the
 * transaction commits to send it at once; otherwise the once-a-minute sweep picks it up.
 */
export async function enqueueEmail(
  tx: Tx,
  email: EmailToSend,
  keks?: readonly SymmetricKey[],
  now: Date = new Date(),
): Promise<string | null> {
  const to = normaliseAddress(email.to);
  if (Boolean(email.content.actionLabel) !== Boolean(email.action))
    throw new TenantscopeError('TS_ERR_INTERNAL', 'an email action needs both a label and a link');
  const id = newId();
  let secret: string | null = null;
  const content: Record<string, unknown> = { ...email.content };
  if (email.action?.secret) {
    const kek = keks?.[0];
    if (!kek)
      throw new TenantscopeError(
        'TS_ERR_MASTER_KEY_MISSING',
        'sealing an email link needs the key-encryption key',
      );
    secret = encrypt(kek, email.action.url, sealPlace(id));
  } else if (email.action) {
    content.actionUrl = email.action.url;
  }
  const inserted = await tx
    .insertInto('email_outbox')
    .values({
      id,
      workspace_id: email.workspaceId,
      kind: email.kind,
      to_address: to,
      content: JSON.stringify(content),
      secret_ciphertext: secret,
      ref: email.ref ?? null,
      dedupe_key: email.dedupeKey ?? null,
      expires_at: email.expiresAt ?? null,
      created_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

/** Withdraws the unsent messages of a thing (a revoked or replaced invitation). */
export async function cancelEmails(tx: Tx, ref: string): Promise<number> {
  const result = await tx
    .updateTable('email_outbox')
    .set({ status: 'cancelled', detail: 'withdrawn before it was sent' })
    .where('ref', '=', ref)
    .where('status', 'in', ['pending', 'queued'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface EmailState {
  status: EmailStatus;
  detail: string | null;
  sentAt: Date | null;
}

/** The newest message of each ref, for views ("sent", "pending — delivery not configured"). */
export async function emailStates(tx: Tx, refs: string[]): Promise<Map<string, EmailState>> {
  if (refs.length === 0) return new Map();
  const rows = await tx
    .selectFrom('email_outbox')
    .select(['ref', 'status', 'detail', 'sent_at'])
    .where('ref', 'in', refs)
    .orderBy('created_at', 'desc')
    .execute();
  const out = new Map<string, EmailState>();
  for (const r of rows)
    if (r.ref && !out.has(r.ref)) out.set(r.ref, { status: r.status, detail: r.detail, sentAt: r.sent_at });
  return out;
}

/** The sealed link of a message: only the sender opens it. Fails closed (TS_ERR_DECRYPT_FAILED). */
export function openAction(keks: readonly SymmetricKey[], id: string, sealed: string): string {
  return decrypt(keks, sealed, sealPlace(id)).toString('utf8');
}

/** One address, lower-cased; refuses anything that could smuggle a header or a second recipient. */
export function normaliseAddress(value: string): string {
  const to = value.trim().toLowerCase();
  if (!/^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/.test(to) || to.length > 320)
    throw new TenantscopeError('TS_ERR_VALIDATION', 'the recipient is not one email address');
  return to;
}

/** Owners' addresses of the current workspace (inside `withWorkspace`), for notices sent to owners. */
export async function ownerAddresses(tx: Tx): Promise<string[]> {
  const rows = await tx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.role', '=', 'owner')
    .orderBy('users.email')
    .execute();
  return rows.map((r) => r.email);
}
