/**
 * Per-tenant posture exceptions: declared break-glass accounts (UPNs or object ids — the only
 * exclusions "all users" Conditional Access checks accept) and threshold overrides. Used by the
 * next analysis of the tenant.
 */
import { TenantscopeError } from '../platform/errors.ts';
import type { Tx } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { thresholdsSchema } from './posture-store.ts';
import { requireTenant } from './tenant-guard.ts';

export interface TenantExceptions {
  breakGlass: string[];
  /** overrides of the posture thresholds (src/analyse/posture/settings.ts); {} = defaults */
  thresholds: Record<string, unknown>;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export async function getTenantExceptions(tx: Tx, tenantId: string): Promise<TenantExceptions> {
  await requireTenant(tx, tenantId);
  const row = await tx
    .selectFrom('tenant_exceptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row
    ? {
        breakGlass: row.break_glass,
        thresholds: row.thresholds,
        updatedBy: row.updated_by,
        updatedAt: row.updated_at,
      }
    : { breakGlass: [], thresholds: {}, updatedBy: null, updatedAt: null };
}

/** Replaces the tenant's exceptions; bad input is refused with TS_ERR_VALIDATION naming the field. */
export async function setTenantExceptions(
  tx: Tx,
  input: {
    workspaceId: string;
    tenantId: string;
    breakGlass: unknown;
    thresholds?: unknown;
    by: string;
    now: Date;
    ip?: string;
  },
): Promise<TenantExceptions> {
  await requireTenant(tx, input.tenantId);
  const breakGlass = parseBreakGlass(input.breakGlass);
  const parsed = thresholdsSchema.safeParse(input.thresholds ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TenantscopeError(
      'TS_ERR_VALIDATION',
      `thresholds.${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
  }
  const values = {
    break_glass: JSON.stringify(breakGlass),
    thresholds: JSON.stringify(input.thresholds ?? {}),
    updated_by: input.by,
    updated_at: input.now,
  };
  await tx
    .insertInto('tenant_exceptions')
    .values({ tenant_id: input.tenantId, workspace_id: input.workspaceId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
    .execute();
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.by,
    action: 'tenant.exceptions_changed',
    target: input.tenantId,
    ...(input.ip ? { ip: input.ip } : {}),
    detail: { breakGlass: breakGlass.length, thresholds: Object.keys(input.thresholds ?? {}) },
  });
  return {
    breakGlass,
    thresholds: (input.thresholds ?? {}) as Record<string, unknown>,
    updatedBy: input.by,
    updatedAt: input.now,
  };
}

function parseBreakGlass(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '' || v.length > 320))
    throw new TenantscopeError(
      'TS_ERR_VALIDATION',
      'breakGlass: must be a list of user principal names or object ids',
    );
  if (value.length > 50) throw new TenantscopeError('TS_ERR_VALIDATION', 'breakGlass: at most 50 accounts');
  return [...new Set(value.map((v: string) => v.trim()))];
}
