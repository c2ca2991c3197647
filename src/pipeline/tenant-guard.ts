/** Looks a tenant up inside the workspace transaction: another workspace's id is simply not found. */
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import type { Tx } from '../storage/transactions.ts';

export async function requireTenant(tx: Tx, tenantId: string): Promise<{ microsoftTenantId: string }> {
  const row = isUuid(tenantId)
    ? await tx
        .selectFrom('tenants')
        .select('microsoft_tenant_id')
        .where('id', '=', tenantId)
        .executeTakeFirst()
    : undefined;
  if (!row)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no tenant ${JSON.stringify(tenantId)} in this workspace`);
  return { microsoftTenantId: row.microsoft_tenant_id };
}

/** Every one of `tenantIds` must be a tenant of the workspace; the first that is not answers 404. */
export async function requireTenants(tx: Tx, tenantIds: readonly string[]): Promise<void> {
  const wellFormed = tenantIds.filter(isUuid);
  const found = new Set(
    wellFormed.length === 0
      ? []
      : (await tx.selectFrom('tenants').select('id').where('id', 'in', wellFormed).execute()).map((r) =>
          r.id.toLowerCase(),
        ),
  );
  const missing = tenantIds.find((id) => !found.has(id.toLowerCase()));
  if (missing !== undefined)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no tenant ${JSON.stringify(missing)} in this workspace`);
}
