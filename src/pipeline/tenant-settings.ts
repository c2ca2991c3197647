/**
 * A tenant's current settings, read from its newest complete snapshot for the standard editor
 * (`GET /api/tenants/:id/settings`). Computed on each request from the stored snapshot, never
 * cached: an erasure (src/rights/) rewrites stored snapshots, and a cache would outlive it.
 */
import type { Kysely } from 'kysely';
import {
  filterSettings,
  type KindSummary,
  type SettingEntry,
  type SettingsFilter,
  tenantSettings,
} from '../analyse/drift/settings.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { loadSnapshot } from '../snapshots/snapshot-repo.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { DRIFT_BEFORE_DATASETS } from './snapshot-load.ts';

export interface SettingsPage {
  snapshotId: string;
  collectedAt: Date;
  /** entries matching the filter, before paging */
  total: number;
  offset: number;
  truncated: boolean;
  settings: SettingEntry[];
  /** every kind, with how many of its settings match `q` (the kind filter aside) */
  kinds: (KindSummary & { matching: number })[];
}

/**
 * What the evaluator reads (the tracked kinds' datasets and the small ones their names come
 * from); users, groups and the audit log are not needed to name or compare any setting.
 */
const SETTINGS_DATASETS = new Set(DRIFT_BEFORE_DATASETS);

async function newestSnapshot(db: Kysely<Schema>, workspaceId: string, tenantId: string) {
  return withWorkspace(db, workspaceId, async (tx) => {
    const tenant = isUuid(tenantId)
      ? await tx
          .selectFrom('tenants')
          .select(['microsoft_tenant_id', 'display_name', 'cloud', 'minimal_mode'])
          .where('id', '=', tenantId)
          .executeTakeFirst()
      : undefined;
    if (!tenant) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such tenant');
    const snapshot = await tx
      .selectFrom('snapshots')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'complete')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!snapshot)
      throw new TenantscopeError(
        'TS_ERR_NO_SNAPSHOT',
        tenant.minimal_mode
          ? 'the tenant is in minimal mode: no snapshot is kept to read its settings from'
          : 'the tenant has no complete snapshot yet: sync it first',
      );
    return { tenant, snapshotId: snapshot.id };
  });
}

export async function readTenantSettings(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
  filter: SettingsFilter,
  paging: { limit: number; offset: number },
): Promise<SettingsPage> {
  const { tenant, snapshotId } = await newestSnapshot(db, workspaceId, tenantId);
  const snapshot = await loadSnapshot(
    db,
    workspaceId,
    snapshotId,
    { microsoftTenantId: tenant.microsoft_tenant_id, displayName: tenant.display_name, cloud: tenant.cloud },
    SETTINGS_DATASETS,
  );
  // purged between the two reads
  if (!snapshot) throw new TenantscopeError('TS_ERR_NO_SNAPSHOT', 'the snapshot is no longer stored');
  const all = tenantSettings(snapshot);
  const searched = filterSettings(all.entries, { q: filter.q });
  const matching = new Map<string, number>();
  for (const e of searched) matching.set(e.kind, (matching.get(e.kind) ?? 0) + 1);
  const selected = filter.kind ? searched.filter((e) => e.kind === filter.kind) : searched;
  const settings = selected.slice(paging.offset, paging.offset + paging.limit);
  return {
    snapshotId,
    collectedAt: new Date(snapshot.collectedAt),
    total: selected.length,
    offset: paging.offset,
    truncated: paging.offset + settings.length < selected.length,
    settings,
    kinds: all.kinds.map((k) => ({ ...k, matching: matching.get(k.kind) ?? 0 })),
  };
}
