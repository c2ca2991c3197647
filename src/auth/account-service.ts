import type { Kysely } from 'kysely';
import { enqueueEmail } from '../delivery/outbox.ts';
import type { Clock } from '../platform/clock.ts';
import type { SymmetricKey } from '../platform/crypto.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { hashPassword, verifyPassword } from '../platform/passwords.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem } from '../storage/transactions.ts';
import { setPasswordHash } from '../workspaces/workspace-repo.ts';
import { checkNewPassword } from './password-reset-service.ts';
import {
  type DeviceSession,
  deleteOtherSessions,
  deleteSessionOf,
  liveSessionsOf,
  renameSession,
  type SessionRow,
} from './session-repo.ts';
import { newSessionToken, sessionIdOf } from './session-tokens.ts';
import { auditPerson, countFailure, refuseIfLocked } from './sign-in-service.ts';
import { accountKey } from './throttle-repo.ts';
import { checkSecondFactor, replaceRecoveryCodes, type SecondFactorInput } from './totp-service.ts';

/**
 * What a signed-in person does to their own account: change their password, make new recovery
 * codes, see and end their other sessions. Every step that proves who they are again (the
 * current password, a code) is checked against the sign-in lockout and counted as a failed
 * sign-in when wrong, so a stolen session cookie cannot be used to guess either.
 */
export interface AccountDeps {
  db: Kysely<Schema>;
  clock: Clock;
  keks?: readonly SymmetricKey[] | undefined;
  /** where people reach Tenantscope: the notice email links to `${publicUrl}/forgot-password` */
  publicUrl: string;
}

/** The caller: their session (by its hashed id) and who they are. */
type Caller = Pick<SessionRow, 'id' | 'publicId' | 'userId' | 'email'>;

export interface PasswordChange extends SecondFactorInput {
  currentPassword: string;
  newPassword: string;
  ip: string;
}

/**
 * Changes the caller's password. Order: the new password's rule (nothing is guessed by failing
 * it), the lockout, the current password, the second factor when it is on, then one transaction:
 * the new hash, the caller's session renamed to a new cookie, every other session ended, every
 * unused reset link used up, the account's lockout cleared, and a notice email in the outbox.
 *
 * Why the code when two-step sign-in is on: the change ends every other session, the rightful
 * owner's included, and a password is the factor most often phished or reused. Without the code,
 * someone holding a copied session cookie and a leaked password could take the account's
 * password and sign its owner out everywhere; with it, they also need the phone.
 *
 * Why a new cookie for the caller: a copy of the old cookie (the very thing a person fears when
 * they change a password) would otherwise keep working in someone else's browser.
 */
export async function changePassword(
  deps: AccountDeps,
  caller: Caller,
  input: PasswordChange,
): Promise<{ token: string; otherSessionsEnded: number }> {
  const stored = await withSystem(deps.db, (tx) =>
    tx
      .selectFrom('users')
      .select(['email', 'password_hash'])
      .where('id', '=', caller.userId)
      .executeTakeFirst(),
  );
  if (!stored?.password_hash)
    throw new TenantscopeError(
      'TS_ERR_PASSWORD_NOT_SET',
      'this account has no password yet: it signs in with Microsoft only',
    );
  checkNewPassword(input.newPassword);
  const keys = await refuseIfLocked(deps, stored.email, input.ip);
  if (!(await verifyPassword(stored.password_hash, input.currentPassword))) {
    await countFailure(deps, keys, caller.userId, input.ip);
    throw new TenantscopeError('TS_ERR_CURRENT_PASSWORD_WRONG', 'the current password is wrong');
  }
  if (input.newPassword === input.currentPassword)
    throw new TenantscopeError('TS_ERR_PASSWORD_POLICY', 'the new password is the same as the current one');
  const factor = await checkSecondFactor(deps, caller.userId, input);
  if (factor === 'missing')
    throw new TenantscopeError(
      'TS_ERR_SECOND_FACTOR_REQUIRED',
      'two-step sign-in is on: changing the password needs a code from your authenticator app',
    );
  if (factor === 'wrong') {
    await countFailure(deps, keys, caller.userId, input.ip);
    throw new TenantscopeError('TS_ERR_SECOND_FACTOR_INVALID', 'the code is wrong or was already used');
  }

  // argon2id outside the transaction: the embedded database serialises connections
  const passwordHash = await hashPassword(input.newPassword);
  const token = newSessionToken();
  const now = deps.clock.now();
  const ended = await withSystem(deps.db, async (tx) => {
    if (!(await renameSession(tx, caller.id, sessionIdOf(token)))) return undefined;
    await setPasswordHash(tx, caller.userId, passwordHash);
    const sessions = await deleteOtherSessions(tx, caller.userId, sessionIdOf(token));
    const links = await tx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', caller.userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    await tx.deleteFrom('sign_in_throttle').where('key', '=', accountKey(stored.email)).execute();
    await enqueueEmail(
      tx,
      {
        workspaceId: null,
        kind: 'passwordChanged',
        to: stored.email,
        content: passwordChangedContent(stored.email, now, input.ip, sessions),
        action: { url: `${deps.publicUrl}/forgot-password`, secret: false },
      },
      deps.keks,
      now,
    );
    return { sessions, links: Number(links.numUpdatedRows) };
  });
  // the session ended between the request's check and now (signed out in another tab)
  if (!ended) throw new TenantscopeError('TS_ERR_UNAUTHENTICATED', 'the session ended; sign in again');
  await auditPerson(deps, caller.userId, 'session.password_changed', input.ip, {
    otherSessionsEnded: ended.sessions,
    resetLinksCancelled: ended.links,
  });
  return { token, otherSessionsEnded: ended.sessions };
}

