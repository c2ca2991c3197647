import { mailerDepsFor } from '../../delivery/mailer-deps.ts';
import { startJobs } from '../../jobs/job-queue.ts';
import type { Config } from '../../platform/config.ts';
import { TenantscopeError } from '../../platform/errors.ts';
import type { CliIo } from '../io.ts';
import { openRuntime } from '../runtime.ts';
import { syncDepsFor } from '../sync-deps.ts';

/**
 * `tenantscope worker`: runs tenant syncs from the queue, beside `serve` processes started with
 * TENANTSCOPE_WORKER=off. Several workers on several machines share the queue; each tenant syncs
 * in one of them at a time. The embedded database belongs to one process, so this needs PostgreSQL.
 */
export async function workerCommand(config: Config, io: CliIo): Promise<number> {
  if (!config.databaseUrl) {
    throw new TenantscopeError(
      'TS_ERR_CONFIG_INVALID',
      'DATABASE_URL is required for `tenantscope worker`: the embedded database serves one process, and `serve`/`demo` already run the worker inline',
    );
  }
  const runtime = await openRuntime(config, { migrate: true });
  const sync = syncDepsFor(runtime, config);
  const email = {
    mailer: mailerDepsFor(
      { db: runtime.database.db, logger: runtime.logger, keks: [runtime.masterKey.key] },
      config,
    ),
  };
  const jobs = await startJobs({
    database: runtime.database,
    logger: runtime.logger,
    worker: true,
    sync,
    email,
  });
  io.stdout(
    'Tenantscope worker is running; Ctrl+C stops it (a sync in progress stops at its next page and resumes on another worker).',
  );
  await io.untilStopped();
  await jobs.stop();
  await runtime.close();
  return 0;
}
