import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import type { SymmetricKey } from '../platform/crypto.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { hashPassword, verifyPassword } from '../platform/passwords.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem, withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { findPersonByEmail, type Person } from '../workspaces/workspace-repo.ts';
import { deviceLabel } from './device-label.ts';
import {
  deleteSession,
  insertSession,
  purgeExpiredSessions,
  type SessionRow,
  selectWorkspace,
  type WorkspaceChoice,
  workspacesOf,
} from './session-repo.ts';
import { newSessionToken, sessionIdOf } from './session-tokens.ts';
import { ACCOUNT_RULE, IP_RULE, lockedForMs } from './throttle-policy.ts';
import { accountKey, clearThrottle, ipKey, readThrottle, recordFailure } from './throttle-repo.ts';
import { checkSecondFactor, type SecondFactorInput } from './totp-service.ts';

export interface AuthDeps {
  db: Kysely<Schema>;
  clock: Clock;
  /** the key-encryption keys, to open second-factor secrets (src/auth/totp-service.ts) */
  keks?: readonly SymmetricKey[] | undefined;
}

export interface SignedIn {
  /** the cookie value: returned once, to be set as an HTTP-only cookie, never stored */
  token: string;
  person: Person;
  workspaces: WorkspaceChoice[];
  workspace: WorkspaceChoice | null;
}

/**
 * A hash to verify against when the email is unknown, so an unknown account costs the same
 * argon2id time as a wrong password and the answer's timing does not tell who has an account.
 */
let decoyHash: Promise<string> | undefined;
const decoy = () => {
  decoyHash ??= hashPassword('tenantscope decoy password, never valid');
  return decoyHash;
};

/**
 * Email + password sign-in. Order matters: the lock is checked before the password (a locked
 * account cannot be probed), the password is verified outside any transaction (argon2id takes
 * tens of milliseconds and the embedded database serialises connections), and failures count
 * against both the account and the address whether or not the account exists.
 */
export async function signIn(
  deps: AuthDeps,
  input: {
    email: string;
    password: string;
    ip: string;
    workspaceId?: string | undefined;
    userAgent?: string | undefined;
  } & SecondFactorInput,
): Promise<SignedIn> {
  const email = input.email.trim().toLowerCase();
  const keys = await refuseIfLocked(deps, email, input.ip);
  const person = await withSystem(deps.db, (tx) => findPersonByEmail(tx, email));
  const ok = person?.passwordHash
    ? await verifyPassword(person.passwordHash, input.password)
    : (await verifyPassword(await decoy(), input.password)) && false;
  const fail = async (error: TenantscopeError): Promise<never> => {
    await countFailure(deps, keys, person?.id, input.ip);
    throw error;
  };
  if (!person || !ok)
    return fail(new TenantscopeError('TS_ERR_SIGNIN_FAILED', 'the email or the password is wrong'));
  // Asking for the code is not a failure (the password was right); a wrong code counts like a
  // wrong password, so the lockout also bounds guessing the six digits.
  const factor = await checkSecondFactor(deps, person.id, input);
  if (factor === 'missing')
    throw new TenantscopeError('TS_ERR_SECOND_FACTOR_REQUIRED', 'enter the code from your authenticator app');
  if (factor === 'wrong')
    return fail(
      new TenantscopeError('TS_ERR_SECOND_FACTOR_INVALID', 'the code is wrong or was already used'),
    );

  await clearThrottle(deps.db, keys[0]);
  return openSession(deps, person, {
    ip: input.ip,
    workspaceId: input.workspaceId,
    userAgent: input.userAgent,
  });
}

/**
 * A new session for a person whose sign-in was proved (password, or a verified Microsoft
 * id_token): ended sessions purged, the chosen (or oldest) workspace selected, the sign-in
 * audited there. `detail` says how, for sign-ins other than the password.
 */
export async function openSession(
  deps: AuthDeps,
  person: Person,
  input: {
    ip: string;
    workspaceId?: string | undefined;
    /** only a short label derived from it is stored (device-label.ts) */
    userAgent?: string | undefined;
    detail?: Record<string, unknown>;
  },
): Promise<SignedIn> {
  const now = deps.clock.now();
  await purgeExpiredSessions(deps.db, now);
  const workspaces = await workspacesOf(deps.db, person.id);
  const workspace = workspaces.find((w) => w.id === input.workspaceId) ?? workspaces[0] ?? null;
  const token = newSessionToken();
  await insertSession(deps.db, {
    id: sessionIdOf(token),
    userId: person.id,
    workspaceId: workspace?.id ?? null,
    now,
    ip: input.ip,
    deviceLabel: deviceLabel(input.userAgent),
  });
  if (workspace) await audit(deps, workspace.id, person.id, 'session.signed_in', input.ip, input.detail);
  return {
    token,
    person: { id: person.id, email: person.email, displayName: person.displayName },
    workspaces,
    workspace,
  };
}

