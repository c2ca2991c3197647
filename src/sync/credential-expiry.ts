import type { DatasetSink } from '../collect/dataset-sink.ts';
import { newId } from '../platform/ids.ts';
import { withWorkspace } from '../storage/transactions.ts';
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
    .map((c) => Date.parse(c.endDateTime ?? ''))
    .filter((t) => Number.isFinite(t) && t > now.getTime());
  if (ends.length === 0) return;
  const soonest = new Date(Math.min(...ends));
  const days = Math.floor((soonest.getTime() - now.getTime()) / 86_400_000);
  if (days > EXPIRY_NOTICE_DAYS) return;
  const message = `The credential Tenantscope uses for ${tenant.displayName} expires on ${soonest.toISOString().slice(0, 10)} (in ${days} days). Add a new secret or certificate to the app registration and update the connection.`;
  await withWorkspace(deps.db, tenant.workspaceId, (tx) =>
    tx
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
      .execute(),
  );
}
