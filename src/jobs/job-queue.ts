import { sql } from 'kysely';
import PgBoss from 'pg-boss';
import {
  attemptDelivery,
  type DeliveryJob,
  markQueued,
  pendingWebhookDeliveries,
} from '../alerts/alert-delivery.ts';
import { type EmailJobsOptions, registerEmailJobs } from '../delivery/email-jobs.ts';
import type { Logger } from '../platform/logger.ts';
import { purgeAllWorkspaces } from '../retention/purge-expired.ts';
import type { Database } from '../storage/database.ts';
import { withSystem } from '../storage/transactions.ts';
import { type SyncDeps, syncTenant } from '../sync/sync-service.ts';

export const SYNC_QUEUE = 'tenant-sync';
const DUE_QUEUE = 'sync-due';
/** One job per webhook delivery (src/alerts/); the `sync-due` sweep also queues recorded ones. */
export const ALERT_QUEUE = 'alert-webhook';
/** Hourly: deletes what each workspace's retention policy says is due (src/retention/). */
const RETENTION_QUEUE = 'retention-purge';

export interface SyncJob {
  workspaceId: string;
  tenantId: string;
  trigger: 'schedule' | 'manual' | 'demo';
}

export interface Jobs {
  /** Queues a sync; a tenant has at most one queued (pg-boss `short` policy) and one running (the sync lock). */
  enqueueSync(job: SyncJob): Promise<string | null>;
  /** Queues every webhook delivery the analysis recorded and nobody queued yet; returns how many. */
  queuePendingAlerts(): Promise<number>;
  /** Hands every waiting outbox message to the email queue (src/delivery/); returns how many. */
  queuePendingEmails(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The job queue on the same database (pg-boss). `worker: true` also runs the work: tenant syncs
 * and a once-a-minute sweep that queues every tenant whose next sync is due.
 *
 * Why these numbers: a sync job expires after an hour (a 100,000-user tenant reads in minutes),
 * so a worker killed mid-sync has its job retried by another; the retry starts by abandoning the
 * unfinished snapshot, so no partial snapshot is ever visible.
 */
export async function startJobs(
  options: (
    | { database: Database; logger: Logger; worker: false }
    | {
        database: Database;
        logger: Logger;
        worker: true;
        sync: SyncDeps;
        /** webhook retries: tests shorten the delay */
        alertRetry?: { limit: number; delaySeconds: number };
      }
  ) & {
    /** email delivery (src/delivery/); without it emails wait in the outbox */
    email?: Omit<EmailJobsOptions, 'worker'>;
  },
): Promise<Jobs> {
  const boss = new PgBoss({
    ...options.database.connection,
    schema: 'pgboss',
    max: 3,
    application_name: 'tenantscope-jobs',
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => options.logger.error({ err: error }, 'job queue error'));
  await boss.start();
  await boss.createQueue(SYNC_QUEUE, {
    name: SYNC_QUEUE,
    policy: 'short',
    retryLimit: 2,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 3_600,
  });
  await boss.createQueue(DUE_QUEUE, { name: DUE_QUEUE, policy: 'singleton', expireInSeconds: 300 });
  // Webhook retries back off exponentially (pg-boss: about delay × 2^n, with jitter): with 30 s
  // and 6 retries the last attempt is roughly half an hour to an hour after the first, long
  // enough to ride out a receiver's restart or deploy without piling up work.
  const alertRetry = (options.worker && options.alertRetry) || { limit: 6, delaySeconds: 30 };
  await boss.createQueue(ALERT_QUEUE, {
    name: ALERT_QUEUE,
    policy: 'standard',
    retryLimit: alertRetry.limit,
    retryDelay: alertRetry.delaySeconds,
    retryBackoff: true,
    expireInSeconds: 120,
  });
  const queuePendingAlerts = async () => {
    const pending = await pendingWebhookDeliveries(options.database.db);
    for (const job of pending) {
      // queued first, marked after (outside any transaction): a crash in between queues it again
      // at the next sweep, and the attempt skips a delivery already delivered
      await boss.send(ALERT_QUEUE, job, { singletonKey: job.deliveryId });
      await markQueued(options.database.db, job);
    }
    return pending.length;
  };

  const emails = options.email
    ? await registerEmailJobs(boss, { ...options.email, worker: options.worker })
    : undefined;
  const queuePendingEmails = async () => (emails ? emails.queuePendingEmails() : 0);

  const enqueueSync = (job: SyncJob) => boss.send(SYNC_QUEUE, job, { singletonKey: job.tenantId });
  // Running syncs stop at their next page when the process shuts down; the tenant resumes soon after.
  const running = new Set<AbortController>();

  if (options.worker) {
    const { sync } = options;
    if (options.database.kind === 'pglite') await releaseStaleJobs(boss, options.database);
    await boss.work<SyncJob>(SYNC_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
      if (!job) return;
      const abort = new AbortController();
      running.add(abort);
      options.logger.info({ tenantId: job.data.tenantId, trigger: job.data.trigger }, 'tenant sync started');
      try {
        const result = await syncTenant(sync, job.data, undefined, abort.signal);
        options.logger.info(
          { tenantId: job.data.tenantId, status: result.status, code: result.error?.code },
          'tenant sync finished',
        );
      } finally {
        running.delete(abort);
      }
      // the analysis after the sync may have recorded drift notifications: send them now
      await queuePendingAlerts().catch((err) => options.logger.warn({ err }, 'queueing alerts failed'));
      // …and credential-expiry emails (src/sync/credential-expiry.ts)
      await queuePendingEmails().catch((err) => options.logger.warn({ err }, 'queueing emails failed'));
    });
    await boss.work(DUE_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
      for (const due of await dueTenants(options.database, sync.clock.now()))
        await enqueueSync({ ...due, trigger: 'schedule' });
      // the minute sweep also queues drift notifications a sync job did not (src/alerts/)
      await queuePendingAlerts();
    });
    await boss.schedule(DUE_QUEUE, '* * * * *');
    await boss.createQueue(RETENTION_QUEUE, {
      name: RETENTION_QUEUE,
      policy: 'singleton',
      expireInSeconds: 3_600,
    });
    await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
      await purgeAllWorkspaces({ db: options.database.db, clock: sync.clock, logger: options.logger });
    });
    await boss.schedule(RETENTION_QUEUE, '17 * * * *');
    const deliveryDeps = { db: options.database.db, vault: sync.vault, clock: sync.clock };
    await boss.work<DeliveryJob>(
      ALERT_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 1, includeMetadata: true },
      async ([job]) => {
        if (!job) return;
        const attempt = await attemptDelivery(deliveryDeps, job.data, job.retryCount >= job.retryLimit);
        if (attempt && !attempt.ok)
          options.logger.warn(
            { deliveryId: job.data.deliveryId, error: attempt.error },
            'webhook delivery failed',
          );
      },
    );
  }
  return {
    enqueueSync,
    queuePendingAlerts,
    queuePendingEmails,
    async stop() {
      for (const abort of running) abort.abort();
      await boss.stop({ graceful: true, timeout: 15_000, wait: true });
      emails?.stop();
    },
  };
}

/**
 * The embedded database belongs to one process, so a sync job still `active` when that process
 * starts was cut off by a kill: hand it back to the queue now rather than after it expires (an
 * hour). With PostgreSQL other workers may be alive, so there only expiry decides.
 */
async function releaseStaleJobs(boss: PgBoss, database: Database): Promise<void> {
  const stale = await sql<{
    id: string;
  }>`SELECT id FROM pgboss.job WHERE name = ${SYNC_QUEUE} AND state = 'active'`.execute(database.db);
  if (stale.rows.length > 0)
    await boss.fail(
      SYNC_QUEUE,
      stale.rows.map((r) => r.id),
    );
}

/** Tenants across workspaces whose next sync is due (a system read: the scheduler serves every workspace). */
async function dueTenants(
  database: Database,
  now: Date,
): Promise<{ workspaceId: string; tenantId: string }[]> {
  const rows = await withSystem(database.db, (tx) =>
    tx
      .selectFrom('tenants')
      .select(['id', 'workspace_id'])
      .where('status', 'in', ['new', 'connected'])
      .where('next_sync_at', '<=', now)
      .execute(),
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, tenantId: r.id }));
}
