import type { Kysely } from 'kysely';
import { cancelEmails, emailStates, enqueueEmail, normaliseAddress } from '../delivery/outbox.ts';
import type { Clock } from '../platform/clock.ts';
import type { SymmetricKey } from '../platform/crypto.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { hashPassword, verifyPassword } from '../platform/passwords.ts';
import type { EmailStatus, MemberRole, Schema } from '../storage/schema.ts';
import { type Tx, withSystem, withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { findPersonByEmail } from '../workspaces/workspace-repo.ts';
import { checkNewPassword, isLinkToken, linkTokenHash, newLinkToken } from './password-reset-service.ts';
import { resumeSession } from './session-service.ts';
import { ACCOUNT_RULE, IP_RULE, lockedForMs } from './throttle-policy.ts';
import { accountKey, clearThrottle, ipKey, readThrottle, recordFailure } from './throttle-repo.ts';

/** An invitation link works for 7 days, once. */
export const INVITATION_TTL_MS = 7 * 86_400_000;

export interface InvitationDeps {
  db: Kysely<Schema>;
  clock: Clock;
  /** seals the link in the outbox */
  keks?: readonly SymmetricKey[] | undefined;
  /** the link is `${publicUrl}/invite/<token>` */
  publicUrl: string;
}

export interface Inviter {
  workspaceId: string;
  personId: string;
  ip: string;
}

export interface InvitationView {
  id: string;
  email: string;
  role: MemberRole;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  /** the invitation email's state: `pending` with detail "delivery not configured", `sent`… */
  emailStatus: EmailStatus | null;
  emailDetail: string | null;
}

const refOf = (invitationId: string) => `invitation:${invitationId}`;

/**
 * Invites someone by email into the inviter's workspace. Inviting an address that has a pending
 * invitation replaces it: the old link stops working and its unsent email is withdrawn.
 */
export async function createInvitation(
  deps: InvitationDeps,
  by: Inviter,
  input: { email: string; role: MemberRole },
): Promise<InvitationView> {
  if (!deps.keks?.length)
    throw new TenantscopeError('TS_ERR_MASTER_KEY_MISSING', 'invitations need the key-encryption key');
  const email = normaliseAddress(input.email);
  const now = deps.clock.now();
  const token = newLinkToken();
  const row = {
    id: newId(),
    workspace_id: by.workspaceId,
    email,
    role: input.role,
    token_hash: linkTokenHash(token),
    invited_by: by.personId,
    created_at: now,
    expires_at: new Date(now.getTime() + INVITATION_TTL_MS),
  };
  return withWorkspace(deps.db, by.workspaceId, async (tx) => {
    const member = await tx
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('users.id')
      .where('users.email', '=', email)
      .executeTakeFirst();
    if (member) throw new TenantscopeError('TS_ERR_ALREADY_MEMBER', 'this person is already a member');
    const replaced = await tx
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    for (const old of replaced) await cancelEmails(tx, refOf(old.id));
    await tx.insertInto('invitations').values(row).execute();
    const context = await inviteContext(tx, by);
    const emailId = await enqueueEmail(
      tx,
      {
        workspaceId: by.workspaceId,
        kind: 'invitation',
        to: email,
        content: invitationContent({ ...context, role: input.role, expiresAt: row.expires_at }),
        action: { url: `${deps.publicUrl}/invite/${token}`, secret: true },
        ref: refOf(row.id),
        expiresAt: row.expires_at,
      },
      deps.keks,
      now,
    );
    await appendAudit(tx, {
      workspaceId: by.workspaceId,
      actor: by.personId,
      action: 'invitation.created',
      target: row.id,
      ip: by.ip,
      detail: {
        email,
        role: input.role,
        ...(replaced.length ? { replaced: replaced.map((r) => r.id) } : {}),
      },
    });
    return {
      id: row.id,
      email,
      role: input.role,
      invitedBy: by.personId,
      createdAt: now,
      expiresAt: row.expires_at,
      emailStatus: emailId ? 'pending' : null,
      emailDetail: null,
    };
  });
}

async function inviteContext(tx: Tx, by: Inviter): Promise<{ workspace: string; inviter: string }> {
  const ws = await tx
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', by.workspaceId)
    .executeTakeFirst();
  const person = await tx
    .selectFrom('users')
    .select(['email', 'display_name'])
    .where('id', '=', by.personId)
    .executeTakeFirst();
  return {
    workspace: ws?.name ?? 'a workspace',
    inviter: person
      ? person.display_name
        ? `${person.display_name} (${person.email})`
        : person.email
      : 'An owner',
  };
}

function invitationContent(c: { workspace: string; inviter: string; role: MemberRole; expiresAt: Date }) {
  return {
    subject: `You are invited to ${c.workspace}`,
    heading: `Join ${c.workspace} on Tenantscope`,
    paragraphs: [
      `${c.inviter} invited you to the workspace ${c.workspace} on Tenantscope, where your team reviews the security posture, configuration drift and licences of its Microsoft 365 tenants.`,
      'Open the link to accept. If you have no Tenantscope account yet, you choose a password there.',
    ],
    details: [
      ['Workspace', c.workspace],
      ['Role', c.role],
    ] as [string, string][],
    actionLabel: 'Accept the invitation',
    note: `The link works once and expires on ${c.expiresAt.toISOString().slice(0, 10)}. If you did not expect this invitation, ignore this email.`,
  };
}

/** Pending invitations of the current workspace, newest first, with their email's state. */
export async function listInvitations(tx: Tx, now: Date): Promise<InvitationView[]> {
  const rows = await tx
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'invited_by', 'created_at', 'expires_at'])
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  const states = await emailStates(
    tx,
    rows.map((r) => refOf(r.id)),
  );
  return rows.map((r) => {
    const state = states.get(refOf(r.id));
    return {
      id: r.id,
      email: r.email,
      role: r.role,
      invitedBy: r.invited_by,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      emailStatus: state?.status ?? null,
      emailDetail: state?.detail ?? null,
    };
  });
}

