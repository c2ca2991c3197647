import { createHash, randomBytes } from 'node:crypto';
import type { CloudName } from '../connectors/clouds.ts';
import { TenantscopeError } from '../platform/errors.ts';
import type { Tx } from '../storage/transactions.ts';

/**
 * The `state` of an admin-consent or delegated sign-in (RFC 6749 §10.12): 32 random bytes that
 * travel through the browser and come back on the redirect. Only its SHA-256 is stored, with the
 * workspace and the person who started it, so a leaked database row cannot complete a sign-in,
 * and a redirect carrying someone else's state is refused. Redeeming deletes the row: single use.
 */
export const STATE_LIFETIME_MS = 10 * 60_000;

export type ConnectPurpose = 'admin-consent' | 'arm-delegated';

export interface PendingConnect {
  purpose: ConnectPurpose;
  actor: string;
  microsoftTenantId: string;
  cloud: CloudName;
  endpoints: { authorityHost?: string; graphUrl?: string; armUrl?: string };
  redirectUri: string;
  displayName: string | null;
}

export const hashState = (state: string): string => createHash('sha256').update(state).digest('hex');

export async function createState(
  tx: Tx,
  workspaceId: string,
  pending: PendingConnect,
  now: Date,
): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  await tx
    .insertInto('connect_states')
    .values({
      state_hash: hashState(state),
      workspace_id: workspaceId,
      actor: pending.actor,
      purpose: pending.purpose,
      microsoft_tenant_id: pending.microsoftTenantId,
      cloud: pending.cloud,
      endpoints: JSON.stringify(pending.endpoints),
      redirect_uri: pending.redirectUri,
      display_name: pending.displayName,
      expires_at: new Date(now.getTime() + STATE_LIFETIME_MS),
    })
    .execute();
  // Expired states are of no use to anyone: drop them as new ones are made.
  await tx.deleteFrom('connect_states').where('expires_at', '<', now).execute();
  return state;
}

/**
 * Takes the state back, once: the row is deleted (and committed) before anything is checked, so
 * a state that fails a check — expired, another person's, another flow's — is spent all the same.
 */
export async function spendState(tx: Tx, state: string) {
  return tx
    .deleteFrom('connect_states')
    .where('state_hash', '=', hashState(state))
    .returningAll()
    .executeTakeFirst();
}

/** Unknown, expired, another person's or another purpose's state is `TS_ERR_CONNECT_STATE`. */
export function checkState(
  row: Awaited<ReturnType<typeof spendState>>,
  expect: { actor: string; purpose?: ConnectPurpose },
  now: Date,
): PendingConnect {
  const refuse = (why: string) => new TenantscopeError('TS_ERR_CONNECT_STATE', why);
  if (!row) throw refuse('this sign-in link is unknown or was used already');
  if (row.expires_at.getTime() <= now.getTime()) throw refuse('this sign-in link has expired');
  if (row.actor !== expect.actor) throw refuse('this sign-in was started by someone else');
  if (expect.purpose && row.purpose !== expect.purpose)
    throw refuse(`this sign-in link was made for ${row.purpose}`);
  return {
    purpose: row.purpose,
    actor: row.actor,
    microsoftTenantId: row.microsoft_tenant_id,
    cloud: row.cloud as CloudName,
    endpoints: (row.endpoints ?? {}) as PendingConnect['endpoints'],
    redirectUri: row.redirect_uri,
    displayName: row.display_name,
  };
}

/** Which flow a state belongs to, without spending it (the callback serves both flows). */
export async function peekPurpose(tx: Tx, state: string): Promise<ConnectPurpose | undefined> {
  const row = await tx
    .selectFrom('connect_states')
    .select('purpose')
    .where('state_hash', '=', hashState(state))
    .executeTakeFirst();
  return row?.purpose;
}
