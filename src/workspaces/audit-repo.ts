import type { AuditEntry } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';

export interface AuditEvent {
  workspaceId: string;
  /** a user id, or `system`, or `cli` */
  actor: string;
  /** dotted verb, e.g. `workspace.created`, `member.role_changed`, `tenant.scanned` */
  action: string;
  target?: string;
  ip?: string;
  detail?: Record<string, unknown>;
}

/** Appends one audit record (inside withWorkspace; the table refuses updates). */
export async function appendAudit(tx: Tx, event: AuditEvent): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      workspace_id: event.workspaceId,
      actor: event.actor,
      action: event.action,
      target: event.target ?? null,
      ip: event.ip ?? null,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}

export async function listAudit(tx: Tx, limit = 100): Promise<AuditEntry[]> {
  return tx
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