function passwordChangedContent(email: string, at: Date, ip: string, sessionsEnded: number) {
  const when = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return {
    subject: 'Your password was changed',
    heading: 'Your Tenantscope password was changed',
    paragraphs: [
      `The password of ${email} was changed at ${when}, by someone signed in to the account.`,
      sessionsEnded === 0
        ? 'No other session was signed in.'
        : `${sessionsEnded === 1 ? 'One other session was' : `${sessionsEnded} other sessions were`} signed out.`,
      'If it was you, nothing more is needed. If it was not, choose a new password with the link below at once, and tell an owner of your workspace.',
    ],
    details: [['From address', ip]] as [string, string][],
    actionLabel: 'Reset your password',
  };
}

/**
 * Ten new recovery codes in place of the old ones (used or not), without turning two-step
 * sign-in off: needs a current code from the authenticator app — not a recovery code, so a
 * person who has only recovery codes left cannot quietly make themselves more. A wrong code
 * counts as a failed sign-in, as at sign-in.
 */
export async function renewRecoveryCodes(
  deps: AccountDeps,
  caller: Caller,
  input: { totpCode: string; ip: string },
): Promise<{ recoveryCodes: string[] }> {
  const keys = await refuseIfLocked(deps, caller.email, input.ip);
  const outcome = await checkSecondFactor(deps, caller.userId, { totpCode: input.totpCode });
  if (outcome === 'none')
    throw new TenantscopeError('TS_ERR_SECOND_FACTOR_STATE', 'two-step sign-in is not on for this account');
  if (outcome !== 'ok') {
    await countFailure(deps, keys, caller.userId, input.ip);
    throw new TenantscopeError('TS_ERR_SECOND_FACTOR_INVALID', 'the code is wrong or was already used');
  }
  const recoveryCodes = await withSystem(deps.db, (tx) => replaceRecoveryCodes(tx, caller.userId));
  await auditPerson(deps, caller.userId, 'session.totp_recovery_codes_renewed', input.ip);
  return { recoveryCodes };
}

export interface DeviceSessionView extends DeviceSession {
  current: boolean;
}

/** The caller's live sessions, the one making the request marked. */
export async function listSessions(deps: AccountDeps, caller: Caller): Promise<DeviceSessionView[]> {
  const sessions = await liveSessionsOf(deps.db, caller.userId, deps.clock.now());
  return sessions.map((s) => ({ ...s, current: s.publicId === caller.publicId }));
}

/**
 * Ends one of the caller's other sessions. Their own current session is refused (signing out is
 * `DELETE /api/session`, which also clears the cookie); anyone else's id is "not found".
 */
export async function endSession(
  deps: AccountDeps,
  caller: Caller,
  publicId: string,
  ip: string,
): Promise<void> {
  if (publicId === caller.publicId)
    throw new TenantscopeError(
      'TS_ERR_SESSION_CURRENT',
      'this is the session you are using: sign out instead',
    );
  const ended = await deleteSessionOf(deps.db, caller.userId, publicId, deps.clock.now());
  if (!ended) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such session');
  await auditPerson(deps, caller.userId, 'session.ended_elsewhere', ip, {
    device: ended.deviceLabel ?? 'unknown device',
  });
}
