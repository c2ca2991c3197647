/**
 * Delivering notifications. A webhook delivery is one pg-boss job (queue `alert-webhook`, see
 * src/jobs/job-queue.ts): each attempt is recorded on its `alert_deliveries` row (attempts,
 * status code, last error — never the secret), a failed attempt throws so pg-boss retries it
 * with exponential backoff, and the last allowed attempt marks the row `failed`.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import type { Schema } from '../storage/schema.ts';
import { withSystem, withWorkspace } from '../storage/transactions.ts';
import type { Vault } from '../tenants/credential-vault.ts';
import { getAlertRule, webhookOf } from './alert-rules.ts';
import { sendWebhook, type WebhookAttempt } from './webhook-send.ts';

export interface DeliveryDeps {
  db: Kysely<Schema>;
  vault: Vault;
  clock: Clock;
}

export interface DeliveryJob {
  workspaceId: string;
  deliveryId: string;
}

/** One attempt of a queued webhook delivery. Throws when it should be retried. */
export async function attemptDelivery(
  deps: DeliveryDeps,
  job: DeliveryJob,
  finalAttempt: boolean,
): Promise<WebhookAttempt | null> {
  const loaded = await withWorkspace(deps.db, job.workspaceId, async (tx) => {
    const d = await tx
      .selectFrom('alert_deliveries')
      .select(['id', 'rule_id', 'status', 'channel', 'payload'])
      .where('id', '=', job.deliveryId)
      .executeTakeFirst();
    if (d?.channel !== 'webhook' || d.status === 'delivered' || d.status === 'failed') return null;
    return { delivery: d, webhook: await webhookOf(tx, deps.vault, job.workspaceId, d.rule_id) };
  });
  // gone (rule deleted), already done, or the rule's webhook was removed since
  if (!loaded) return null;
  const attempt = loaded.webhook
    ? await sendWebhook({
        url: loaded.webhook.url,
        secret: loaded.webhook.secret,
        body: JSON.stringify(loaded.delivery.payload),
        deliveryId: job.deliveryId,
        now: deps.clock.now(),
      })
    : { ok: false, statusCode: null, error: 'the rule no longer has a webhook' };
  const done = attempt.ok || finalAttempt || !loaded.webhook;
  await record(deps, job, attempt, done ? (attempt.ok ? 'delivered' : 'failed') : 'queued');
  if (!done) throw new TenantscopeError('TS_ERR_INTERNAL', `webhook delivery failed: ${attempt.error}`);
  return attempt;
}

/** A test notification sent at once (one attempt, no retry), recorded in the delivery log. */
export async function sendTestWebhook(
  deps: DeliveryDeps,
  input: { workspaceId: string; ruleId: string; by: string },
): Promise<{ deliveryId: string; attempt: WebhookAttempt }> {
  const id = newId();
  const prepared = await withWorkspace(deps.db, input.workspaceId, async (tx) => {
    const rule = await getAlertRule(tx, input.ruleId);
    const webhook = await webhookOf(tx, deps.vault, input.workspaceId, input.ruleId);
    if (!webhook) throw new TenantscopeError('TS_ERR_VALIDATION', 'the rule has no webhook to test');
    const payload = {
      type: 'test',
      rule: { id: rule.id, name: rule.name },
      message: 'A test notification from Tenantscope: the signature verified means the secret matches.',
      requestedBy: input.by,
    };
    await tx
      .insertInto('alert_deliveries')
      .values({
        id,
        workspace_id: input.workspaceId,
        rule_id: rule.id,
        channel: 'webhook',
        kind: 'test',
        status: 'queued',
        target: webhook.url,
        payload: JSON.stringify(payload),
        created_at: deps.clock.now(),
      })
      .execute();
    return { webhook, payload };
  });
  const attempt = await sendWebhook({
    url: prepared.webhook.url,
    secret: prepared.webhook.secret,
    body: JSON.stringify(prepared.payload),
    deliveryId: id,
    now: deps.clock.now(),
  });
  await record(
    deps,
    { workspaceId: input.workspaceId, deliveryId: id },
    attempt,
    attempt.ok ? 'delivered' : 'failed',
  );
  return { deliveryId: id, attempt };
}

async function record(
  deps: DeliveryDeps,
  job: DeliveryJob,
  attempt: WebhookAttempt,
  status: 'queued' | 'delivered' | 'failed',
): Promise<void> {
  const now = deps.clock.now();
  await withWorkspace(deps.db, job.workspaceId, (tx) =>
    tx
      .updateTable('alert_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        status,
        last_status_code: attempt.statusCode,
        last_error: attempt.error,
        last_attempt_at: now,
        ...(status === 'delivered' ? { delivered_at: now } : {}),
      }))
      .where('id', '=', job.deliveryId)
      .execute(),
  );
}

/**
 * Webhook deliveries waiting to be queued, across workspaces (a system read: the queue serves
 * every workspace, as the sync scheduler does). Email rows stay pending: there is no sender yet.
 */
export async function pendingWebhookDeliveries(db: Kysely<Schema>, limit = 500): Promise<DeliveryJob[]> {
  const rows = await withSystem(db, (tx) =>
    tx
      .selectFrom('alert_deliveries')
      .select(['id', 'workspace_id'])
      .where('status', '=', 'pending')
      .where('channel', '=', 'webhook')
      .orderBy('created_at')
      .limit(limit)
      .execute(),
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, deliveryId: r.id }));
}

/** Marks a delivery handed to the queue, so the next sweep does not queue it again. */
export async function markQueued(db: Kysely<Schema>, job: DeliveryJob): Promise<void> {
  await withWorkspace(db, job.workspaceId, (tx) =>
    tx
      .updateTable('alert_deliveries')
      .set({ status: 'queued' })
      .where('id', '=', job.deliveryId)
      .where('status', '=', 'pending')
      .execute(),
  );
}
