/**
 * Posture queries for the API: findings with filters, one finding's history, acceptances,
 * per-tenant exceptions, score history. Every function takes the workspace transaction
 * (`withWorkspace`), so row-level security scopes it; ids from another workspace are not found.
 *
 * A finding's `state` is computed at read time for failing checks: a stored `fail` covered by an
 * unexpired acceptance reads `accepted`, a stored `accepted` whose acceptance expired or was
 * revoked reads `fail` — so a decision shows at once, and an expiry shows without waiting for a
 * sync. (Scores change with the next analysis.)
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import { ruleset } from '../analyse/posture/ruleset.ts';
import { TenantscopeError } from '../platform/errors.ts';
import { isUuid, newId } from '../platform/ids.ts';
import type { FindingEvidence, FindingState } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { requireTenant } from './tenant-guard.ts';

export interface FindingFilter {
  tenantId?: string;
  /** any of these tenants (the workspace list); every one must be of the workspace */
  tenantIds?: string[];
  /** effective states (see above) */
  state?: FindingState[];
  severity?: string[];
  area?: string[];
  /** true: failing and not fixed since (open episodes); false: resolved ones */
  open?: boolean;
  /** words in the check's title or id, or the tenant's name, case-insensitive */
  q?: string | undefined;
  sort?: FindingSort;
  /** asc: most severe, A–Z, oldest first */
  dir?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export type FindingSort = 'severity' | 'tenant' | 'check' | 'area' | 'state' | 'since';

export interface AcceptanceView {
  id: string;
  reason: string;
  acceptedBy: string;
  acceptedAt: Date;
  expiresAt: Date;
  expired: boolean;
}

export interface FindingView {
  id: string;
  tenantId: string;
  tenantName: string;
  checkId: string;
  state: FindingState;
  severity: string;
  area: string;
  title: string;
  summary: string;
  reason: string | null;
  evidence: FindingEvidence;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  resolvedAt: Date | null;
  snapshotId: string | null;
  evaluatedCollectedAt: Date;
  /** the acceptance that counts (longest-running, not revoked), expired or not */
  acceptance: AcceptanceView | null;
}

const SEVERITY_ORDER = sql<number>`CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

const effectiveState = (now: Date) =>
  sql<FindingState>`CASE WHEN f.state IN ('fail', 'accepted') THEN (CASE WHEN a.expires_at > ${now} THEN 'accepted' ELSE 'fail' END) ELSE f.state END`;

/**
 * `ILIKE` over the check's title and id and the tenant's name (`t`). The words are a bound value;
 * `%`, `_` and `\` in them match themselves.
 */
export function textMatch(text: string): Expression<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, '\\$&')}%`;
  return sql<SqlBool>`(f.title ILIKE ${pattern} OR f.check_id ILIKE ${pattern} OR t.display_name ILIKE ${pattern})`;
}

/**
 * The sort's own key, then severity, tenant and check, so every page is in a stable order. Text
 * sorts lower-cased under the "C" collation: the same order on PGlite and on any PostgreSQL locale.
 */
function orderOf(filter: FindingFilter, now: Date): Expression<unknown>[] {
  const dir = sql.raw(filter.dir === 'desc' ? 'DESC' : 'ASC');
  const tenantName = sql`lower(t.display_name) COLLATE "C"`;
  const keys: Record<FindingSort, Expression<unknown>> = {
    severity: SEVERITY_ORDER,
    tenant: tenantName,
    check: sql`lower(f.title) COLLATE "C"`,
    area: sql`f.area COLLATE "C"`,
    state: sql`${effectiveState(now)} COLLATE "C"`,
    since: sql`f.first_seen_at`,
  };
  return [
    sql`${keys[filter.sort ?? 'severity']} ${dir} NULLS LAST`,
    SEVERITY_ORDER,
    tenantName,
    sql`f.tenant_id`,
    sql`f.check_id`,
  ];
}

