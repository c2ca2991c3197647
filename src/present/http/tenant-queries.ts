import type { z } from 'zod';
import { TenantscopeError } from '../../platform/errors.ts';
import type { Tx } from '../../storage/transactions.ts';
import { iso, type syncRunSchema, type tenantSchema } from './api-schemas.ts';

/**
 * Tenant reads for the API, inside withWorkspace (row-level security keeps them to the caller's
 * workspace; an id of another workspace simply finds nothing). The credential is reached only
 * for its kind and expiry: its ciphertext and wrapped key are never selected here.
 */
export type TenantView = z.input<typeof tenantSchema>;

const tenantColumns = [
  't.id',
  't.display_name',
  't.microsoft_tenant_id',
  't.status',
  't.status_reason',
  't.cloud',
  't.connection_kind',
  't.client_id',
  't.endpoints',
  't.minimal_mode',
  't.arm_reads',
  't.disconnected_at',
  't.sync_interval_minutes',
  't.consecutive_failures',
  't.last_sync_at',
  't.next_sync_at',
  'c.kind as credential_kind',
  'c.expires_at as credential_expires_at',
] as const;

function baseQuery(tx: Tx) {
  return tx
    .selectFrom('tenants as t')
    .leftJoin('tenant_credentials as c', 'c.tenant_id', 't.id')
    .select(tenantColumns);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(r: Row): TenantView {
  return {
    id: r.id,
    displayName: r.display_name,
    microsoftTenantId: r.microsoft_tenant_id,
    status: r.status,
    statusReason: r.status_reason,
    cloud: r.cloud,
    connectionKind: r.connection_kind,
    clientId: r.client_id,
    endpoints: r.endpoints ?? {},
    minimalMode: r.minimal_mode,
    armReads: r.arm_reads,
    disconnectedAt: iso(r.disconnected_at),
    syncIntervalMinutes: r.sync_interval_minutes,
    consecutiveFailures: r.consecutive_failures,
    lastSyncAt: iso(r.last_sync_at),
    nextSyncAt: iso(r.next_sync_at),
    credential: r.credential_kind
      ? { kind: r.credential_kind, expiresAt: iso(r.credential_expires_at) }
      : null,
  };
}

export async function listTenantViews(tx: Tx): Promise<TenantView[]> {
  const rows = await baseQuery(tx).orderBy('t.display_name').orderBy('t.id').execute();
  return rows.map(toView);
}

export async function getTenantView(tx: Tx, id: string): Promise<TenantView | undefined> {
  const row = await baseQuery(tx).where('t.id', '=', id).executeTakeFirst();
  return row && toView(row);
}

export async function listSyncRuns(
  tx: Tx,
  tenantId: string,
  limit: number,
): Promise<z.input<typeof syncRunSchema>[]> {
  const rows = await tx
    .selectFrom('sync_runs')
    .select([
      'id',
      'trigger',
      'status',
      'started_at',
      'finished_at',
      'snapshot_id',
      'requests',
      'throttled',
      'progress',
      'error_code',
      'error_message',
    ])
    .where('tenant_id', '=', tenantId)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const progress = (r.progress ?? {}) as { datasets?: Record<string, { items: number; status?: string }> };
    return {
      id: r.id,
      trigger: r.trigger,
      status: r.status,
      startedAt: r.started_at.toISOString(),
      finishedAt: iso(r.finished_at),
      snapshotId: r.snapshot_id,
      requests: r.requests,
      throttled: r.throttled,
      progress: { ...(progress as object), datasets: progress.datasets ?? {} },
      error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    };
  });
}

/** The tenant, or 404: an id of another workspace is indistinguishable from one that never existed. */
export async function mustFind(tx: Tx, id: string): Promise<TenantView> {
  const tenant = await getTenantView(tx, id);
  if (!tenant) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such tenant');
  return tenant;
}
