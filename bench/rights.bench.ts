/**
 * Data-subject rights on the embedded database: a generated tenant of U users stored as N
 * snapshots, then one person (the tenant's admin, named in the most places) exported, erased, and
 * erased again; and the cost a sync pays per snapshot once the tenant's erasure list is not empty.
 * Prints times and sizes; asserts nothing.
 * Run: `node --import tsx bench/rights.bench.ts [users] [snapshots]` (default 10,000 and 5).
 */
import { snapshotFromModel } from '../src/analyse/posture/testing/tenant-snapshot.ts';
import type { Snapshot } from '../src/collect/snapshot-types.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
import { erasePerson } from '../src/rights/erase-service.ts';
import { exportPerson } from '../src/rights/export-service.ts';
import { rewriteItems } from '../src/rights/rewrite-fns.ts';
import { ERASED } from '../src/rights/rights-types.ts';
import { hashedMatcher, subjectHashes } from '../src/rights/subject-match.ts';
import { beginSnapshot, completeSnapshot, storageSink } from '../src/snapshots/snapshot-repo.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrate } from '../src/storage/migrate.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createWorkspace } from '../src/workspaces/workspace-repo.ts';

const USERS = Number(process.argv[2] ?? 10_000);
const SNAPSHOTS = Number(process.argv[3] ?? 5);
const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(2)} s`;

async function main() {
  const database = await openDatabase({});
  await migrate(database.db);
  const db = database.db;
  const workspaceId = (await withSystem(db, (tx) => createWorkspace(tx, { slug: 'bench', name: 'Bench' })))
    .id;
  const tenantId = newId();
  const microsoftTenantId = newId();
  await withWorkspace(db, workspaceId, (tx) =>
    tx
      .insertInto('tenants')
      .values({
        id: tenantId,
        workspace_id: workspaceId,
        display_name: 'Bench',
        microsoft_tenant_id: microsoftTenantId,
      })
      .execute(),
  );
  let t = performance.now();
  const snapshot = snapshotFromModel(
    generateTenant({ users: USERS, profile: 'typical', seed: 'bench-rights' }),
  );
  const admin = snapshot.datasets.users!.items[0] as { id: string; userPrincipalName: string };
  console.log(`generated ${USERS} users in ${seconds(t)}`);
  t = performance.now();
  for (let i = 0; i < SNAPSHOTS; i++) await store(db, workspaceId, tenantId, snapshot, i);
  console.log(`stored ${SNAPSHOTS} snapshots in ${seconds(t)}`);

  const input = { workspaceId, tenantId, who: admin.id, actor: 'bench' };
  t = performance.now();
  const doc = await exportPerson(db, systemClock, input);
  console.log(
    `export: ${seconds(t)}, ${(JSON.stringify(doc).length / 1024).toFixed(0)} KB, ${doc.records.length} distinct records from ${doc.snapshots.filter((s) => s.holdsPerson).length} snapshots`,
  );
  const byDataset = new Map<string, number>();
  for (const r of doc.records) byDataset.set(r.dataset, (byDataset.get(r.dataset) ?? 0) + 1);
  console.log(`  records by dataset: ${[...byDataset].map(([d, n]) => `${d} ${n}`).join(', ')}`);
  t = performance.now();
  const first = await erasePerson(db, systemClock, input);
  const c = first.counts;
  console.log(
    `erase: ${seconds(t)} for ${SNAPSHOTS} snapshots of ${USERS} users — ${c.snapshotItemsRemoved} objects removed, ${c.snapshotItemsChanged} references replaced`,
  );
  t = performance.now();
  await erasePerson(db, systemClock, input);
  console.log(`erase again (nothing left; chunks skipped unparsed): ${seconds(t)}`);

  // What a sync pays: every page through the hashed matcher (the erasure list holds hashes only).
  const matcher = hashedMatcher(
    microsoftTenantId,
    subjectHashes(microsoftTenantId, {
      objectIds: [admin.id],
      addresses: [admin.userPrincipalName.toLowerCase()],
      names: [],
    }),
  );
  t = performance.now();
  let removed = 0;
  for (const [name, d] of Object.entries(snapshot.datasets))
    removed += rewriteItems(name, d.items, matcher, ERASED).removed;
  console.log(
    `sync filter over one snapshot in memory (hashed matcher): ${seconds(t)}, ${removed} objects dropped`,
  );
  await database.close();
}

async function store(
  db: Parameters<typeof beginSnapshot>[0],
  workspaceId: string,
  tenantId: string,
  snapshot: Snapshot,
  i: number,
) {
  const at = new Date(Date.UTC(2026, 10, 1 + i, 8));
  const ref = await beginSnapshot(db, workspaceId, tenantId, at);
  const sink = storageSink(db, ref);
  for (const [name, d] of Object.entries(snapshot.datasets)) {
    await sink.begin(name);
    await sink.append(name, d.items);
    const { items: _items, ...rest } = d;
    await sink.finish(name, { ...rest, itemCount: d.items.length });
  }
  await completeSnapshot(db, ref, at);
}

await main();
