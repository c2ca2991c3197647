import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type CloudName, cloudNames } from '../../connectors/clouds.ts';
import type { AppCredential } from '../../connectors/token-provider.ts';
import type { Jobs } from '../../jobs/job-queue.ts';
import type { Clock } from '../../platform/clock.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import { listSnapshots } from '../../snapshots/snapshot-repo.ts';
import type { Schema } from '../../storage/schema.ts';
import { connectAppRegistration } from '../../tenants/connect-service.ts';
import type { Vault } from '../../tenants/credential-vault.ts';
import { idParams, iso, snapshotSchema, syncRunSchema, tenantSchema } from './api-schemas.ts';
import { inWorkspace, memberOf, recordAudit } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';
import { listSyncRuns, listTenantViews, mustFind } from './tenant-queries.ts';

export interface TenantRouteDeps {
  db: Kysely<Schema>;
  clock: Clock;
  /** the queue `POST /api/tenants/:id/sync` puts a sync on */
  jobs?: Pick<Jobs, 'enqueueSync'> | undefined;
  /** what connecting needs: the vault that seals the credential, and the extra CA for Microsoft */
  connect?: { vault: Vault; extraCaFile?: string | undefined } | undefined;
}

const httpsUrl = z
  .string()
  .max(500)
  .regex(/^https:\/\/[^/\s]+/, 'must be an https:// URL');

const connectBody = z
  .object({
    tenantId: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.-]+$/, 'must be a tenant GUID or domain'),
    clientId: z.guid(),
    clientSecret: z.string().min(1).max(1024).optional(),
    certificatePem: z
      .string()
      .min(1)
      .max(65_536)
      .optional()
      .describe('PEM holding the certificate and its private key'),
    cloud: z.enum(cloudNames as [CloudName, ...CloudName[]]).default('global'),
    endpoints: z
      .object({
        authorityHost: httpsUrl.optional(),
        graphUrl: httpsUrl.optional(),
        armUrl: httpsUrl.optional(),
      })
      .strict()
      .optional()
      .describe("overrides of the cloud's endpoints (a sovereign deployment, or the emulator)"),
    displayName: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((b) => (b.clientSecret === undefined) !== (b.certificatePem === undefined), {
    message: 'give clientSecret or certificatePem, exactly one',
    path: ['clientSecret'],
  });

/** Connecting calls Microsoft (a token, then /organization): a few a minute is plenty for a person. */
const CONNECT_LIMIT = { max: 10, timeWindow: '1 minute' };
const SYNC_LIMIT = { max: 30, timeWindow: '1 minute' };