/** Revokes a pending invitation of the current workspace; anything else is "not found". */
export async function revokeInvitation(tx: Tx, by: Inviter, id: string, now: Date): Promise<void> {
  const revoked = await tx
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(['email'])
    .executeTakeFirst();
  if (!revoked) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such pending invitation');
  await cancelEmails(tx, refOf(id));
  await appendAudit(tx, {
    workspaceId: by.workspaceId,
    actor: by.personId,
    action: 'invitation.revoked',
    target: id,
    ip: by.ip,
    detail: { email: revoked.email },
  });
}

export interface AcceptInput {
  token: string;
  /** the new account's password, or the existing account's when not signed in as it */
  password?: string | undefined;
  displayName?: string | undefined;
  ip: string;
  /** the session cookie sent with the request, if any */
  sessionCookie?: string | undefined;
}

export interface Accepted {
  person: { id: string; email: string; displayName: string | null };
  workspace: { id: string; slug: string; name: string };
  role: MemberRole;
  newAccount: boolean;
}

/**
 * Accepts an invitation. A new email gets an account (argon2id password); an email that has an
 * account joins only with proof it is that person: their live session, or their password, which
 * goes through the sign-in lockout like any password guess. The invitation is used up, the
 * person (if new) created, the membership added and the audit entry written in one transaction:
 * the invitation names its workspace, and no workspace context exists before, so it runs in
 * withSystem and writes that workspace id explicitly.
 */
