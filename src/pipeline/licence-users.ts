/**
 * Per-user licence lines of one tenant, computed on request: the latest complete snapshot is read
 * for the datasets the lines need only (not usage reports or groups, which can be large), then
 * the pure licence engine runs over it with the workspace's current price book.
 */

import type { Kysely } from 'kysely';
import { analyseLicences, priceBookFor } from '../analyse/licences/index.ts';
import { loadSnapshot } from '../snapshots/snapshot-repo.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { getPriceBook } from './licence-store.ts';
import { selectUserLines, type UserFilter, type UserSelection } from './licence-user-fns.ts';
import { requireTenant } from './tenant-guard.ts';

/** users and SKUs for the lines, sign-in activity for idle and never-signed-in */
export const USER_LINE_DATASETS: readonly string[] = ['subscribedSkus', 'users', 'userSignInActivity'];

export interface UserLinesResult extends UserSelection {
  /** the snapshot the lines come from; null when the tenant has none stored (never synced, or minimal mode) */
  snapshot: { id: string; collectedAt: Date } | null;
  currency: string;
}

export async function licenceUserLines(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
  filter: UserFilter,
  paging: { limit: number; offset: number },
): Promise<UserLinesResult> {
  // Short transactions: the lookup here, then each chunk of the snapshot in its own (snapshot-load.ts).
  const found = await withWorkspace(db, workspaceId, async (tx) => {
    await requireTenant(tx, tenantId);
    const tenant = await tx
      .selectFrom('tenants')
      .select(['microsoft_tenant_id', 'display_name', 'cloud'])
      .where('id', '=', tenantId)
      .executeTakeFirstOrThrow();
    const latest = await tx
      .selectFrom('snapshots')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'complete')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return { tenant, latest, prices: (await getPriceBook(tx, workspaceId)).book };
  });
  const prices = priceBookFor(found.prices, found.tenant.microsoft_tenant_id);
  const snapshot =
    found.latest &&
    (await loadSnapshot(
      db,
      workspaceId,
      found.latest.id,
      {
        microsoftTenantId: found.tenant.microsoft_tenant_id,
        displayName: found.tenant.display_name,
        cloud: found.tenant.cloud,
      },
      new Set(USER_LINE_DATASETS),
    ));
  if (!found.latest || !snapshot)
    return { snapshot: null, currency: prices.currency, total: 0, cannotTell: null, users: [] };
  const analysis = analyseLicences(snapshot, { prices });
  return {
    snapshot: { id: found.latest.id, collectedAt: new Date(snapshot.collectedAt) },
    currency: analysis.waste.currency,
    ...selectUserLines(analysis, filter, paging),
  };
}
