import type { DatasetSink } from '../collect/dataset-sink.ts';
import { enqueueEmail, ownerAddresses } from '../delivery/outbox.ts';
import { newId } from '../platform/ids.ts';
import { type Tx, withWorkspace } from '../storage/transactions.ts';
import type { TenantRecord } from '../tenants/tenant-repo.ts';
import type { SyncDeps } from './sync-service.ts';

/** Days before a secret or certificate expires that the workspace owner is told (DESIGN.md, Revocation). */
export const EXPIRY_NOTICE_DAYS = 30;

interface Credential {
  keyId?: string;
  displayName?: string | null;
  endDateTime?: string;
}

/**
 * Watches the `applications` dataset as it streams past, for the app registration Tenantscope
 * signs in with, and keeps its credentials' end dates: Graph lists them without the secret itself.
 */
export function credentialWatcher(clientId: string, inner: DatasetSink) {
  let credentials: Credential[] = [];
  return {
    sink: {
      ...inner,
      async append(dataset: string, items: unknown[]) {
        if (dataset === 'applications') {
          for (const app of items as {
            appId?: string;
            passwordCredentials?: Credential[];
            keyCredentials?: Credential[];
          }[]) {
            if (app.appId === clientId)
              credentials = [...(app.passwordCredentials ?? []), ...(app.keyCredentials ?? [])];
          }
        }
        return inner.append(dataset, items);
      },
    } satisfies DatasetSink,
    seen: () => credentials,
  };
}

/**
 * Records a notification when the connection's credential ends within 30 days. The soonest end
 * date counts: we cannot tell from Graph which of several secrets is ours, so we warn early
 * rather than late. One open notice per tenant (dedupe key), refreshed on every sync.
 */
export async function noteCredentialExpiry(
  deps: SyncDeps,
  tenant: TenantRecord,
  credentials: Credential[],
): Promise<void> {
  const now = deps.clock.now();
  const ends = credentials
    .map((c) => ({ c, end: Date.parse(c.endDateTime ?? '') }))
    .filter(({ end }) => Number.isFinite(end) && end > now.getTime())
    .sort((a, b) => a.end - b.end);
  const first = ends[0];
  if (!first) return;
  const soonest = new Date(first.end);
  const days = Math.floor((soonest.getTime() - now.getTime()) / 86_400_000);
  if (days > EXPIRY_NOTICE_DAYS) return;
  const message = `The credential Tenantscope uses for ${tenant.displayName} expires on ${soonest.toISOString().slice(0, 10)} (in ${days} days). Add a new secret or certificate to the app registration and update the connection.`;
  await withWorkspace(deps.db, tenant.workspaceId, async (tx) => {
    await tx
      .insertInto('notifications')
      .values({
        id: newId(),
        workspace_id: tenant.workspaceId,
        tenant_id: tenant.id,
        kind: 'credentialExpiring',
        message,
        due_at: soonest,
        dedupe_key: `credentialExpiring:${tenant.id}`,
      })
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'dedupe_key'])
          .doUpdateSet({ message, due_at: soonest, dismissed_at: null }),
      )
      .execute();
    await emailOwners(tx, tenant, { id: first.c.keyId ?? first.c.endDateTime ?? '', soonest, days, now });
  });
}

/** Days before the end at which the owners are emailed: once per credential at each threshold crossed. */
export const EXPIRY_EMAIL_THRESHOLDS = [30, 7, 1] as const;

/** The smallest threshold the credential is within (5 days left → 7), or undefined beyond 30 days. */
export function expiryThreshold(daysLeft: number): number | undefined {
  return [...EXPIRY_EMAIL_THRESHOLDS].sort((a, b) => a - b).find((t) => daysLeft <= t);
}

/**
 * Emails each owner of the workspace through the outbox, in the notification's transaction. The
 * dedupe key names the tenant, the credential, the threshold and the owner, so a daily sync sends
 * nothing new until the next threshold is crossed, and a new credential starts over.
 */
async function emailOwners(
  tx: Tx,
  tenant: TenantRecord,
  credential: { id: string; soonest: Date; days: number; now: Date },
): Promise<void> {
  const threshold = expiryThreshold(credential.days);
  if (threshold === undefined) return;
  const date = credential.soonest.toISOString().slice(0, 10);
  const content = {
    subject: `The credential for ${tenant.displayName} expires on ${date}`,
    heading: `A credential expires ${credential.days < 1 ? 'within a day' : `in ${credential.days} day${credential.days === 1 ? '' : 's'}`}`,
    paragraphs: [
      `The secret or certificate Tenantscope uses to read ${tenant.displayName} expires on ${date}. After that, syncs of this tenant stop and it is marked disconnected.`,
      'Add a new client secret or certificate to the app registration in Microsoft Entra, then update the connection in Tenantscope.',
    ],
    details: [
      ['Tenant', tenant.displayName],
      ['Expires', date],
    ] as [string, string][],
  };
  for (const to of await ownerAddresses(tx))
    await enqueueEmail(
      tx,
      {
        workspaceId: tenant.workspaceId,
        kind: 'credentialExpiring',
        to,
        content,
        dedupeKey: `credentialExpiring:${tenant.id}:${credential.id}:${threshold}:${to}`,
      },
      undefined,
      credential.now,
    );
}
