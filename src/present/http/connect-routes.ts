import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type CloudName, cloudNames } from '../../connectors/clouds.ts';
import type { Clock } from '../../platform/clock.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import type { Schema } from '../../storage/schema.ts';
import { withWorkspace } from '../../storage/transactions.ts';
import {
  completeArmDelegated,
  getArmCredential,
  startArmDelegated,
} from '../../tenants/arm-delegated-service.ts';
import { peekPurpose } from '../../tenants/connect-state.ts';
import {
  type ConsentDeps,
  completeAdminConsent,
  startAdminConsent,
  type TenantscopeApp,
} from '../../tenants/consent-service.ts';
import type { Vault } from '../../tenants/credential-vault.ts';
import { idParams, iso, tenantSchema } from './api-schemas.ts';
import { inWorkspace, memberOf, recordAudit } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';
import { mustFind } from './tenant-queries.ts';

/**
 * Connecting by sign-in: admin consent to Tenantscope's multi-tenant app, and delegated ARM.
 * Both start with a route that returns Microsoft's URL (with a single-use `state` bound to the
 * workspace and the member) and end at one redirect handler, `GET /api/connect/callback`, which
 * the member's browser reaches with their session cookie (SameSite=Lax allows this top-level GET).
 * The redirect URI registered on the app is `<TENANTSCOPE_PUBLIC_URL>/api/connect/callback`.
 */
export interface ConnectRouteDeps {
  db: Kysely<Schema>;
  clock: Clock;
  connect?: { vault: Vault; extraCaFile?: string | undefined; app?: TenantscopeApp | undefined } | undefined;
  publicUrl?: string | undefined;
}

const httpsUrl = z
  .string()
  .max(500)
  .regex(/^https:\/\/[^/\s]+/, 'must be an https:// URL');

const consentBody = z
  .object({
    tenantId: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.-]+$/, 'must be a tenant GUID or domain')
      .optional()
      .describe("the tenant; when absent, the administrator's own tenant (`organizations`)"),
    cloud: z.enum(cloudNames as [CloudName, ...CloudName[]]).default('global'),
    endpoints: z
      .object({
        authorityHost: httpsUrl.optional(),
        graphUrl: httpsUrl.optional(),
        armUrl: httpsUrl.optional(),
      })
      .strict()
      .optional(),
    displayName: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const startedSchema = z.object({
  url: z.string().describe("Microsoft's page: open it in the browser of someone who may grant access"),
  expiresAt: z.string().describe('the link works once, until then'),
  redirectUri: z.string(),
});

/** What Microsoft may put on the redirect; anything else is ignored, never echoed. */
const callbackQuery = z
  .object({
    state: z.string().max(200).optional(),
    admin_consent: z.string().max(10).optional(),
    tenant: z.string().max(255).optional(),
    code: z.string().max(4096).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
    error_subcode: z.string().max(200).optional(),
  })
  .loose();

const callbackSchema = z.object({
  connection: z.enum(['consent', 'arm-delegated']),
  tenant: tenantSchema,
  subscriptions: z.number().int().optional().describe('delegated ARM: subscriptions the person can read'),
});

const armSchema = z.object({
  tenantId: z.string(),
  reads: z.enum(['off', 'app', 'delegated']),
  delegated: z.object({ signedInAs: z.string().nullable(), updatedAt: z.string().nullable() }).nullable(),
});

/** Starting a sign-in writes a state row and may call Microsoft (metadata): a few a minute. */
const START_LIMIT = { max: 10, timeWindow: '1 minute' };

