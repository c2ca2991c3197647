/**
 * Which stored snapshots analysis reads. The current snapshot is read whole (posture and licences
 * read nearly every dataset); the previous one only for the datasets drift compares, so the
 * pipeline does not hold two 100,000-user snapshots at once. Reading itself is `loadSnapshot`
 * (src/snapshots/snapshot-repo.ts) with its `only` set.
 */
import type { Kysely } from 'kysely';
import { OBJECT_KINDS } from '../analyse/drift/index.ts';
import type { Schema } from '../storage/schema.ts';
import { withWorkspace } from '../storage/transactions.ts';

/**
 * What drift reads from the earlier snapshot: the tracked kinds' datasets, and the small datasets
 * its name lookups use. `users` and `groups` are left out: names of people and groups in an
 * event's values then come from the later snapshot (diffSnapshots looks there first).
 */
export const DRIFT_BEFORE_DATASETS: readonly string[] = [
  ...new Set([
    ...OBJECT_KINDS.map((k) => k.dataset),
    'roleDefinitions',
    'directoryRoles',
    'servicePrincipals',
    'namedLocations',
    'applications',
    'conditionalAccessPolicies',
  ]),
];

export interface SnapshotRow {
  id: string;
  startedAt: Date;
  completedAt: Date;
}

/** The complete snapshot of the tenant collected just before this one, if any. */
export async function previousSnapshot(
  db: Kysely<Schema>,
  workspaceId: string,
  tenantId: string,
  before: Date,
): Promise<SnapshotRow | undefined> {
  const row = await withWorkspace(db, workspaceId, (tx) =>
    tx
      .selectFrom('snapshots')
      .select(['id', 'started_at', 'completed_at'])
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'complete')
      .where('started_at', '<', before)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  );
  return row ? { id: row.id, startedAt: row.started_at, completedAt: row.completed_at! } : undefined;
}
