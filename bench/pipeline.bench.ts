/**
 * The analysis pipeline after a sync, on the embedded database: a generated tenant stored as two
 * snapshots (one CA policy changed between them), then `analyseSnapshot` on each. Prints the
 * time of each analysis and the process's peak memory. Not a test: it asserts nothing.
 * Run: `node --expose-gc --import tsx bench/pipeline.bench.ts [users]` (default 20,000; without
 * --expose-gc the "before" figure still holds the generator's garbage).
 */

import type { Kysely } from 'kysely';
import { snapshotFromModel } from '../src/analyse/posture/testing/tenant-snapshot.ts';
import type { Snapshot } from '../src/collect/snapshot-types.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { analyseSnapshot } from '../src/pipeline/analyse-snapshot.ts';
import { systemClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/logger.ts';
import { beginSnapshot, completeSnapshot, storageSink } from '../src/snapshots/snapshot-repo.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrate } from '../src/storage/migrate.ts';
import type { Schema } from '../src/storage/schema.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createWorkspace } from '../src/workspaces/workspace-repo.ts';

const USERS = Number(process.argv[2] ?? 20_000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
// RSS includes the embedded database (PGlite keeps an in-memory database in WebAssembly memory),
// so the JavaScript heap is printed too: that is what the pipeline itself holds.
let peak = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 20);

async function main() {
  const database = await openDatabase({});
  await migrate(database.db);
  const db = database.db;
  const workspaceId = (await withSystem(db, (tx) => createWorkspace(tx, { slug: 'bench', name: 'Bench' })))
    .id;
  const tenantId = newId();
  await withWorkspace(db, workspaceId, (tx) =>
    tx
      .insertInto('tenants')
      .values({
        id: tenantId,
        workspace_id: workspaceId,
        display_name: 'Bench',
        microsoft_tenant_id: newId(),
      })
      .execute(),
  );
  const deps = { db, clock: systemClock, logger: createLogger({ level: 'silent' }) };
  const [first, second] = await storeTwo(db, workspaceId, tenantId);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  peak = 0;
  peakHeap = 0;
  for (const [label, ref] of [
    ['first snapshot (no previous)', first],
    ['second snapshot (diff against the first)', second],
  ] as const) {
    const t = performance.now();
    const outcome = await analyseSnapshot(deps, ref);
    console.log(
      `${label}: ${((performance.now() - t) / 1000).toFixed(2)} s — ${outcome.posture.evaluated} checks, ` +
        `${outcome.posture.open} open findings, drift ${outcome.drift.status} (${outcome.drift.events} events), ` +
        `waste ${outcome.licences.wasteMonthly} ${outcome.licences.currency}/month`,
    );
  }
  console.log(`before analysis: RSS ${mb(before.rss)}, heap ${mb(before.heapUsed)}`);
  console.log(`peak during analysis: RSS ${mb(peak)}, heap ${mb(peakHeap)}`);
  clearInterval(sampler);
  await database.close();
}

/** Generates the tenant and stores it twice (one CA policy changed); the models are dropped after. */
async function storeTwo(db: Kysely<Schema>, workspaceId: string, tenantId: string) {
  const t = performance.now();
  const base = snapshotFromModel(
    generateTenant({ users: USERS, profile: 'typical', seed: 'bench-pipeline' }),
  );
  const changed = structuredClone(base);
  (changed.datasets.conditionalAccessPolicies!.items[0] as { state: string }).state = 'disabled';
  console.log(`generated ${USERS} users in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const store = async (snapshot: Snapshot, at: Date) => {
    const ref = await beginSnapshot(db, workspaceId, tenantId, at);
    const sink = storageSink(db, ref);
    for (const [name, d] of Object.entries(snapshot.datasets)) {
      await sink.begin(name);
      await sink.append(name, d.items);
      const { items: _items, ...rest } = d;
      await sink.finish(name, { ...rest, itemCount: d.items.length });
    }
    await completeSnapshot(db, ref, at);
    return ref;
  };
  return [
    await store(base, new Date('2026-11-20T08:00:00Z')),
    await store(changed, new Date('2026-11-21T08:00:00Z')),
  ] as const;
}

await main();