/**
 * The signed-in person types their password again before a change that adds a way in (linking
 * a Microsoft account), so a stolen session cookie alone cannot make itself permanent. Checked
 * against the same lockout as sign-in; a wrong password counts as a failed sign-in.
 */
export async function confirmPassword(
  deps: AuthDeps,
  input: { userId: string; email: string; password: string; ip: string },
): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const keys = await refuseIfLocked(deps, email, input.ip);
  const person = await withSystem(deps.db, (tx) => findPersonByEmail(tx, email));
  const ok =
    person?.id === input.userId && person.passwordHash
      ? await verifyPassword(person.passwordHash, input.password)
      : false;
  if (ok) return;
  await countFailure(deps, keys, input.userId, input.ip);
  throw new TenantscopeError('TS_ERR_SIGNIN_FAILED', 'the password is wrong');
}

/** The account's and the address's counters; a locked one refuses before any password is checked. */
export async function refuseIfLocked(deps: AuthDeps, email: string, ip: string): Promise<[string, string]> {
  const now = deps.clock.now();
  const keys: [string, string] = [accountKey(email), ipKey(ip)];
  const counters = await readThrottle(deps.db, keys);
  const waitMs = Math.max(...keys.map((k) => lockedForMs(counters.get(k), now)));
  if (waitMs > 0) throw lockedError(waitMs);
  return keys;
}

/** One failure on the account and the address, audited for the person when there is one. */
export async function countFailure(
  deps: AuthDeps,
  keys: [string, string],
  personId: string | undefined,
  ip: string,
): Promise<void> {
  const now = deps.clock.now();
  const [account] = await recordFailure(
    deps.db,
    [
      { key: keys[0], rule: ACCOUNT_RULE },
      { key: keys[1], rule: IP_RULE },
    ],
    now,
  );
  if (personId) await auditFailure(deps, personId, ip, account?.lockedUntil ?? null, now);
}

export async function signOut(deps: AuthDeps, session: SessionRow, ip: string): Promise<void> {
  await deleteSession(deps.db, session.id);
  if (session.selectedWorkspaceId && session.role)
    await audit(deps, session.selectedWorkspaceId, session.userId, 'session.signed_out', ip);
}

/** Switches the session to another workspace of the same person; any other id is "not found". */
export async function switchWorkspace(
  deps: AuthDeps,
  session: SessionRow,
  workspaceId: string,
  ip: string,
): Promise<WorkspaceChoice> {
  const choice = (await workspacesOf(deps.db, session.userId)).find((w) => w.id === workspaceId);
  if (!choice) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such workspace');
  await selectWorkspace(deps.db, session.id, choice.id);
  await audit(deps, choice.id, session.userId, 'session.workspace_selected', ip);
  return choice;
}

function lockedError(waitMs: number): TenantscopeError {
  const seconds = Math.ceil(waitMs / 1000);
  const error = new TenantscopeError(
    'TS_ERR_SIGNIN_LOCKED',
    `too many failed sign-ins; try again in ${seconds} s`,
  ) as TenantscopeError & { retryAfterSeconds: number };
  error.retryAfterSeconds = seconds;
  return error;
}

/** Owners of every workspace the person belongs to see failed attempts on their member. */
async function auditFailure(
  deps: AuthDeps,
  userId: string,
  ip: string,
  lockedUntil: Date | null,
  now: Date,
): Promise<void> {
  const detail = lockedUntil && lockedUntil > now ? { lockedUntil: lockedUntil.toISOString() } : {};
  await auditPerson(deps, userId, 'session.sign_in_failed', ip, detail);
}

/** Account-level events (a failed sign-in, a second factor turned on or off) are seen by every workspace of the person. */
export async function auditPerson(
  deps: AuthDeps,
  userId: string,
  action: string,
  ip: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  for (const w of await workspacesOf(deps.db, userId)) await audit(deps, w.id, userId, action, ip, detail);
}

async function audit(
  deps: AuthDeps,
  workspaceId: string,
  actor: string,
  action: string,
  ip: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await withWorkspace(deps.db, workspaceId, (tx) =>
    appendAudit(tx, { workspaceId, actor, action, target: actor, ip, detail }),
  );
}
