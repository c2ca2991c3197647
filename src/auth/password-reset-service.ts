import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { enqueueEmail } from '../delivery/outbox.ts';
import type { Clock } from '../platform/clock.ts';
import { encrypt, type SymmetricKey } from '../platform/crypto.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { hashPassword } from '../platform/passwords.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem } from '../storage/transactions.ts';
import { findPersonByEmail, setPasswordHash } from '../workspaces/workspace-repo.ts';
import { auditPerson } from './sign-in-service.ts';
import { accountKey } from './throttle-repo.ts';

/**
 * Links sent by email (invitations, password resets) carry 32 random bytes, base64url; only
 * their SHA-256 is stored, as for session cookies (src/auth/session-tokens.ts): a copy of the
 * database opens no link, and a fast hash is right for a uniformly random input.
 */
export const newLinkToken = (): string => randomBytes(32).toString('base64url');
export const linkTokenHash = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');
export const isLinkToken = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);

/** The password rule everywhere a password is chosen: the same 12 characters the demo demands. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

export function checkNewPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)
    throw new TenantscopeError(
      'TS_ERR_PASSWORD_POLICY',
      `a password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
    );
}

/** A reset link works for 30 minutes, once (OWASP Forgot Password Cheat Sheet: short-lived, single use). */
export const RESET_TTL_MS = 30 * 60_000;
/** At most this many reset emails per address typed in a window; more requests do nothing, silently. */
export const RESET_PER_EMAIL = { max: 3, windowMs: 15 * 60_000 };

export interface PasswordResetDeps {
  db: Kysely<Schema>;
  clock: Clock;
  /** seals the link in the outbox */
  keks?: readonly SymmetricKey[] | undefined;
  /** where people reach Tenantscope: the link is `${publicUrl}/reset-password/<token>` */
  publicUrl: string;
}

const emailHash = (email: string) => createHash('sha256').update(email, 'utf8').digest('hex');

/**
 * Asks for a reset link. Says nothing about whether the email has an account: the caller answers
 * 202 with the same body whatever happens here, and both paths do the same work — one lookup, a
 * fresh token, one sealing, one transaction that counts and inserts a row (for an unknown email a
 * decoy row that can never be redeemed) — the way sign-in spends a decoy argon2id verification.
 */
export async function requestPasswordReset(
  deps: PasswordResetDeps,
  input: { email: string; ip: string },
): Promise<void> {
  const kek = deps.keks?.[0];
  if (!kek)
    throw new TenantscopeError('TS_ERR_MASTER_KEY_MISSING', 'password reset needs the key-encryption key');
  const email = input.email.trim().toLowerCase();
  const now = deps.clock.now();
  const person = await withSystem(deps.db, (tx) => findPersonByEmail(tx, email));
  const token = newLinkToken();
  const id = newId();
  const link = `${deps.publicUrl}/reset-password/${token}`;
  const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
  await withSystem(deps.db, async (tx) => {
    await tx
      .deleteFrom('password_resets')
      .where('created_at', '<', new Date(now.getTime() - 86_400_000))
      .execute();
    const recent = await tx
      .selectFrom('password_resets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('email_hash', '=', emailHash(email))
      .where('created_at', '>', new Date(now.getTime() - RESET_PER_EMAIL.windowMs))
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= RESET_PER_EMAIL.max) return;
    await tx
      .insertInto('password_resets')
      .values({
        id,
        token_hash: linkTokenHash(token),
        email_hash: emailHash(email),
        user_id: person?.id ?? null,
        requested_ip: input.ip,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    if (!person) {
      encrypt(kek, link, `outbox:${id}:action`); // the decoy's share of the sealing work
      return;
    }
    await enqueueEmail(
      tx,
      {
        workspaceId: null,
        kind: 'passwordReset',
        to: person.email,
        content: resetContent(expiresAt),
        action: { url: link, secret: true },
        ref: `passwordReset:${id}`,
        expiresAt,
      },
      deps.keks,
      now,
    );
  });
}

function resetContent(expiresAt: Date) {
  return {
    subject: 'Reset your password',
    heading: 'Reset your Tenantscope password',
    paragraphs: [
      'Someone — we hope you — asked to reset the password of your Tenantscope account.',
      'If it was not you, ignore this email: your password stays as it is.',
    ],
    actionLabel: 'Choose a new password',
    note: `The link works once and expires at ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Choosing a new password signs you out everywhere.`,
  };
}

/**
 * Sets a new password with a reset link: the link is used up, every other unused link of the
 * person too, every session of theirs ends, their sign-in lockout is cleared, and each of their
 * workspaces gets an audit entry. Their second factor, if on, is still asked at the next sign-in.
 */
export async function confirmPasswordReset(
  deps: PasswordResetDeps,
  input: { token: string; password: string; ip: string },
): Promise<{ personId: string }> {
  checkNewPassword(input.password);
  const invalid = () =>
    new TenantscopeError('TS_ERR_RESET_TOKEN_INVALID', 'this reset link is not valid (any more)');
  if (!isLinkToken(input.token)) throw invalid();
  const hash = linkTokenHash(input.token);
  const now = deps.clock.now();
  const live = await withSystem(deps.db, (tx) =>
    tx
      .selectFrom('password_resets')
      .select(['id', 'user_id'])
      .where('token_hash', '=', hash)
      .where('user_id', 'is not', null)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst(),
  );
  if (!live?.user_id) throw invalid();
  // argon2id outside the transaction: the embedded database serialises connections
  const passwordHash = await hashPassword(input.password);
  const personId = await withSystem(deps.db, async (tx) => {
    const claimed = await tx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('id', '=', live.id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    const userId = claimed?.user_id;
    if (!userId) return undefined;
    await tx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    await setPasswordHash(tx, userId, passwordHash);
    await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    const person = await tx
      .selectFrom('users')
      .select('email')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    await tx.deleteFrom('sign_in_throttle').where('key', '=', accountKey(person.email)).execute();
    return userId;
  });
  if (!personId) throw invalid();
  await auditPerson(deps, personId, 'session.password_reset', input.ip);
  return { personId };
}
