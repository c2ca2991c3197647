import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createMicrosoftSignIn, type MicrosoftSignInSettings } from '../../auth/microsoft-sign-in-service.ts';
import type { Jobs } from '../../jobs/job-queue.ts';
import { type Clock, systemClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { SymmetricKey } from '../../platform/crypto.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Database } from '../../storage/database.ts';
import type { TenantscopeApp } from '../../tenants/consent-service.ts';
import type { Vault } from '../../tenants/credential-vault.ts';
import { registerAccountRoutes } from './account-routes.ts';
import { registerAlertRoutes } from './alert-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { registerAuth } from './auth-plugin.ts';
import { registerBaselineRoutes } from './baseline-routes.ts';
import { registerBrandingRoutes } from './branding-routes.ts';
import { registerConnectRoutes } from './connect-routes.ts';
import { openApiOptions, registerDocsRoutes } from './docs-routes.ts';
import { registerDriftRoutes } from './drift-routes.ts';
import { registerErrorHandling } from './errors-plugin.ts';
import { registerFindingRoutes } from './finding-routes.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { registerHomePage } from './home-page.ts';
import { registerInvitationRoutes } from './invitation-routes.ts';
import { registerLicenceRoutes } from './licence-routes.ts';
import { registerMemberRoutes } from './member-routes.ts';
import { registerMicrosoftSignInRoutes } from './microsoft-sign-in-routes.ts';
import { registerOverviewRoutes } from './overview-routes.ts';
import { registerPasswordResetRoutes } from './password-reset-routes.ts';
import { registerPermissionRoutes } from './permissions-routes.ts';
import { registerPostureRoutes } from './posture-routes.ts';
import { registerPriceBookRoutes } from './price-book-routes.ts';
import { registerRetentionRoutes } from './retention-routes.ts';
import { registerRightsRoutes } from './rights-routes.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { registerStandardRoutes } from './standard-routes.ts';
import { registerTenantRoutes } from './tenant-routes.ts';
import { registerTenantWriteRoutes } from './tenant-write-routes.ts';
import { registerTotpRoutes } from './totp-routes.ts';

export interface AppDeps {
  config: Pick<Config, 'tls'> & Partial<Pick<Config, 'publicUrl' | 'trustProxy'>>;
  database: Database;
  logger: Logger;
  clock?: Clock;
  /** the job queue; `POST /api/tenants/:id/sync` answers an internal error without it */
  jobs?: Pick<Jobs, 'enqueueSync'>;
  /** what connecting a tenant needs; `POST /api/tenants` answers an internal error without it */
  connect?: { vault: Vault; extraCaFile?: string | undefined; app?: TenantscopeApp | undefined };
  /** the key-encryption keys; two-step sign-in answers TS_ERR_MASTER_KEY_MISSING without them */
  keks?: readonly SymmetricKey[] | undefined;
  /** the email queue (src/delivery/): new invitation and reset emails are queued at once; else the sweep sends them */
  emails?: { queuePending(): Promise<number> } | undefined;
  /** sign-in with Microsoft (src/auth/README.md); off without it (or without `keks`) */
  microsoftSignIn?: MicrosoftSignInSettings | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** every `/api` route as `METHOD /url`, in registration order (tests walk it) */
    apiRoutes: string[];
  }
}

/** Builds the HTTP application without listening, so tests drive it with `app.inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    requestIdHeader: false, // never trust a client-chosen id: it ends up in logs and error bodies
    bodyLimit: 1_048_576,
    // Only proxies the operator named may set the client address (audit, lockout, rate limits).
    trustProxy: trustProxyOption(deps.config.trustProxy),
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // HSTS over plain HTTP would be ignored by browsers at best and pin a wrong host at worst.
    strictTransportSecurity: deps.config.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  registerErrorHandling(app);
  // Only routes that name a limit are limited (sign-in, connecting, syncing, member and audit
  // changes). The store is in memory: per process, which is what a single server needs.
  await app.register(rateLimit, { global: false });
  await app.register(swagger, openApiOptions(deps.config.tls));
  const clock = deps.clock ?? systemClock;
  const db = deps.database.db;
  app.decorate(
    'apiRoutes',
    await registerAuth(app, { db, clock, tls: deps.config.tls, publicUrl: deps.config.publicUrl }),
  );
  registerHealthRoutes(app, deps.database);
  registerHomePage(app);
  registerSessionRoutes(app, { db, clock, keks: deps.keks, tls: deps.config.tls });
  const publicUrl = deps.config.publicUrl ?? 'http://127.0.0.1:3000';
  registerTotpRoutes(app, { db, clock, keks: deps.keks, publicUrl });
  // the signed-in person's own password and sessions (src/auth/account-service.ts)
  registerAccountRoutes(app, {
    db,
    clock,
    keks: deps.keks,
    publicUrl,
    tls: deps.config.tls,
    queueEmails: deps.emails ? () => deps.emails!.queuePending() : undefined,
  });
  const microsoft = createMicrosoftSignIn({
    db,
    clock,
    keks: deps.keks,
    settings: deps.microsoftSignIn,
    publicUrl,
  });
  registerMicrosoftSignInRoutes(app, { db, clock, keks: deps.keks, tls: deps.config.tls, microsoft });
  registerPermissionRoutes(app);
  const tenantDeps = { db, clock, jobs: deps.jobs, connect: deps.connect };
  registerTenantRoutes(app, tenantDeps);
  registerTenantWriteRoutes(app, tenantDeps);
  registerMemberRoutes(app, { db });
  registerAuditRoutes(app, { db });
  registerRetentionRoutes(app, { db, clock });
  registerBrandingRoutes(app, { db, clock });
  registerConnectRoutes(app, { db, clock, connect: deps.connect, publicUrl: deps.config.publicUrl });
  const analysisDeps = { db, clock };
  registerFindingRoutes(app, analysisDeps);
  registerPostureRoutes(app, analysisDeps);
  registerDriftRoutes(app, analysisDeps);
  registerLicenceRoutes(app, analysisDeps);
  registerPriceBookRoutes(app, analysisDeps);
  registerOverviewRoutes(app, analysisDeps);
  // data-subject rights: one person's export and erasure (src/rights/)
  registerRightsRoutes(app, analysisDeps);
  // baselines, standards and drift alerts
  const driftPlusDeps = { db, clock, logger: deps.logger };
  registerBaselineRoutes(app, driftPlusDeps);
  registerStandardRoutes(app, driftPlusDeps);
  registerAlertRoutes(app, { ...driftPlusDeps, vault: deps.connect?.vault });
  // invitations and password resets by emailed link (src/auth/, src/delivery/)
  const linkDeps = {
    db,
    clock,
    keks: deps.keks,
    publicUrl,
    queueEmails: deps.emails ? () => deps.emails!.queuePending() : undefined,
  };
  registerInvitationRoutes(app, { ...linkDeps, tls: deps.config.tls });
  registerPasswordResetRoutes(app, linkDeps);
  registerDocsRoutes(app);
  return app;
}

function trustProxyOption(value: Config['trustProxy'] | undefined): FastifyServerOptions['trustProxy'] {
  if (value === undefined || value === false) return false;
  // n hops: trust the n nearest proxies (the same rule Fastify applies to a number)
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : [...value];
}