export async function acceptInvitation(deps: InvitationDeps, input: AcceptInput): Promise<Accepted> {
  const invalid = () =>
    new TenantscopeError('TS_ERR_INVITATION_INVALID', 'this invitation link is not valid (any more)');
  if (!isLinkToken(input.token)) throw invalid();
  const now = deps.clock.now();
  const invitation = await withSystem(deps.db, (tx) =>
    tx
      .selectFrom('invitations as i')
      .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
      .select(['i.id', 'i.email', 'i.role', 'i.workspace_id', 'w.slug', 'w.name'])
      .where('i.token_hash', '=', linkTokenHash(input.token))
      .where('i.accepted_at', 'is', null)
      .where('i.revoked_at', 'is', null)
      .where('i.expires_at', '>', now)
      .executeTakeFirst(),
  );
  if (!invitation) throw invalid();
  const existing = await withSystem(deps.db, (tx) => findPersonByEmail(tx, invitation.email));
  let passwordHash: string | undefined;
  if (existing) await proveIdentity(deps, existing, input);
  else {
    if (input.password === undefined)
      throw new TenantscopeError('TS_ERR_PASSWORD_POLICY', 'choose a password for the new account');
    checkNewPassword(input.password);
    passwordHash = await hashPassword(input.password);
  }
  const personId = existing?.id ?? newId();
  const displayName = existing ? existing.displayName : input.displayName?.trim() || null;
  const ok = await withSystem(deps.db, async (tx) => {
    const claimed = await tx
      .updateTable('invitations')
      .set({ accepted_at: now })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return false;
    if (passwordHash)
      await tx
        .insertInto('users')
        .values({
          id: personId,
          email: invitation.email,
          display_name: displayName,
          password_hash: passwordHash,
        })
        .execute();
    await tx
      .updateTable('invitations')
      .set({ accepted_by: personId })
      .where('id', '=', invitation.id)
      .execute();
    // an existing member keeps the role they have: an invitation never demotes anyone
    await tx
      .insertInto('memberships')
      .values({ workspace_id: invitation.workspace_id, user_id: personId, role: invitation.role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    await appendAudit(tx, {
      workspaceId: invitation.workspace_id,
      actor: personId,
      action: 'invitation.accepted',
      target: invitation.id,
      ip: input.ip,
      detail: { email: invitation.email, role: invitation.role, newAccount: !existing },
    });
    return true;
  });
  if (!ok) throw invalid();
  return {
    person: { id: personId, email: invitation.email, displayName },
    workspace: { id: invitation.workspace_id, slug: invitation.slug, name: invitation.name },
    role: invitation.role,
    newAccount: !existing,
  };
}

/** The invited email has an account: the caller must be signed in as it, or know its password. */
async function proveIdentity(
  deps: InvitationDeps,
  person: { id: string; email: string; passwordHash: string | null },
  input: AcceptInput,
): Promise<void> {
  const session = await resumeSession(deps, input.sessionCookie);
  if (session?.userId === person.id) return;
  if (input.password === undefined)
    throw new TenantscopeError(
      'TS_ERR_INVITATION_SIGN_IN_REQUIRED',
      'this email already has an account: sign in as that person, or give its password',
    );
  const keys = [accountKey(person.email), ipKey(input.ip)] as const;
  const now = deps.clock.now();
  const counters = await readThrottle(deps.db, [...keys]);
  const waitMs = Math.max(...keys.map((k) => lockedForMs(counters.get(k), now)));
  if (waitMs > 0)
    throw new TenantscopeError(
      'TS_ERR_SIGNIN_LOCKED',
      `too many failed sign-ins; try again in ${Math.ceil(waitMs / 1000)} s`,
    );
  if (person.passwordHash && (await verifyPassword(person.passwordHash, input.password))) {
    await clearThrottle(deps.db, keys[0]);
    return;
  }
  await recordFailure(
    deps.db,
    [
      { key: keys[0], rule: ACCOUNT_RULE },
      { key: keys[1], rule: IP_RULE },
    ],
    now,
  );
  throw new TenantscopeError('TS_ERR_SIGNIN_FAILED', 'the password is wrong');
}
