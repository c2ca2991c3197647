/**
 * The outbox on the job queue: queue `email-send` (one job per message) and a once-a-minute
 * `email-due` sweep that hands waiting messages to it. Registered by src/jobs/job-queue.ts.
 */
import type PgBoss from 'pg-boss';
import {
  type AttemptResult,
  attemptEmail,
  createTransport,
  type MailerDeps,
  markEmailQueued,
  markNotConfigured,
  pendingEmailIds,
  type Transport,
} from './outbox-sender.ts';

export const EMAIL_QUEUE = 'email-send';
const EMAIL_DUE_QUEUE = 'email-due';

export interface EmailJob {
  outboxId: string;
}

export interface EmailJobsOptions {
  mailer: MailerDeps;
  /** run the sender in this process (the worker) */
  worker: boolean;
  /** tests shorten the delay */
  retry?: { limit: number; delaySeconds: number } | undefined;
  /** tests observe attempts */
  onAttempt?: ((result: AttemptResult) => void) | undefined;
}

/**
 * Why these numbers: 30 s doubling over 8 retries (pg-boss backoff, with jitter) spreads
 * attempts over about two hours, enough to ride out an SMTP server's restart or a greylisting
 * delay (typically 5–15 min) without hammering it. A job expires after 3 minutes: the transport's
 * own timeouts (15 s to connect and greet, 60 s idle socket) end a stuck attempt well before.
 */
const DEFAULT_RETRY = { limit: 8, delaySeconds: 30 };

export async function registerEmailJobs(
  boss: PgBoss,
  options: EmailJobsOptions,
): Promise<{ queuePendingEmails(): Promise<number>; stop(): void }> {
  const { mailer } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  await boss.createQueue(EMAIL_QUEUE, {
    name: EMAIL_QUEUE,
    policy: 'standard',
    retryLimit: retry.limit,
    retryDelay: retry.delaySeconds,
    retryBackoff: true,
    expireInSeconds: 180,
  });
  await boss.createQueue(EMAIL_DUE_QUEUE, {
    name: EMAIL_DUE_QUEUE,
    policy: 'singleton',
    expireInSeconds: 300,
  });
  if (!mailer.smtp)
    mailer.logger.warn(
      'email delivery is not configured (TENANTSCOPE_SMTP_URL): invitations, password resets and notices wait in the outbox',
    );

  const queuePendingEmails = async (): Promise<number> => {
    if (!mailer.smtp) {
      await markNotConfigured(mailer.db);
      return 0;
    }
    const ids = await pendingEmailIds(mailer.db);
    for (const outboxId of ids) {
      // queued first, marked after (outside any transaction): a crash in between queues it again
      // at the next sweep, and the second attempt finds the message already claimed or sent
      await boss.send(EMAIL_QUEUE, { outboxId } satisfies EmailJob, { singletonKey: outboxId });
      await markEmailQueued(mailer.db, outboxId);
    }
    return ids.length;
  };

  let transport: Transport | undefined;
  if (options.worker) {
    const smtp = mailer.smtp;
    transport = smtp ? createTransport(smtp, mailer.tlsCa) : undefined;
    const sender = transport;
    if (sender)
      await boss.work<EmailJob>(
        EMAIL_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 1, includeMetadata: true },
        async ([job]) => {
          if (!job) return;
          const result = await attemptEmail(
            mailer,
            sender,
            job.data.outboxId,
            job.retryCount >= job.retryLimit,
          );
          options.onAttempt?.(result);
          logAttempt(mailer, job.data.outboxId, result);
          // throwing hands the job back to pg-boss, which retries it after the backoff
          if (result.outcome === 'retry') throw new Error(`email not sent yet: ${result.reason}`);
        },
      );
    await boss.work(EMAIL_DUE_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
      await queuePendingEmails();
    });
    await boss.schedule(EMAIL_DUE_QUEUE, '* * * * *');
  }
  return { queuePendingEmails, stop: () => transport?.close() };
}

/** Ids and outcomes only: never an address, a subject or a link. */
function logAttempt(mailer: MailerDeps, outboxId: string, result: AttemptResult): void {
  if (result.outcome === 'sent') mailer.logger.info({ outboxId }, 'email sent');
  else if (result.outcome === 'retry' || result.outcome === 'failed')
    mailer.logger.warn({ outboxId, outcome: result.outcome, reason: result.reason }, 'email not sent');
}
