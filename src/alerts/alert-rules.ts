/**
 * Alert rules: which new drift events notify whom. The webhook secret is sealed by the vault
 * under a data key of its own (owner `alert-webhook:<workspace>/<rule>`, so a ciphertext copied
 * onto another rule or workspace does not open) and is never part of a view.
 */
import { KIND_BY_NAME } from '../analyse/drift/index.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid, newId } from '../platform/ids.ts';
import type { Tx } from '../storage/transactions.ts';
import type { Vault } from '../tenants/credential-vault.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { checkWebhookUrl } from './webhook-url.ts';

export type Severity = 'high' | 'medium' | 'low';

export interface AlertRuleInput {
  name: string;
  enabled?: boolean;
  minSeverity: Severity;
  objectKinds?: string[];
  tenantIds?: string[];
  webhook?: { url: string; secret: string } | null;
  emailTo?: string[];
}

export interface AlertRuleView {
  id: string;
  name: string;
  enabled: boolean;
  minSeverity: Severity;
  objectKinds: string[];
  tenantIds: string[];
  /** the URL only: the secret is never returned */
  webhook: { url: string; secretSet: true } | null;
  emailTo: string[];
  createdBy: string;
  updatedAt: Date;
}

export interface RuleActor {
  workspaceId: string;
  by: string;
  now: Date;
  ip?: string;
}

export const webhookOwner = (workspaceId: string, ruleId: string) => `alert-webhook:${workspaceId}/${ruleId}`;

const VIEW_COLUMNS = [
  'id',
  'name',
  'enabled',
  'min_severity',
  'object_kinds',
  'tenant_ids',
  'webhook_url',
  'email_to',
  'created_by',
  'updated_at',
] as const;

export async function listAlertRules(tx: Tx): Promise<AlertRuleView[]> {
  const rows = await tx.selectFrom('alert_rules').select(VIEW_COLUMNS).orderBy('name').execute();
  return rows.map(view);
}

export async function getAlertRule(tx: Tx, id: string): Promise<AlertRuleView> {
  const row = isUuid(id)
    ? await tx.selectFrom('alert_rules').select(VIEW_COLUMNS).where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such alert rule');
  return view(row);
}

export async function createAlertRule(
  tx: Tx,
  vault: Vault | undefined,
  a: RuleActor,
  input: AlertRuleInput,
): Promise<AlertRuleView> {
  await checkRefs(tx, input);
  const id = newId();
  await tx
    .insertInto('alert_rules')
    .values({
      id,
      workspace_id: a.workspaceId,
      created_by: a.by,
      ...columns(vault, a.workspaceId, id, input, a.now),
    })
    .execute();
  await audit(tx, a, 'alert_rule.created', id, input);
  return getAlertRule(tx, id);
}

/** Replaces a rule's settings; `webhook: undefined` keeps the current webhook and its secret. */
export async function updateAlertRule(
  tx: Tx,
  vault: Vault | undefined,
  a: RuleActor,
  id: string,
  input: Partial<AlertRuleInput>,
): Promise<AlertRuleView> {
  const current = await getAlertRule(tx, id);
  const merged: AlertRuleInput = {
    name: input.name ?? current.name,
    enabled: input.enabled ?? current.enabled,
    minSeverity: input.minSeverity ?? current.minSeverity,
    objectKinds: input.objectKinds ?? current.objectKinds,
    tenantIds: input.tenantIds ?? current.tenantIds,
    emailTo: input.emailTo ?? current.emailTo,
    ...(input.webhook !== undefined ? { webhook: input.webhook } : {}),
  };
  await checkRefs(tx, merged);
  const { webhook_url, webhook_wrapped_key, webhook_secret_ciphertext, ...rest } = columns(
    vault,
    a.workspaceId,
    id,
    merged,
    a.now,
  );
  await tx
    .updateTable('alert_rules')
    .set({
      ...rest,
      ...(input.webhook !== undefined ? { webhook_url, webhook_wrapped_key, webhook_secret_ciphertext } : {}),
    })
    .where('id', '=', id)
    .execute();
  await audit(tx, a, 'alert_rule.updated', id, merged);
  return getAlertRule(tx, id);
}

export async function deleteAlertRule(tx: Tx, a: RuleActor, id: string): Promise<void> {
  const current = await getAlertRule(tx, id);
  await tx.deleteFrom('alert_rules').where('id', '=', id).execute();
  await appendAudit(tx, {
    workspaceId: a.workspaceId,
    actor: a.by,
    action: 'alert_rule.deleted',
    target: id,
    ...(a.ip ? { ip: a.ip } : {}),
    detail: { name: current.name },
  });
}

