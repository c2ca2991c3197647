/**
 * Erasing one person from everything Tenantscope holds about a tenant (docs/data-handling.md,
 * "Rights"). In order:
 *
 * 1. resolve the person (person-resolve.ts): 404 / ambiguous before anything changes;
 * 2. add their hashed identifiers to the tenant's erasure list — from then on a sync that starts
 *    drops them before storing anything (erasure-list.ts);
 * 3. refuse while a sync or its analysis that started *before* step 2 is still running: it read
 *    the list without them and would store them again (TS_ERR_TENANT_BUSY; the list entry stays,
 *    so trying again later finishes the job);
 * 4. rewrite every stored snapshot of the tenant, chunk by chunk (snapshot-rewrite.ts);
 * 5. rewrite what analysis and delivery stored (stored-rewrite.ts);
 * 6. audit `person.erased` with who asked and the counts — never an identifier.
 *
 * Idempotent: erasing again finds the person through the erasure list and changes nothing.
 */
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import { TenantscopeError } from '../platform/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';
import { appendAudit } from '../workspaces/audit-repo.ts';
import { recordErasure } from './erasure-list.ts';
import { resolvePerson, type TenantRef, tenantSnapshots } from './person-resolve.ts';
import { ERASED, type EraseCounts, emptyCounts, type Subject } from './rights-types.ts';
import { rewriteSnapshot } from './snapshot-rewrite.ts';
import { mayName, patternsOf } from './stored-filter.ts';
import { rewriteStored } from './stored-rewrite.ts';
import { needlesOf, plainMatcher, subjectHashes } from './subject-match.ts';

export interface EraseInput {
  workspaceId: string;
  tenantId: string;
  /** an Entra object id, or a UPN / mail address */
  who: string;
  /** a member's id, or `cli` */
  actor: string;
  ip?: string | undefined;
}

export interface EraseResult {
  tenantId: string;
  erasedAt: string;
  /** the person had been erased before (found through the erasure list) */
  erasedBefore: boolean;
  counts: EraseCounts;
  /** new hashed identifiers on the tenant's erasure list (0 when erased before) */
  erasureListAdded: number;
  /** audit log entries that name the person: kept, since the audit log is append-only */
  auditEntriesKept: number;
}

/**
 * How long a sync run that is still marked running (or whose analysis is) counts as alive. A
 * worker killed mid-sync leaves its run `running` until the tenant's next sync closes it; after
 * this the erasure no longer waits for it. Syncs of 100,000-user tenants end well within it.
 */
const RUN_ALIVE = '6 hours';

export async function erasePerson(db: Kysely<Schema>, clock: Clock, input: EraseInput): Promise<EraseResult> {
  const tenant = await tenantOf(db, input.workspaceId, input.tenantId);
  const person = await resolvePerson(db, tenant, input.who);
  const added = await recordFirst(db, clock.now(), input, tenant, person.subject);
  const counts = emptyCounts();
  const m = plainMatcher(person.subject);
  const needles = needlesOf(person.subject);
  // listed again now: a sync that ended while the person was being resolved left a new snapshot
  for (const s of await tenantSnapshots(db, tenant)) {
    const r = await rewriteSnapshot(db, input.workspaceId, s.id, m, ERASED, needles);
    counts.snapshotsScanned += 1;
    counts.snapshotsChanged += r.chunks > 0 ? 1 : 0;
    counts.snapshotItemsRemoved += r.removed;
    counts.snapshotItemsChanged += r.changed;
  }
  const patterns = patternsOf(person.subject);
  await rewriteStored(
    { db, workspaceId: input.workspaceId, tenantId: tenant.id, m, ph: ERASED, patterns },
    counts,
  );
  return withWorkspace(db, input.workspaceId, async (tx) => {
    const kept = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log
      WHERE ${mayName(sql`coalesce(target, '') || ' ' || detail::text`, patterns)}`.execute(tx);
    const result: EraseResult = {
      tenantId: tenant.id,
      erasedAt: (person.erasedAt ?? clock.now()).toISOString(),
      erasedBefore: person.erasedAt !== null,
      counts,
      erasureListAdded: added,
      auditEntriesKept: kept.rows[0]?.n ?? 0,
    };
    await appendAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'person.erased',
      target: tenant.id,
      ...(input.ip ? { ip: input.ip } : {}),
      // counts only: the identifiers erased must not survive in the log that records the erasure
      detail: { counts, erasedBefore: result.erasedBefore, erasureListAdded: added },
    });
    return result;
  });
}

/**
 * Steps 2 and 3: the erasure list first, then the check for a sync that may have read the list
 * before it. A refusal is audited too: the list entry it leaves is a change.
 */
async function recordFirst(
  db: Kysely<Schema>,
  now: Date,
  input: EraseInput,
  tenant: TenantRef,
  subject: Subject,
): Promise<number> {
  const added = await withWorkspace(db, input.workspaceId, (tx) =>
    recordErasure(tx, {
      workspaceId: input.workspaceId,
      tenantId: tenant.id,
      hashes: subjectHashes(tenant.microsoftTenantId, subject),
      erasedAt: now,
    }),
  );
  try {
    await refuseWhileSyncing(db, tenant);
  } catch (error) {
    await withWorkspace(db, input.workspaceId, (tx) =>
      appendAudit(tx, {
        workspaceId: input.workspaceId,
        actor: input.actor,
        action: 'person.erasure_deferred',
        target: tenant.id,
        ...(input.ip ? { ip: input.ip } : {}),
        detail: { erasureListAdded: added, reason: 'a sync of the tenant is running' },
      }),
    );
    throw error;
  }
  return added;
}

export async function tenantOf(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
): Promise<TenantRef> {
  const row = await withWorkspace(db, workspaceId, (tx) =>
    tx
      .selectFrom('tenants')
      .select(['id', 'microsoft_tenant_id', 'display_name'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', tenantId)
      .executeTakeFirst(),
  );
  if (!row)
    throw new TenantscopeError('TS_ERR_NOT_FOUND', `no tenant ${JSON.stringify(tenantId)} in this workspace`);
  return {
    workspaceId,
    id: row.id,
    microsoftTenantId: row.microsoft_tenant_id,
    displayName: row.display_name,
  };
}

/**
 * A sync reads the erasure list once, after recording its run as running, and analyses after
 * marking the run succeeded; so a run still running, or succeeded with its analysis not ended,
 * may have read the list before this erasure and would store the person again afterwards.
 */
async function refuseWhileSyncing(db: Kysely<Schema>, tenant: TenantRef): Promise<void> {
  const busy = await withWorkspace(db, tenant.workspaceId, (tx) =>
    sql<{ started_at: Date }>`
      SELECT started_at FROM sync_runs
      WHERE tenant_id = ${tenant.id} AND (
        (status = 'running' AND started_at > now() - ${RUN_ALIVE}::interval)
        OR (status = 'succeeded' AND finished_at > now() - ${RUN_ALIVE}::interval
            AND coalesce(progress->'analysis'->>'status', '') NOT IN ('succeeded', 'failed'))
      )
      ORDER BY started_at DESC LIMIT 1`.execute(tx),
  );
  const run = busy.rows[0];
  if (run)
    throw new TenantscopeError(
      'TS_ERR_TENANT_BUSY',
      `a sync of ${tenant.displayName} started at ${new Date(run.started_at).toISOString()} is still running; the erasure is recorded and the next sync will not store the person — erase again when the sync has ended to remove what is already stored`,
    );
}
