import type { FastifyInstance } from 'fastify';
import { mailerDepsFor } from '../../delivery/mailer-deps.ts';
import { type Jobs, startJobs } from '../../jobs/job-queue.ts';
import type { Config } from '../../platform/config.ts';
import { buildApp } from '../../present/http/app.ts';
import type { SyncDeps } from '../../sync/sync-service.ts';
import type { CliIo } from '../io.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { syncDepsFor } from '../sync-deps.ts';

export interface RunningServer {
  runtime: Runtime;
  app: FastifyInstance;
  jobs: Jobs;
  sync: SyncDeps;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the runtime, the job queue (with an inline worker unless TENANTSCOPE_WORKER=off) and
 * listens. `prepare` runs after migrations and before the worker takes its first job (the demo
 * connects its tenants there, so no queued job meets stale endpoints).
 */
export async function startServer(
  config: Config,
  listen: { host: string; port: number },
  prepare?: (runtime: Runtime, sync: SyncDeps) => Promise<void>,
): Promise<RunningServer> {
  const runtime = await openRuntime(config, { migrate: true });
  let jobs: Jobs | undefined;
  try {
    const sync = syncDepsFor(runtime, config);
    await prepare?.(runtime, sync);
    const email = {
      mailer: mailerDepsFor(
        { db: runtime.database.db, logger: runtime.logger, keks: [runtime.masterKey.key] },
        config,
      ),
    };
    jobs = await startJobs(
      config.worker === 'inline'
        ? { database: runtime.database, logger: runtime.logger, worker: true, sync, email }
        : { database: runtime.database, logger: runtime.logger, worker: false, email },
    );
    const queue = jobs;
    const app = await buildApp({
      config,
      database: runtime.database,
      logger: runtime.logger,
      jobs,
      connect: { vault: sync.vault, extraCaFile: sync.extraCaFile, app: sync.app },
      keks: [runtime.masterKey.key],
      emails: { queuePending: () => queue.queuePendingEmails() },
      microsoftSignIn: config.microsoftSignIn && { ...config.microsoftSignIn, extraCaFile: sync.extraCaFile },
    });
    const address = await app.listen({ host: listen.host, port: listen.port });
    const started = jobs;
    return {
      runtime,
      app,
      jobs: started,
      sync,
      url: address.replace('[::1]', 'localhost'),
      async close() {
        await app.close();
        await started.stop();
        await runtime.close();
      },
    };
  } catch (error) {
    await jobs?.stop().catch(() => {});
    await runtime.close();
    throw error;
  }
}

export async function serveCommand(
  config: Config,
  listen: { host: string; port: number },
  io: CliIo,
): Promise<number> {
  const server = await startServer(config, listen);
  io.stdout(`Tenantscope is listening on ${server.url}`);
  await io.untilStopped();
  await server.close();
  return 0;
}
