import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { TenantscopeError } from '../platform/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem } from '../storage/transactions.ts';
import type { Person } from '../workspaces/workspace-repo.ts';
import type { MicrosoftIdentity } from './microsoft-id-token.ts';
import { hashState } from './microsoft-sign-in-fns.ts';

/**
 * The two system tables of sign-in with Microsoft (0010_microsoft_sign_in.sql): pending flows
 * (`microsoft_sign_in_states`) and the people's linked Entra identities. Everything runs in
 * withSystem and touches only the row named by a hashed state, by (tid, oid), or by the person.
 */
export const FLOW_LIFETIME_MS = 10 * 60_000;

export type FlowPurpose = 'sign-in' | 'link';

export interface PendingFlow {
  purpose: FlowPurpose;
  /** link: the person who asked; null for a sign-in */
  userId: string | null;
  nextPath: string | null;
  redirectUri: string;
  expiresAt: Date;
}

/** A fresh `state` (32 random bytes); only its SHA-256 is stored. Expired rows go as new ones come. */
export async function createFlow(
  db: Kysely<Schema>,
  flow: Omit<PendingFlow, 'expiresAt'>,
  now: Date,
): Promise<{ state: string; expiresAt: Date }> {
  const state = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + FLOW_LIFETIME_MS);
  await withSystem(db, async (tx) => {
    await tx.deleteFrom('microsoft_sign_in_states').where('expires_at', '<', now).execute();
    await tx
      .insertInto('microsoft_sign_in_states')
      .values({
        state_hash: hashState(state),
        purpose: flow.purpose,
        user_id: flow.userId,
        next_path: flow.nextPath,
        redirect_uri: flow.redirectUri,
        expires_at: expiresAt,
        created_at: now,
      })
      .execute();
  });
  return { state, expiresAt };
}

/**
 * Takes a flow back, once: the row is deleted (and committed) before anything is checked, so a
 * state that then fails a check (expired, another browser's, another person's) is spent as well.
 */
export async function spendFlow(db: Kysely<Schema>, state: string, now: Date): Promise<PendingFlow> {
  const row = await withSystem(db, (tx) =>
    tx
      .deleteFrom('microsoft_sign_in_states')
      .where('state_hash', '=', hashState(state))
      .returningAll()
      .executeTakeFirst(),
  );
  const refuse = (why: string) => new TenantscopeError('TS_ERR_MICROSOFT_SIGN_IN_STATE', why);
  if (!row) throw refuse('this Microsoft sign-in is unknown or was used already');
  if (row.expires_at.getTime() <= now.getTime())
    throw refuse('this Microsoft sign-in is older than 10 minutes');
  return {
    purpose: row.purpose,
    userId: row.user_id,
    nextPath: row.next_path,
    redirectUri: row.redirect_uri,
    expiresAt: row.expires_at,
  };
}

export interface LinkedIdentity {
  tenantId: string;
  objectId: string;
  upn: string | null;
  linkedAt: Date;
  lastSignInAt: Date | null;
}

/** The person who linked exactly this (tid, oid); never looked up by any other claim. */
export async function findLinkedPerson(
  db: Kysely<Schema>,
  identity: Pick<MicrosoftIdentity, 'tenantId' | 'objectId'>,
): Promise<Person | undefined> {
  const row = await withSystem(db, (tx) =>
    tx
      .selectFrom('user_microsoft_identities as l')
      .innerJoin('users as u', 'u.id', 'l.user_id')
      .select(['u.id', 'u.email', 'u.display_name'])
      .where('l.entra_tenant_id', '=', identity.tenantId)
      .where('l.entra_object_id', '=', identity.objectId)
      .executeTakeFirst(),
  );
  return row && { id: row.id, email: row.email, displayName: row.display_name };
}

export async function findLink(db: Kysely<Schema>, userId: string): Promise<LinkedIdentity | undefined> {
  const row = await withSystem(db, (tx) =>
    tx.selectFrom('user_microsoft_identities').selectAll().where('user_id', '=', userId).executeTakeFirst(),
  );
  return row && toLinked(row);
}

/**
 * Links (or re-links) the person's one Microsoft identity. An identity another person holds is
 * refused; the unique index backs the check when two links race.
 */
export async function saveLink(
  db: Kysely<Schema>,
  userId: string,
  identity: MicrosoftIdentity,
  now: Date,
): Promise<void> {
  const values = {
    entra_tenant_id: identity.tenantId,
    entra_object_id: identity.objectId,
    display_upn: identity.upn,
    linked_at: now,
    last_sign_in_at: null,
  };
  try {
    await withSystem(db, async (tx) => {
      const holder = await tx
        .selectFrom('user_microsoft_identities')
        .select('user_id')
        .where('entra_tenant_id', '=', identity.tenantId)
        .where('entra_object_id', '=', identity.objectId)
        .executeTakeFirst();
      if (holder && holder.user_id !== userId) throw linkedElsewhere();
      await tx
        .insertInto('user_microsoft_identities')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw linkedElsewhere();
    throw error;
  }
}

const linkedElsewhere = () =>
  new TenantscopeError(
    'TS_ERR_MICROSOFT_ACCOUNT_LINKED_ELSEWHERE',
    'this Microsoft account is linked to another Tenantscope person',
  );

/** Removes the person's link; returns what it was, or undefined when there was none. */
export async function deleteLink(db: Kysely<Schema>, userId: string): Promise<LinkedIdentity | undefined> {
  const row = await withSystem(db, (tx) =>
    tx
      .deleteFrom('user_microsoft_identities')
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst(),
  );
  return row && toLinked(row);
}

function toLinked(row: Selectable<Schema['user_microsoft_identities']>): LinkedIdentity {
  return {
    tenantId: row.entra_tenant_id,
    objectId: row.entra_object_id,
    upn: row.display_upn,
    linkedAt: row.linked_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

export async function touchLink(db: Kysely<Schema>, userId: string, now: Date): Promise<void> {
  await withSystem(db, (tx) =>
    tx
      .updateTable('user_microsoft_identities')
      .set({ last_sign_in_at: now })
      .where('user_id', '=', userId)
      .execute(),
  );
}
