/**
 * The delivery log: every notification an alert rule sent, newest first. A webhook row holds its
 * own sending state; an email row is handed to the outbox as one message per address
 * (`ref = alertDelivery:<id>`), so its state is read from those messages: delivered once every
 * one is sent, failed as soon as one failed, expired or was withdrawn, queued until then.
 */
import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../storage/transactions.ts';

export type DeliveryStatus = 'pending' | 'queued' | 'delivered' | 'failed';

export interface DeliveryView {
  id: string;
  ruleId: string;
  tenantId: string | null;
  comparisonId: string | null;
  channel: 'webhook' | 'email';
  kind: 'drift' | 'test';
  status: DeliveryStatus;
  target: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  totalEvents: number | null;
}

/** What an email delivery's outbox messages add up to (none: the row's own state stands). */
export interface EmailRollup {
  messages: number;
  sent: number;
  failed: number;
  /** the first message that will never be sent: its address and why */
  failedDetail: string | null;
  /** why the first waiting message waits (`delivery not configured`), if it says */
  waitingDetail: string | null;
}

/** What the log says of an email delivery in words; null when there is nothing to say. */
export function emailNote(m: EmailRollup): string | null {
  if (m.messages === 0) return null;
  if (m.failed > 0) {
    const lead = m.messages === 1 ? 'not sent' : `${m.failed} of ${m.messages} not sent`;
    return m.failedDetail ? `${lead}: ${m.failedDetail}` : lead;
  }
  if (m.sent === m.messages) return null;
  const lead = m.messages === 1 ? 'waiting to be sent' : `${m.sent} of ${m.messages} sent`;
  return m.waitingDetail ? `${lead} (${m.waitingDetail})` : lead;
}

const ENDED = sql`('failed', 'expired', 'cancelled')`;

/** The status a row reads: an email's from its messages, the same rule as `emailNote`. */
const effectiveStatus = sql<DeliveryStatus>`CASE
  WHEN d.channel <> 'email' OR m.messages = 0 THEN d.status
  WHEN m.failed > 0 THEN 'failed'
  WHEN m.sent = m.messages THEN 'delivered'
  ELSE 'queued' END`;

/** The delivery log, newest first. */
export async function listDeliveries(
  tx: Tx,
  filter: { ruleId?: string; status?: DeliveryStatus; limit?: number },
): Promise<DeliveryView[]> {
  let q = tx
    .selectFrom('alert_deliveries as d')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('email_outbox as o')
          .select([
            sql<number>`count(*)::int`.as('messages'),
            sql<number>`(count(*) FILTER (WHERE o.status = 'sent'))::int`.as('sent'),
            sql<number>`(count(*) FILTER (WHERE o.status IN ${ENDED}))::int`.as('failed'),
            sql<string | null>`(array_agg(o.to_address || ': ' || coalesce(o.detail, o.status::text)
              ORDER BY o.created_at, o.id) FILTER (WHERE o.status IN ${ENDED}))[1]`.as('failed_detail'),
            sql<string | null>`(array_agg(o.detail ORDER BY o.created_at, o.id)
              FILTER (WHERE o.status <> 'sent' AND o.status NOT IN ${ENDED} AND o.detail IS NOT NULL))[1]`.as(
              'waiting_detail',
            ),
            sql<number | null>`sum(o.attempts)::int`.as('email_attempts'),
            sql<Date | null>`max(o.claimed_at)`.as('last_claimed_at'),
            sql<Date | null>`max(o.sent_at)`.as('last_sent_at'),
          ])
          .where(sql<SqlBool>`d.channel = 'email' AND o.ref = 'alertDelivery:' || d.id::text`)
          .as('m'),
      (join) => join.onTrue(),
    )
    .selectAll('d')
    .select([
      effectiveStatus.as('effective_status'),
      'm.messages',
      'm.sent',
      'm.failed',
      'm.failed_detail',
      'm.waiting_detail',
      'm.email_attempts',
      'm.last_claimed_at',
      'm.last_sent_at',
    ]);
  if (filter.ruleId) q = q.where('d.rule_id', '=', filter.ruleId);
  if (filter.status) q = q.where(effectiveStatus, '=', filter.status);
  const rows = await q
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .limit(Math.min(Math.max(filter.limit ?? 100, 1), 500))
    .execute();
  return rows.map((r) => {
    const rollup: EmailRollup = {
      messages: r.messages ?? 0,
      sent: r.sent ?? 0,
      failed: r.failed ?? 0,
      failedDetail: r.failed_detail,
      waitingDetail: r.waiting_detail,
    };
    const byEmail = r.channel === 'email' && rollup.messages > 0;
    return {
      id: r.id,
      ruleId: r.rule_id,
      tenantId: r.tenant_id,
      comparisonId: r.comparison_id,
      channel: r.channel,
      kind: r.kind,
      status: r.effective_status,
      target: r.target,
      attempts: byEmail ? (r.email_attempts ?? 0) : r.attempts,
      lastStatusCode: r.last_status_code,
      lastError: byEmail ? emailNote(rollup) : r.last_error,
      createdAt: r.created_at,
      lastAttemptAt: byEmail ? r.last_claimed_at : r.last_attempt_at,
      deliveredAt: byEmail ? (r.effective_status === 'delivered' ? r.last_sent_at : null) : r.delivered_at,
      totalEvents: typeof r.payload.totalEvents === 'number' ? r.payload.totalEvents : null,
    };
  });
}