export function registerConnectRoutes(app: FastifyInstance, deps: ConnectRouteDeps): void {
  const consentDeps = (): ConsentDeps => {
    if (!deps.connect?.app)
      throw new TenantscopeError(
        'TS_ERR_APP_NOT_CONFIGURED',
        "Tenantscope's multi-tenant app is not configured on this server",
      );
    return { db: deps.db, clock: deps.clock, ...deps.connect, app: deps.connect.app };
  };
  const redirectUri = () =>
    `${(deps.publicUrl ?? 'http://127.0.0.1:3000').replace(/\/$/, '')}/api/connect/callback`;

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/connect/admin-consent',
      access: 'admin',
      summary: "Start connecting a tenant by admin consent to Tenantscope's multi-tenant app",
      description:
        'Returns the admin-consent URL. The permissions granted are exactly those GET /api/permissions lists, ' +
        'all read-only. The administrator comes back to GET /api/connect/callback.',
      tags: ['tenants'],
      body: consentBody,
      response: startedSchema,
      rateLimit: START_LIMIT,
    },
    async ({ request, body }) => {
      const member = memberOf(request);
      const started = await startAdminConsent(consentDeps(), {
        workspaceId: member.workspaceId,
        actor: member.personId,
        microsoftTenantId: body.tenantId,
        cloud: body.cloud,
        ...(body.endpoints ? { endpoints: body.endpoints } : {}),
        redirectUri: redirectUri(),
        displayName: body.displayName,
      });
      return { url: started.url, expiresAt: started.expiresAt.toISOString(), redirectUri: redirectUri() };
    },
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/tenants/:id/arm/sign-in',
      access: 'admin',
      summary: "Start reading a tenant's Azure through a person's delegated sign-in (ARM user_impersonation)",
      description:
        "Returns the sign-in URL (authorization code with PKCE). Azure is then read with that person's Azure roles; " +
        'the refresh token is sealed in the vault, the access token is kept in memory only.',
      tags: ['tenants'],
      params: idParams,
      response: startedSchema,
      rateLimit: START_LIMIT,
    },
    async ({ request, params }) => {
      const member = memberOf(request);
      const started = await startArmDelegated(consentDeps(), {
        workspaceId: member.workspaceId,
        actor: member.personId,
        tenant: params.id,
        redirectUri: redirectUri(),
      });
      return { url: started.url, expiresAt: started.expiresAt.toISOString(), redirectUri: redirectUri() };
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/connect/callback',
      access: 'admin',
      summary: 'Where Microsoft sends the browser back after admin consent or a delegated sign-in',
      description:
        'Checks `state` (single use, this workspace and member, 10 minutes), then records the tenant (consent, ' +
        'proved by acquiring an app token) or seals the delegated ARM refresh token.',
      tags: ['tenants'],
      querystring: callbackQuery,
      response: callbackSchema,
      rateLimit: START_LIMIT,
    },
    async ({ request, query }) => {
      const member = memberOf(request);
      const input = {
        workspaceId: member.workspaceId,
        actor: member.personId,
        ip: member.ip,
        query: query as Record<string, string | undefined>,
      };
      const purpose = query.state
        ? await withWorkspace(deps.db, member.workspaceId, (tx) => peekPurpose(tx, query.state!))
        : undefined;
      if (purpose === 'arm-delegated') {
        const done = await completeArmDelegated(consentDeps(), input);
        const tenant = await inWorkspace(deps.db, request, (tx) => mustFind(tx, done.tenant.id));
        return { connection: 'arm-delegated' as const, tenant, subscriptions: done.subscriptions };
      }
      // an unknown state fails inside, with the state error, whatever the flow
      const done = await completeAdminConsent(consentDeps(), input);
      return {
        connection: 'consent' as const,
        tenant: await inWorkspace(deps.db, request, (tx) => mustFind(tx, done.id)),
      };
    },
  );

  registerArmSettingRoute(app, deps);
}

function registerArmSettingRoute(app: FastifyInstance, deps: ConnectRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'PUT',
      url: '/api/tenants/:id/arm',
      access: 'admin',
      summary: "Choose how (or whether) a tenant's Azure is read by sync",
      description:
        "`off` reads Microsoft Graph only; `app` reads Azure with the tenant's app connection (its app needs Reader " +
        'and Cost Management Reader); `delegated` with the stored delegated sign-in (POST /api/tenants/:id/arm/sign-in).',
      tags: ['tenants'],
      params: idParams,
      body: z.object({ reads: z.enum(['off', 'app', 'delegated']) }).strict(),
      response: armSchema,
    },
    async ({ request, params, body }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        const tenant = await mustFind(tx, params.id);
        const delegated = await getArmCredential(tx, tenant.id);
        if (body.reads === 'delegated' && !delegated)
          throw new TenantscopeError(
            'TS_ERR_TENANT_STATE',
            'no delegated ARM sign-in is stored for this tenant; start one with POST /api/tenants/:id/arm/sign-in',
          );
        await tx.updateTable('tenants').set({ arm_reads: body.reads }).where('id', '=', tenant.id).execute();
        await recordAudit(tx, member, 'tenant.arm_changed', tenant.id, { reads: body.reads });
        return {
          tenantId: tenant.id,
          reads: body.reads,
          delegated: delegated
            ? { signedInAs: delegated.signed_in_as, updatedAt: iso(delegated.updated_at) }
            : null,
        };
      }),
  );
}
