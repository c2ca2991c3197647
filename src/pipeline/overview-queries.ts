/**
 * Aggregates for the API: the total behind a page of findings, and the MSP overview (one row per
 * tenant: last sync, score, open findings by severity, recent drift, licence waste). Each
 * aggregate is one grouped query over the whole workspace, never one query per tenant.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import type { FindingState, TenantStatus } from '../storage/schema.ts';
import type { Tx } from '../storage/transactions.ts';
import { type FindingFilter, textMatch } from './findings-queries.ts';
import { requireTenant, requireTenants } from './tenant-guard.ts';

/**
 * The state a finding reads at `now`, as `listFindings` computes it: a stored fail or accepted
 * reads accepted while an unrevoked acceptance of that check runs past `now`, fail otherwise.
 */
const effectiveState = (now: Date) =>
  sql<FindingState>`CASE WHEN f.state IN ('fail', 'accepted') THEN (CASE WHEN EXISTS (
    SELECT 1 FROM finding_acceptances fa WHERE fa.tenant_id = f.tenant_id AND fa.check_id = f.check_id
      AND fa.revoked_at IS NULL AND fa.expires_at > ${now}) THEN 'accepted' ELSE 'fail' END) ELSE f.state END`;

/** How many findings `listFindings(tx, filter, now)` would return without limit and offset. */
export async function countFindings(tx: Tx, filter: FindingFilter, now: Date): Promise<number> {
  if (filter.tenantId) await requireTenant(tx, filter.tenantId);
  if (filter.tenantIds?.length) await requireTenants(tx, filter.tenantIds);
  const row = await filtered(tx, filter, now)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * How many findings each severity has under every filter but severity: what choosing one more
 * severity would add. One grouped query; severities without findings are absent.
 */
export async function countFindingsBySeverity(
  tx: Tx,
  filter: FindingFilter,
  now: Date,
): Promise<Record<string, number>> {
  const rows = await filtered(tx, { ...filter, severity: undefined }, now)
    .select(['f.severity', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('f.severity')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.severity, Number(r.n)]));
}

/** The findings (joined with their tenant) that `filter` keeps, before paging. */
function filtered(tx: Tx, filter: FindingFilter, now: Date) {
  let q = tx.selectFrom('findings as f').innerJoin('tenants as t', 't.id', 'f.tenant_id');
  if (filter.tenantId) q = q.where('f.tenant_id', '=', filter.tenantId);
  if (filter.tenantIds?.length) q = q.where('f.tenant_id', 'in', filter.tenantIds);
  if (filter.state?.length) q = q.where(effectiveState(now), 'in', filter.state);
  if (filter.severity?.length) q = q.where('f.severity', 'in', filter.severity as never);
  if (filter.area?.length) q = q.where('f.area', 'in', filter.area);
  if (filter.open !== undefined)
    q = q.where(
      filter.open
        ? sql<SqlBool>`f.first_seen_at IS NOT NULL AND f.resolved_at IS NULL`
        : sql<SqlBool>`f.resolved_at IS NOT NULL`,
    );
  if (filter.q) q = q.where(textMatch(filter.q));
  return q;
}

export interface TenantOverview {
  id: string;
  name: string;
  microsoftTenantId: string;
  status: TenantStatus;
  /** the latest sync run: when it finished (or started, while running) and how it went */
  lastSync: { at: Date; status: 'running' | 'succeeded' | 'failed' } | null;
  score: number | null;
  /** failing now (accepted ones are decided, so not counted), by severity */
  openFindings: { critical: number; high: number; medium: number; low: number };
  /** drift events whose later snapshot was collected in the 7 days before `now` */
  drift7d: number;
  /** certain waste per month from the latest licence summary, in its currency */
  waste: { amount: number; currency: string; perMonth: true } | null;
}

const DAY_MS = 86_400_000;

/** One row per tenant of the workspace, by name. `now` is the app's clock (drift in the last 7 days). */
export async function workspaceOverview(tx: Tx, now: Date): Promise<TenantOverview[]> {
  const tenants = await tx
    .selectFrom('tenants')
    .select(['id', 'display_name', 'microsoft_tenant_id', 'status'])
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  if (tenants.length === 0) return [];
  // One after another: a transaction is one connection, which runs one query at a time anyway.
  const syncs = await latestSyncs(tx);
  const scores = await latestScores(tx);
  const findings = await failingBySeverity(tx, now);
  const drift = await driftSince(tx, new Date(now.getTime() - 7 * DAY_MS));
  const licences = await latestWaste(tx);
  return tenants.map((t) => ({
    id: t.id,
    name: t.display_name,
    microsoftTenantId: t.microsoft_tenant_id,
    status: t.status,
    lastSync: syncs.get(t.id) ?? null,
    score: scores.get(t.id) ?? null,
    openFindings: { critical: 0, high: 0, medium: 0, low: 0, ...findings.get(t.id) },
    drift7d: drift.get(t.id) ?? 0,
    waste: licences.get(t.id) ?? null,
  }));
}

async function latestSyncs(tx: Tx) {
  const rows = await tx
    .selectFrom('sync_runs')
    .select(['tenant_id', 'status', 'started_at', 'finished_at'])
    .distinctOn('tenant_id')
    .orderBy('tenant_id')
    .orderBy('started_at', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.tenant_id, { at: r.finished_at ?? r.started_at, status: r.status }]));
}

async function latestScores(tx: Tx) {
  const rows = await tx
    .selectFrom('posture_scores')
    .select(['tenant_id', 'score'])
    .distinctOn('tenant_id')
    .orderBy('tenant_id')
    .orderBy('collected_at', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.tenant_id, r.score]));
}

async function failingBySeverity(tx: Tx, now: Date) {
  const failing: Expression<SqlBool> = sql<SqlBool>`${effectiveState(now)} = 'fail'`;
  const rows = await tx
    .selectFrom('findings as f')
    .select(['f.tenant_id', 'f.severity', (eb) => eb.fn.countAll<string>().as('n')])
    .where(failing)
    .where('f.severity', 'in', ['critical', 'high', 'medium', 'low'])
    .groupBy(['f.tenant_id', 'f.severity'])
    .execute();
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) out.set(r.tenant_id, { ...out.get(r.tenant_id), [r.severity]: Number(r.n) });
  return out;
}

async function driftSince(tx: Tx, since: Date) {
  const rows = await tx
    .selectFrom('drift_events')
    .select(['tenant_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('to_collected_at', '>=', since)
    .groupBy('tenant_id')
    .execute();
  return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
}

async function latestWaste(tx: Tx) {
  const rows = await tx
    .selectFrom('licence_summaries')
    .select(['tenant_id', 'currency', 'totals'])
    .distinctOn('tenant_id')
    .orderBy('tenant_id')
    .orderBy('collected_at', 'desc')
    .execute();
  return new Map(
    rows.map((r) => [
      r.tenant_id,
      { amount: Number(r.totals.wasteMonthly ?? 0), currency: r.currency, perMonth: true as const },
    ]),
  );
}
