import type { CloudName } from '../connectors/clouds.ts';
import { newId } from '../platform/ids.ts';
import type { TenantStatus } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';
import type { SealedCredential } from './credential-vault.ts';

export interface TenantRecord {
  id: string;
  workspaceId: string;
  displayName: string;
  microsoftTenantId: string;
  status: TenantStatus;
  statusReason: string | null;
  cloud: CloudName;
  connectionKind: 'consent' | 'app' | 'arm-delegated' | null;
  clientId: string | null;
  endpoints: { authorityHost?: string; graphUrl?: string; armUrl?: string };
  minimalMode: boolean;
  syncIntervalMinutes: number;
  consecutiveFailures: number;
  lastSyncAt: Date | null;
  nextSyncAt: Date | null;
  /** which credential sync reads Azure Resource Manager with; `off` reads Graph only */
  armReads: 'off' | 'app' | 'delegated';
}

const columns = [
  'id',
  'workspace_id',
  'display_name',
  'microsoft_tenant_id',
  'status',
  'status_reason',
  'cloud',
  'connection_kind',
  'client_id',
  'endpoints',
  'minimal_mode',
  'sync_interval_minutes',
  'consecutive_failures',
  'last_sync_at',
  'next_sync_at',
  'arm_reads',
] as const;

type Row = Record<(typeof columns)[number], unknown>;

function toRecord(r: Row): TenantRecord {
  return {
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    displayName: r.display_name as string,
    microsoftTenantId: r.microsoft_tenant_id as string,
    status: r.status as TenantStatus,
    statusReason: r.status_reason as string | null,
    cloud: r.cloud as CloudName,
    connectionKind: r.connection_kind as TenantRecord['connectionKind'],
    clientId: r.client_id as string | null,
    endpoints: (r.endpoints ?? {}) as TenantRecord['endpoints'],
    minimalMode: r.minimal_mode as boolean,
    syncIntervalMinutes: r.sync_interval_minutes as number,
    consecutiveFailures: r.consecutive_failures as number,
    lastSyncAt: r.last_sync_at as Date | null,
    nextSyncAt: r.next_sync_at as Date | null,
    armReads: r.arm_reads as TenantRecord['armReads'],
  };
}

export interface NewTenant {
  displayName: string;
  microsoftTenantId: string;
  cloud: CloudName;
  connectionKind: 'consent' | 'app' | 'arm-delegated';
  clientId: string;
  endpoints?: TenantRecord['endpoints'];
  nextSyncAt: Date;
  /** changes the tenant's ARM setting; left as it was when absent */
  armReads?: TenantRecord['armReads'];
}

/**
 * Adds a tenant and its sealed credential in one transaction (inside withWorkspace), or — when
 * the Microsoft tenant is already connected to this workspace — replaces its connection, so
 * reconnecting after a revoked consent keeps the tenant's history. An admin-consent connection
 * has no credential of its own (`sealed` null: the app's secret comes from configuration), and a
 * credential left from an earlier app connection is deleted.
 */
export async function upsertTenant(
  tx: Tx,
  workspaceId: string,
  input: NewTenant,
  sealed: SealedCredential | null,
): Promise<TenantRecord> {
  const values = {
    display_name: input.displayName,
    cloud: input.cloud,
    connection_kind: input.connectionKind,
    client_id: input.clientId,
    endpoints: JSON.stringify(input.endpoints ?? {}),
    status: 'connected' as const,
    status_reason: null,
    // connected anew: the countdown to the automatic purge stops
    disconnected_at: null,
    consecutive_failures: 0,
    next_sync_at: input.nextSyncAt,
    ...(input.armReads ? { arm_reads: input.armReads } : {}),
  };
  const row = await tx
    .insertInto('tenants')
    .values({
      id: newId(),
      workspace_id: workspaceId,
      microsoft_tenant_id: input.microsoftTenantId,
      ...values,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'microsoft_tenant_id']).doUpdateSet(values))
    .returning(columns)
    .executeTakeFirstOrThrow();
  if (!sealed) {
    await tx.deleteFrom('tenant_credentials').where('tenant_id', '=', row.id).execute();
    return toRecord(row as Row);
  }
  await tx
    .insertInto('tenant_credentials')
    .values({ tenant_id: row.id, workspace_id: workspaceId, ...sealed })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...sealed, updated_at: new Date() }))
    .execute();
  return toRecord(row as Row);
}

export async function listTenants(tx: Tx): Promise<TenantRecord[]> {
  const rows = await tx.selectFrom('tenants').select(columns).orderBy('display_name').execute();
  return rows.map((r) => toRecord(r as Row));
}

/** By our id, or by the Microsoft tenant id, or by display name (case-insensitive) — for the CLI. */
export async function findTenant(tx: Tx, ref: string): Promise<TenantRecord | undefined> {
  const rows = await listTenants(tx);
  const lower = ref.toLowerCase();
  return rows.find(
    (t) =>
      t.id === ref || t.microsoftTenantId.toLowerCase() === lower || t.displayName.toLowerCase() === lower,
  );
}

export async function getCredential(tx: Tx, tenantId: string) {
  return tx
    .selectFrom('tenant_credentials')
    .select(['kind', 'wrapped_data_key', 'secret_ciphertext', 'certificate_pem', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

export async function updateTenantState(
  tx: Tx,
  tenantId: string,
  patch: Partial<{
    status: TenantStatus;
    status_reason: string | null;
    consecutive_failures: number;
    last_sync_at: Date;
    next_sync_at: Date | null;
    endpoints: string;
    arm_reads: TenantRecord['armReads'];
  }>,
): Promise<void> {
  await tx.updateTable('tenants').set(patch).where('id', '=', tenantId).execute();
}