/** The webhook of a rule with its secret opened: only for the code that sends (never a view). */
export async function webhookOf(
  tx: Tx,
  vault: Vault,
  workspaceId: string,
  ruleId: string,
): Promise<{ url: string; secret: string } | null> {
  const row = await tx
    .selectFrom('alert_rules')
    .select(['webhook_url', 'webhook_wrapped_key', 'webhook_secret_ciphertext'])
    .where('id', '=', ruleId)
    .executeTakeFirst();
  if (!row?.webhook_url || !row.webhook_wrapped_key || !row.webhook_secret_ciphertext) return null;
  const opened = vault.open(webhookOwner(workspaceId, ruleId), {
    kind: 'secret',
    wrapped_data_key: row.webhook_wrapped_key,
    secret_ciphertext: row.webhook_secret_ciphertext,
    certificate_pem: null,
  });
  return { url: row.webhook_url, secret: opened.kind === 'secret' ? opened.clientSecret : '' };
}

function columns(
  vault: Vault | undefined,
  workspaceId: string,
  id: string,
  input: AlertRuleInput,
  now: Date,
) {
  const name = input.name.trim();
  if (!name || name.length > 200)
    throw new TenantscopeError('TS_ERR_VALIDATION', 'name: 1 to 200 characters');
  let sealed: { url: string; wrapped: string; ciphertext: string } | null = null;
  if (input.webhook) {
    const url = checkWebhookUrl(input.webhook.url);
    if (input.webhook.secret.length < 16)
      throw new TenantscopeError('TS_ERR_VALIDATION', 'webhook.secret: at least 16 characters');
    if (!vault)
      throw new TenantscopeError('TS_ERR_INTERNAL', 'the credential vault is not configured in this server');
    const s = vault.seal(webhookOwner(workspaceId, id), {
      kind: 'secret',
      clientSecret: input.webhook.secret,
    });
    sealed = { url, wrapped: s.wrapped_data_key, ciphertext: s.secret_ciphertext };
  }
  return {
    name,
    enabled: input.enabled ?? true,
    min_severity: input.minSeverity,
    object_kinds: JSON.stringify([...new Set(input.objectKinds ?? [])].sort()),
    tenant_ids: JSON.stringify([...new Set(input.tenantIds ?? [])].sort()),
    webhook_url: sealed?.url ?? null,
    webhook_wrapped_key: sealed?.wrapped ?? null,
    webhook_secret_ciphertext: sealed?.ciphertext ?? null,
    email_to: JSON.stringify([...new Set((input.emailTo ?? []).map((e) => e.toLowerCase()))].sort()),
    updated_at: now,
  };
}

async function checkRefs(tx: Tx, input: AlertRuleInput): Promise<void> {
  for (const k of input.objectKinds ?? [])
    if (!KIND_BY_NAME.has(k))
      throw new TenantscopeError(
        'TS_ERR_VALIDATION',
        `objectKinds: ${JSON.stringify(k)} is not a tracked kind`,
      );
  const ids = [...new Set(input.tenantIds ?? [])];
  if (ids.some((t) => !isUuid(t)))
    throw new TenantscopeError('TS_ERR_VALIDATION', 'tenantIds: must be UUIDs');
  if (ids.length) {
    const found = await tx.selectFrom('tenants').select('id').where('id', 'in', ids).execute();
    if (found.length !== ids.length)
      throw new TenantscopeError('TS_ERR_NOT_FOUND', 'tenantIds: no such tenant');
  }
}

async function audit(tx: Tx, a: RuleActor, action: string, id: string, input: Partial<AlertRuleInput>) {
  await appendAudit(tx, {
    workspaceId: a.workspaceId,
    actor: a.by,
    action,
    target: id,
    ...(a.ip ? { ip: a.ip } : {}),
    // never the secret: only whether a webhook is set, and where
    detail: { name: input.name, minSeverity: input.minSeverity, webhookUrl: input.webhook?.url ?? null },
  });
}

type Row = {
  id: string;
  name: string;
  enabled: boolean;
  min_severity: Severity;
  object_kinds: string[];
  tenant_ids: string[];
  webhook_url: string | null;
  email_to: string[];
  created_by: string;
  updated_at: Date;
};

function view(r: Row): AlertRuleView {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    minSeverity: r.min_severity,
    objectKinds: r.object_kinds,
    tenantIds: r.tenant_ids,
    webhook: r.webhook_url ? { url: r.webhook_url, secretSet: true } : null,
    emailTo: r.email_to,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  };
}
