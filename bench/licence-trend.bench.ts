/**
 * The licence book week by week on the embedded database: T tenants, each with a licence summary
 * every H hours over the last 52 weeks (summaries as the pipeline stores them, per-SKU lines
 * included), then `GET /api/licences/trend`'s query for 12 and 52 weeks.
 * Prints times and sizes; asserts nothing.
 * Run: `node --import tsx bench/licence-trend.bench.ts [tenants] [hoursBetweenSyncs]` (default 300 and 24).
 */
import { sql } from 'kysely';
import { weekEnds } from '../src/analyse/licences/book-trend.ts';
import { licenceBookTrend } from '../src/pipeline/licence-queries.ts';
import { newId } from '../src/platform/ids.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrate } from '../src/storage/migrate.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createWorkspace } from '../src/workspaces/workspace-repo.ts';

const TENANTS = Number(process.argv[2] ?? 300);
const HOURS = Number(process.argv[3] ?? 24);
const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(2)} s`;

/** A summary about the size the pipeline stores for a small business: 12 SKU lines. */
const totals = (i: number) => ({
  spendMonthly: 1000 + (i % 97),
  wasteMonthly: 100 + (i % 13),
  possibleWasteMonthly: 10,
  savingsAnnual: 1200,
  unpricedUnits: i % 3,
  bySku: Array.from({ length: 12 }, (_, k) => ({ skuPartNumber: `SKU_${k}`, purchased: 25, consumed: 20 })),
});

async function main() {
  const database = await openDatabase({});
  await migrate(database.db);
  const db = database.db;
  const ws = (await withSystem(db, (tx) => createWorkspace(tx, { slug: 'bench', name: 'Bench' }))).id;
  const now = new Date();
  const perTenant = Math.floor((52 * 7 * 24) / HOURS);
  let t = performance.now();
  for (let n = 0; n < TENANTS; n++) {
    const tenantId = newId();
    await withWorkspace(db, ws, async (tx) => {
      await tx
        .insertInto('tenants')
        .values({ id: tenantId, workspace_id: ws, display_name: `T${n}`, microsoft_tenant_id: newId() })
        .execute();
      const rows = Array.from({ length: perTenant }, (_, i) => ({
        id: newId(),
        workspace_id: ws,
        tenant_id: tenantId,
        collected_at: new Date(now.getTime() - i * HOURS * 3_600_000),
        currency: 'USD',
        totals: JSON.stringify(totals(i)),
        counts: '{}',
      }));
      await tx.insertInto('licence_summaries').values(rows).execute();
    });
  }
  console.log(`stored ${TENANTS} tenants × ${perTenant} summaries in ${seconds(t)}`);
  const { rows } = await withWorkspace(db, ws, (tx) =>
    sql<{ size: string }>`SELECT pg_size_pretty(pg_total_relation_size('licence_summaries')) AS size`.execute(
      tx,
    ),
  );
  console.log(`licence_summaries: ${rows[0]?.size}`);
  for (const weeks of [12, 52, 12]) {
    t = performance.now();
    const series = await withWorkspace(db, ws, (tx) => licenceBookTrend(tx, weekEnds(now, weeks)));
    const last = series[0]?.points.at(-1);
    console.log(`trend over ${weeks} weeks: ${seconds(t)} (${last?.tenants} tenants in the last week)`);
  }
  await database.close();
}

await main();