export function registerTenantRoutes(app: FastifyInstance, deps: TenantRouteDeps): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants',
      access: 'reports',
      summary: "The workspace's tenants, their state and last sync",
      tags: ['tenants'],
      response: z.object({ tenants: z.array(tenantSchema) }),
    },
    async ({ request }) => ({ tenants: await inWorkspace(deps.db, request, (tx) => listTenantViews(tx)) }),
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/tenants',
      access: 'admin',
      summary: 'Connect a tenant through its app registration',
      description:
        'The credential is proved by acquiring a token before anything is saved, then sealed in the vault. ' +
        'The secret or private key is never returned or logged. Connecting a tenant already in the workspace replaces its connection.',
      tags: ['tenants'],
      body: connectBody,
      status: 201,
      response: tenantSchema,
      rateLimit: CONNECT_LIMIT,
    },
    async ({ request, body }) => {
      if (!deps.connect) throw notConfigured('the credential vault');
      const member = memberOf(request);
      const tenant = await connectAppRegistration(
        { db: deps.db, vault: deps.connect.vault, clock: deps.clock, extraCaFile: deps.connect.extraCaFile },
        {
          workspaceId: member.workspaceId,
          actor: member.personId,
          ip: member.ip,
          microsoftTenantId: body.tenantId,
          clientId: body.clientId,
          credential: credentialOf(body),
          cloud: body.cloud,
          ...(body.endpoints ? { endpoints: body.endpoints } : {}),
          ...(body.displayName ? { displayName: body.displayName } : {}),
        },
      );
      return inWorkspace(deps.db, request, (tx) => mustFind(tx, tenant.id));
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id',
      access: 'reports',
      summary: 'One tenant',
      tags: ['tenants'],
      params: idParams,
      response: tenantSchema,
    },
    async ({ request, params }) => inWorkspace(deps.db, request, (tx) => mustFind(tx, params.id)),
  );

  defineRoute(
    app,
    {
      method: 'POST',
      url: '/api/tenants/:id/sync',
      access: 'admin',
      summary: 'Queue a sync of the tenant now',
      description:
        'At most one sync per tenant is queued and one runs; `queued: false` means one was already waiting.',
      tags: ['tenants'],
      params: idParams,
      status: 202,
      response: z.object({ queued: z.boolean(), jobId: z.string().nullable() }),
      rateLimit: SYNC_LIMIT,
    },
    async ({ request, params }) => {
      const jobs = deps.jobs;
      if (!jobs) throw notConfigured('the job queue');
      const member = memberOf(request);
      const tenant = await inWorkspace(deps.db, request, (tx) => mustFind(tx, params.id));
      if (tenant.status === 'disconnected' || tenant.status === 'paused')
        throw new TenantscopeError(
          'TS_ERR_TENANT_STATE',
          `the tenant is ${tenant.status}${tenant.status === 'paused' ? '; resume it first' : '; connect it again first'}`,
        );
      // Queued outside any transaction: the queue uses its own connection (storage/README.md).
      const jobId = await jobs.enqueueSync({
        workspaceId: member.workspaceId,
        tenantId: tenant.id,
        trigger: 'manual',
      });
      await inWorkspace(deps.db, request, (tx) =>
        recordAudit(tx, member, 'tenant.sync_requested', tenant.id, { queued: jobId !== null }),
      );
      return { queued: jobId !== null, jobId };
    },
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/syncs',
      access: 'reports',
      summary: "The tenant's sync history, newest first, with progress per dataset and errors",
      tags: ['tenants'],
      params: idParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }).strict(),
      response: z.object({ syncs: z.array(syncRunSchema) }),
    },
    async ({ request, params, query }) =>
      inWorkspace(deps.db, request, async (tx) => {
        await mustFind(tx, params.id);
        return { syncs: await listSyncRuns(tx, params.id, query.limit) };
      }),
  );

  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/tenants/:id/snapshots',
      access: 'reports',
      summary: "The tenant's complete snapshots, newest first, with each dataset's status",
      tags: ['tenants'],
      params: idParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }).strict(),
      response: z.object({ snapshots: z.array(snapshotSchema) }),
    },
    async ({ request, params, query }) => {
      const { workspaceId } = memberOf(request);
      await inWorkspace(deps.db, request, (tx) => mustFind(tx, params.id));
      const snapshots = await listSnapshots(deps.db, workspaceId, params.id, query.limit);
      return {
        snapshots: snapshots.map((s) => ({
          id: s.id,
          startedAt: s.startedAt.toISOString(),
          completedAt: iso(s.completedAt) ?? s.startedAt.toISOString(),
          datasets: s.datasets,
        })),
      };
    },
  );
}

function credentialOf(body: z.output<typeof connectBody>): AppCredential {
  if (body.clientSecret !== undefined) return { kind: 'secret', clientSecret: body.clientSecret };
  const pem = body.certificatePem ?? '';
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const key = /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (RSA |EC )?PRIVATE KEY-----/.exec(
    pem,
  )?.[0];
  if (!cert || !key)
    throw new TenantscopeError(
      'TS_ERR_VALIDATION',
      'body.certificatePem: must hold a PEM certificate and its private key',
    );
  return { kind: 'certificate', certificatePem: cert, privateKeyPem: key };
}

function notConfigured(what: string): TenantscopeError {
  return new TenantscopeError('TS_ERR_INTERNAL', `${what} is not configured in this server`);
}
