/**
 * Turning a comparison's new drift events into notifications. Only events still `open` after the
 * earlier triage was carried over count: a change already marked accepted or customer-specific
 * is not news. One notification per rule, comparison and channel (the table's unique key), so
 * analysing the same snapshot again notifies no one twice.
 */

import type { EmailContent } from '../delivery/email-content.ts';
import { enqueueEmail } from '../delivery/outbox.ts';
import { newId } from '../platform/ids.ts';
import type { Tx } from '../storage/transactions.ts';
import type { Severity } from './alert-rules.ts';

const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 };
/** Events named in one notification body; the count says how many there were in all. */
export const EVENTS_PER_NOTIFICATION = 100;

export interface MatchRule {
  enabled: boolean;
  minSeverity: Severity;
  objectKinds: string[];
  tenantIds: string[];
}

export interface MatchEvent {
  tenantId: string;
  objectKind: string;
  severity: Severity;
}

/** Empty kinds or tenants mean all of them. */
export function ruleMatches(rule: MatchRule, event: MatchEvent): boolean {
  return (
    rule.enabled &&
    RANK[event.severity] >= RANK[rule.minSeverity] &&
    (rule.objectKinds.length === 0 || rule.objectKinds.includes(event.objectKind)) &&
    (rule.tenantIds.length === 0 || rule.tenantIds.includes(event.tenantId))
  );
}

/** Records the notifications a comparison's new events call for; returns the webhook ones to queue. */
export async function notifyDriftEvents(
  tx: Tx,
  input: { workspaceId: string; tenantId: string; comparisonId: string; now: Date },
): Promise<string[]> {
  const rules = await tx.selectFrom('alert_rules').selectAll().where('enabled', '=', true).execute();
  if (rules.length === 0) return [];
  const events = await tx
    .selectFrom('drift_events')
    .selectAll()
    .where('comparison_id', '=', input.comparisonId)
    .where('triage_state', '=', 'open')
    .orderBy('severity')
    .orderBy('object_kind')
    .orderBy('object_id')
    .orderBy('path')
    .execute();
  if (events.length === 0) return [];
  const tenant = await tx
    .selectFrom('tenants')
    .select(['id', 'display_name', 'microsoft_tenant_id'])
    .where('id', '=', input.tenantId)
    .executeTakeFirstOrThrow();
  const queued: string[] = [];
  for (const rule of rules) {
    const r = {
      enabled: rule.enabled,
      minSeverity: rule.min_severity,
      objectKinds: rule.object_kinds,
      tenantIds: rule.tenant_ids,
    };
    const matching = events.filter((e) =>
      ruleMatches(r, { tenantId: e.tenant_id, objectKind: e.object_kind, severity: e.severity }),
    );
    if (matching.length === 0) continue;
    const payload = {
      type: 'drift.events',
      rule: { id: rule.id, name: rule.name },
      tenant: { id: tenant.id, name: tenant.display_name, microsoftTenantId: tenant.microsoft_tenant_id },
      comparison: {
        id: input.comparisonId,
        fromCollectedAt: matching[0]!.from_collected_at.toISOString(),
        toCollectedAt: matching[0]!.to_collected_at.toISOString(),
      },
      totalEvents: matching.length,
      events: matching.slice(0, EVENTS_PER_NOTIFICATION).map((e) => ({
        id: e.id,
        objectKind: e.object_kind,
        objectId: e.object_id,
        objectName: e.object_name,
        path: e.path,
        kind: e.kind,
        severity: e.severity,
        before: e.before,
        after: e.after,
        actor: e.actor_label,
        attribution: e.attribution,
      })),
    };
    const channels: { channel: 'webhook' | 'email'; target: string }[] = [];
    if (rule.webhook_url) channels.push({ channel: 'webhook', target: rule.webhook_url });
    if (rule.email_to.length) channels.push({ channel: 'email', target: rule.email_to.join(', ') });
    for (const c of channels) {
      const row = await tx
        .insertInto('alert_deliveries')
        .values({
          id: newId(),
          workspace_id: input.workspaceId,
          rule_id: rule.id,
          tenant_id: input.tenantId,
          comparison_id: input.comparisonId,
          channel: c.channel,
          kind: 'drift',
          // a webhook waits for its job; an email is handed to the outbox below at once
          status: c.channel === 'email' ? 'queued' : 'pending',
          target: c.target,
          payload: JSON.stringify(payload),
          created_at: input.now,
        })
        .onConflict((oc) => oc.columns(['rule_id', 'comparison_id', 'channel']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row && c.channel === 'webhook') queued.push(row.id);
      if (row && c.channel === 'email')
        for (const to of rule.email_to)
          await enqueueEmail(
            tx,
            {
              workspaceId: input.workspaceId,
              kind: 'driftAlert',
              to,
              content: driftAlertEmail(rule.name, tenant.display_name, payload.events, matching.length),
              ref: `alertDelivery:${row.id}`,
              dedupeKey: `driftAlert:${row.id}:${to}`,
            },
            undefined,
            input.now,
          );
    }
  }
  return queued;
}

/** The email form of a drift notification: the changes in words, at most the first ten. */
function driftAlertEmail(
  ruleName: string,
  tenantName: string,
  events: {
    objectKind: string;
    objectName: string | null;
    path: string;
    kind: string;
    severity: string;
    actor: string | null;
  }[],
  total: number,
): EmailContent {
  const lines = events
    .slice(0, 10)
    .map(
      (e) =>
        `${e.severity}: ${e.kind} ${e.objectKind} "${e.objectName ?? 'unnamed'}" ${e.path || ''} — by ${e.actor ?? 'unknown'}`,
    );
  const more =
    total > lines.length
      ? [`…and ${total - lines.length} more; the drift tab of the tenant lists them all.`]
      : [];
  return {
    subject: `${total} configuration change${total === 1 ? '' : 's'} in ${tenantName}`,
    heading: `Configuration drift in ${tenantName}`,
    paragraphs: [...lines, ...more],
    details: [
      ['Tenant', tenantName],
      ['Alert rule', ruleName],
    ],
  };
}