/** Findings of the workspace (or one tenant), most severe first. `now` decides acceptance expiry. */
export async function listFindings(tx: Tx, filter: FindingFilter, now: Date): Promise<FindingView[]> {
  const limit = Math.min(Math.max(filter.limit ?? 200, 1), 1000);
  let q = tx
    .selectFrom('findings as f')
    .innerJoin('tenants as t', 't.id', 'f.tenant_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('finding_acceptances as fa')
          .select(['fa.id', 'fa.reason', 'fa.accepted_by', 'fa.accepted_at', 'fa.expires_at'])
          .whereRef('fa.tenant_id', '=', 'f.tenant_id')
          .whereRef('fa.check_id', '=', 'f.check_id')
          .where('fa.revoked_at', 'is', null)
          .orderBy('fa.expires_at', 'desc')
          .limit(1)
          .as('a'),
      (join) => join.onTrue(),
    )
    .selectAll('f')
    .select([
      't.display_name as tenant_name',
      effectiveState(now).as('effective_state'),
      'a.id as acceptance_id',
      'a.reason as acceptance_reason',
      'a.accepted_by',
      'a.accepted_at',
      'a.expires_at',
    ]);
  if (filter.tenantId) q = q.where('f.tenant_id', '=', uuid(filter.tenantId, 'tenant id'));
  if (filter.tenantIds?.length) q = q.where('f.tenant_id', 'in', filter.tenantIds);
  if (filter.state?.length) q = q.where(effectiveState(now), 'in', filter.state);
  if (filter.severity?.length) q = q.where('f.severity', 'in', filter.severity as never);
  if (filter.area?.length) q = q.where('f.area', 'in', filter.area);
  if (filter.open !== undefined) q = q.where(openExpression(filter.open));
  if (filter.q) q = q.where(textMatch(filter.q));
  for (const key of orderOf(filter, now)) q = q.orderBy(key);
  const rows = await q
    .limit(limit)
    .offset(Math.max(filter.offset ?? 0, 0))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    checkId: r.check_id,
    state: r.effective_state,
    severity: r.severity,
    area: r.area,
    title: r.title,
    summary: r.summary,
    reason: r.reason,
    evidence: r.evidence,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    resolvedAt: r.resolved_at,
    snapshotId: r.snapshot_id,
    evaluatedCollectedAt: r.evaluated_collected_at,
    acceptance:
      r.acceptance_id && r.expires_at && r.accepted_at
        ? {
            id: r.acceptance_id,
            reason: r.acceptance_reason ?? '',
            acceptedBy: r.accepted_by ?? '',
            acceptedAt: r.accepted_at,
            expiresAt: r.expires_at,
            expired: r.expires_at.getTime() <= now.getTime(),
          }
        : null,
  }));
}

function openExpression(open: boolean): Expression<SqlBool> {
  return open
    ? sql<SqlBool>`f.first_seen_at IS NOT NULL AND f.resolved_at IS NULL`
    : sql<SqlBool>`f.resolved_at IS NOT NULL`;
}

/** One check of one tenant over time: its state changes and every acceptance (revoked ones too). */
export async function findingHistory(tx: Tx, tenantId: string, checkId: string) {
  await requireTenant(tx, tenantId);
  const changes = await tx
    .selectFrom('finding_history')
    .select([
      'collected_at as collectedAt',
      'snapshot_id as snapshotId',
      'from_state as from',
      'to_state as to',
    ])
    .where('tenant_id', '=', tenantId)
    .where('check_id', '=', checkId)
    .orderBy('collected_at')
    .orderBy('id')
    .execute();
  const acceptances = await tx
    .selectFrom('finding_acceptances')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('check_id', '=', checkId)
    .orderBy('accepted_at')
    .execute();
  return {
    changes,
    acceptances: acceptances.map((a) => ({
      id: a.id,
      reason: a.reason,
      acceptedBy: a.accepted_by,
      acceptedAt: a.accepted_at,
      expiresAt: a.expires_at,
      revokedAt: a.revoked_at,
      revokedBy: a.revoked_by,
    })),
  };
}

