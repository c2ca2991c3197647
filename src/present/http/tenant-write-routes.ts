import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TenantscopeError } from '../../platform/errors.ts';
import { purgeTenant } from '../../tenants/purge-service.ts';
import { idParams, tenantSchema } from './api-schemas.ts';
import { inWorkspace, memberOf, recordAudit } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';
import { mustFind } from './tenant-queries.ts';
import type { TenantRouteDeps } from './tenant-routes.ts';

const patchBody = z
  .object({
    displayName: z.string().trim().min(1).max(200),
    // 15 min is the schema's floor (0002_sync.sql); a week is the longest a posture view may go stale
    syncIntervalMinutes: z.number().int().min(15).max(10_080),
    minimalMode: z.boolean(),
    resume: z.literal(true).describe('resume a paused tenant: its failure count is reset and it syncs soon'),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });

export function registerTenantWriteRoutes(app: FastifyInstance, deps: TenantRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'PATCH',
      url: '/api/tenants/:id',
      access: 'admin',
      summary: "Change a tenant's name, sync interval or minimal mode, or resume a paused tenant",
      tags: ['tenants'],
      params: idParams,
      body: patchBody,
      response: tenantSchema,
    },
    async ({ request, params, body }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        const tenant = await mustFind(tx, params.id);
        if (body.resume && tenant.status !== 'paused')
          throw new TenantscopeError('TS_ERR_TENANT_STATE', `the tenant is ${tenant.status}, not paused`);
        const now = deps.clock.now();
        const interval = body.syncIntervalMinutes;
        await tx
          .updateTable('tenants')
          .set({
            ...(body.displayName !== undefined ? { display_name: body.displayName } : {}),
            ...(body.minimalMode !== undefined ? { minimal_mode: body.minimalMode } : {}),
            ...(interval !== undefined
              ? {
                  sync_interval_minutes: interval,
                  // the schedule follows the new interval from the last sync (or now, if never synced)
                  next_sync_at: new Date(
                    (tenant.lastSyncAt ? Date.parse(tenant.lastSyncAt) : now.getTime()) + interval * 60_000,
                  ),
                }
              : {}),
            ...(body.resume
              ? { status: 'connected', status_reason: null, consecutive_failures: 0, next_sync_at: now }
              : {}),
          })
          .where('id', '=', tenant.id)
          .execute();
        await recordAudit(tx, member, body.resume ? 'tenant.resumed' : 'tenant.updated', tenant.id, {
          changed: body,
        });
        return mustFind(tx, tenant.id);
      }),
  );

  defineRoute(
    app,
    {
      method: 'DELETE',
      url: '/api/tenants/:id',
      access: 'owner',
      summary: 'Disconnect a tenant: its stored credential is deleted at once',
      description:
        'A soft delete: the tenant stays listed as disconnected with its history; syncs stop. Connecting it again ' +
        'restores it; POST /api/tenants/:id/purge removes its data for good, and the retention job does so ' +
        "once the workspace's `disconnected` period (30 days by default) has passed.",
      tags: ['tenants'],
      params: idParams,
      response: tenantSchema,
    },
    async ({ request, params }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        const tenant = await mustFind(tx, params.id);
        await tx.deleteFrom('tenant_credentials').where('tenant_id', '=', tenant.id).execute();
        await tx.deleteFrom('tenant_arm_credentials').where('tenant_id', '=', tenant.id).execute();
        await tx
          .updateTable('tenants')
          .set({
            status: 'disconnected',
            status_reason: 'disconnected by a workspace owner; its credential was deleted',
            disconnected_at: deps.clock.now(),
            next_sync_at: null,
            consecutive_failures: 0,
          })
          .where('id', '=', tenant.id)
          .execute();
        await recordAudit(tx, member, 'tenant.disconnected', tenant.id, {
          microsoftTenantId: tenant.microsoftTenantId,
        });
        return mustFind(tx, tenant.id);
      }),
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/tenants/:id/purge',
      access: 'owner',
      summary: 'Purge a disconnected tenant: its snapshots, findings, drift, licence summaries and sync runs',
      description:
        'Only a disconnected tenant (DELETE /api/tenants/:id first). Everything held about it is deleted and the ' +
        'tenant is removed; the audit log keeps its entries. This cannot be undone.',
      tags: ['tenants'],
      params: idParams,
      response: z.object({ tenantId: z.string(), snapshots: z.number().int(), syncRuns: z.number().int() }),
    },
    async ({ request, params }) => {
      const member = memberOf(request);
      return purgeTenant(deps.db, {
        workspaceId: member.workspaceId,
        tenantId: params.id,
        actor: member.personId,
        ip: member.ip,
      });
    },
  );
}