export interface AcceptInput {
  workspaceId: string;
  tenantId: string;
  checkId: string;
  reason: string;
  expiresAt: Date;
  /** a member id, `cli` or `system` */
  by: string;
  now: Date;
  ip?: string;
}

/**
 * Accepts a check's failure for one tenant until `expiresAt`; an earlier acceptance of the same
 * check is revoked by this one. After expiry the finding reads `fail` again.
 */
export async function acceptFinding(tx: Tx, input: AcceptInput): Promise<AcceptanceView> {
  await requireTenant(tx, input.tenantId);
  if (!ruleset().some((c) => c.id === input.checkId))
    throw new TenantscopeError(
      'TS_ERR_NOT_FOUND',
      `no check ${JSON.stringify(input.checkId)} in the ruleset`,
    );
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 2000)
    throw new TenantscopeError(
      'TS_ERR_VALIDATION',
      'reason: give why the finding is accepted (1–2000 characters)',
    );
  if (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt <= input.now)
    throw new TenantscopeError('TS_ERR_VALIDATION', 'expiresAt: must be a date in the future');
  await tx
    .updateTable('finding_acceptances')
    .set({ revoked_at: input.now, revoked_by: input.by })
    .where('tenant_id', '=', input.tenantId)
    .where('check_id', '=', input.checkId)
    .where('revoked_at', 'is', null)
    .execute();
  const id = newId();
  await tx
    .insertInto('finding_acceptances')
    .values({
      id,
      workspace_id: input.workspaceId,
      tenant_id: input.tenantId,
      check_id: input.checkId,
      reason,
      accepted_by: input.by,
      accepted_at: input.now,
      expires_at: input.expiresAt,
    })
    .execute();
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.by,
    action: 'finding.accepted',
    target: input.tenantId,
    ...(input.ip ? { ip: input.ip } : {}),
    detail: { checkId: input.checkId, expiresAt: input.expiresAt.toISOString() },
  });
  return {
    id,
    reason,
    acceptedBy: input.by,
    acceptedAt: input.now,
    expiresAt: input.expiresAt,
    expired: false,
  };
}

/** Revokes the tenant's active acceptance of a check; false when there was none. */
export async function revokeAcceptance(
  tx: Tx,
  input: { workspaceId: string; tenantId: string; checkId: string; by: string; now: Date; ip?: string },
): Promise<boolean> {
  await requireTenant(tx, input.tenantId);
  const result = await tx
    .updateTable('finding_acceptances')
    .set({ revoked_at: input.now, revoked_by: input.by })
    .where('tenant_id', '=', input.tenantId)
    .where('check_id', '=', input.checkId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const revoked = Number(result.numUpdatedRows) > 0;
  if (revoked)
    await appendAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.by,
      action: 'finding.acceptance_revoked',
      target: input.tenantId,
      ...(input.ip ? { ip: input.ip } : {}),
      detail: { checkId: input.checkId },
    });
  return revoked;
}

/** Score per analysed snapshot, oldest first (the chart of one tenant). */
export async function scoreHistory(tx: Tx, tenantId: string, limit = 90) {
  await requireTenant(tx, tenantId);
  const rows = await tx
    .selectFrom('posture_scores')
    .select([
      'collected_at',
      'snapshot_id',
      'score',
      'passed_weight',
      'possible_weight',
      'counts',
      'areas',
      'licence_plan',
    ])
    .where('tenant_id', '=', tenantId)
    .orderBy('collected_at', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1000))
    .execute();
  return rows.reverse().map((r) => ({
    collectedAt: r.collected_at,
    snapshotId: r.snapshot_id,
    score: r.score,
    passedWeight: r.passed_weight,
    possibleWeight: r.possible_weight,
    counts: r.counts,
    areas: r.areas,
    licencePlan: r.licence_plan,
  }));
}

function uuid(value: string, what: string): string {
  if (!isUuid(value)) throw new TenantscopeError('TS_ERR_VALIDATION', `${what} must be a UUID`);
  return value;
}
