import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotFromModel } from '../src/analyse/posture/testing/tenant-snapshot.ts';
import type { Snapshot } from '../src/collect/snapshot-types.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { analyseSnapshot } from '../src/pipeline/analyse-snapshot.ts';
import { listComparisons, listDriftEvents, triageDriftEvent } from '../src/pipeline/drift-queries.ts';
import { setTenantExceptions } from '../src/pipeline/exceptions-queries.ts';
import {
  acceptFinding,
  findingHistory,
  listFindings,
  scoreHistory,
} from '../src/pipeline/findings-queries.ts';
import { licenceSummaries } from '../src/pipeline/licence-queries.ts';
import { getPriceBook, savePriceBook } from '../src/pipeline/licence-store.ts';
import { systemClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/logger.ts';
import { beginSnapshot, completeSnapshot, storageSink } from '../src/snapshots/snapshot-repo.ts';
import type { Database } from '../src/storage/database.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createWorkspace } from '../src/workspaces/workspace-repo.ts';
import { openTestDatabase } from './helpers/database.ts';

/**
 * The pipeline over snapshots stored directly (no emulator): generated tenants turned into the
 * snapshot the collectors would write, edited between "syncs" to make precise changes.
 */
let database: Database;
let workspaceId: string;
const deps = () => ({ db: database.db, clock: systemClock, logger: createLogger({ level: 'silent' }) });
const CA = 'conditionalAccessPolicies';
const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n));

beforeAll(async () => {
  database = await openTestDatabase();
  workspaceId = (await withSystem(database.db, (tx) => createWorkspace(tx, { slug: 'store', name: 'Store' })))
    .id;
});
afterAll(() => database?.close());

const inWs = <T>(fn: Parameters<typeof withWorkspace<T>>[2]) => withWorkspace(database.db, workspaceId, fn);

async function newTenant(): Promise<string> {
  const id = newId();
  await inWs((tx) =>
    sql`INSERT INTO tenants (id, workspace_id, display_name, microsoft_tenant_id) VALUES (${id}, ${workspaceId}, 'Contoso', ${newId()})`.execute(
      tx,
    ),
  );
  return id;
}

/** Stores `snapshot` as a complete snapshot taken at `at`, the way a sync would, and analyses it. */
async function syncStored(tenantId: string, snapshot: Snapshot, at: Date) {
  const ref = await beginSnapshot(database.db, workspaceId, tenantId, at);
  const sink = storageSink(database.db, ref);
  for (const [name, d] of Object.entries(snapshot.datasets)) {
    await sink.begin(name);
    await sink.append(name, d.items);
    await sink.finish(name, {
      status: d.status,
      collectedAt: at.toISOString(),
      itemCount: d.items.length,
      ...(d.error ? { error: d.error } : {}),
    });
  }
  await completeSnapshot(database.db, ref, at);
  const outcome = await analyseSnapshot(deps(), ref);
  return { ...outcome, snapshotId: ref.snapshotId };
}

function withPolicyState(base: Snapshot, state: string): Snapshot {
  const copy = structuredClone(base);
  const items = copy.datasets[CA]!.items as { state: string }[];
  items[0]!.state = state;
  return copy;
}

describe('the pipeline over stored snapshots', () => {
  const typical = snapshotFromModel(generateTenant({ users: 40, profile: 'typical', seed: 'store-a' }));

  test('a change marked customer-specific keeps that decision when the same change is seen again', async () => {
    const tenantId = await newTenant();
    const original = (typical.datasets[CA]!.items[0] as { state: string }).state;
    await syncStored(tenantId, typical, day(0));
    const second = await syncStored(tenantId, withPolicyState(typical, 'disabled'), day(1));
    expect(second.drift).toMatchObject({ status: 'compared', events: 1 });
    const [first] = await inWs((tx) => listDriftEvents(tx, { tenantId }));
    expect(first!.attribution).toMatchObject({ actor: 'unknown' }); // the edited snapshot has no audit record
    await inWs((tx) =>
      triageDriftEvent(tx, {
        workspaceId,
        eventId: first!.id,
        state: 'customerSpecific',
        note: 'this customer pilots without it',
        by: 'owner',
        now: new Date(),
      }),
    );
    await syncStored(tenantId, withPolicyState(typical, original), day(2));
    await syncStored(tenantId, withPolicyState(typical, 'disabled'), day(3));
    const events = await inWs((tx) => listDriftEvents(tx, { tenantId }));
    expect(events.map((e) => [e.after, e.triage.state])).toEqual([
      ['disabled', 'customerSpecific'],
      [original, 'open'],
      ['disabled', 'customerSpecific'],
    ]);
    expect(events[0]!.triage.note).toBe('this customer pilots without it');
    const open = await inWs((tx) => listDriftEvents(tx, { tenantId, triage: ['open'] }));
    expect(open).toHaveLength(1);
    // analysing a snapshot again keeps its events and the decisions taken on them
    await analyseSnapshot(deps(), { workspaceId, tenantId, snapshotId: second.snapshotId });
    expect(await inWs((tx) => listDriftEvents(tx, { tenantId }))).toEqual(events);
  });

  test('analysing a snapshot again stores nothing twice, and an older one never overwrites newer findings', async () => {
    const tenantId = await newTenant();
    const first = await syncStored(tenantId, typical, day(0));
    await syncStored(tenantId, withPolicyState(typical, 'disabled'), day(1));
    const count = (table: 'posture_scores' | 'drift_events' | 'licence_summaries' | 'drift_comparisons') =>
      inWs((tx) =>
        tx
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('tenant_id', '=', tenantId)
          .executeTakeFirstOrThrow(),
      ).then((r) => Number(r.n));
    const before = await Promise.all([
      count('posture_scores'),
      count('drift_events'),
      count('licence_summaries'),
      count('drift_comparisons'),
    ]);
    await analyseSnapshot(deps(), { workspaceId, tenantId, snapshotId: first.snapshotId });
    const after = await Promise.all([
      count('posture_scores'),
      count('drift_events'),
      count('licence_summaries'),
      count('drift_comparisons'),
    ]);
    expect(after).toEqual(before);
    const findings = await inWs((tx) => listFindings(tx, { tenantId, limit: 1000 }, new Date()));
    expect(new Set(findings.map((f) => f.evaluatedCollectedAt.toISOString()))).toEqual(
      new Set([day(1).toISOString()]),
    );
  });

  test('a dataset that failed to read yields no drift for its objects, says so, and resolves nothing', async () => {
    const tenantId = await newTenant();
    await syncStored(tenantId, typical, day(0));
    const failed = structuredClone(typical);
    failed.datasets[CA] = {
      status: 'error',
      collectedAt: failed.collectedAt,
      items: [],
      error: { code: 'TS_ERR_MS_UNAVAILABLE', message: 'Service unavailable' },
    };
    const outcome = await syncStored(tenantId, failed, day(1));
    expect(outcome.drift).toMatchObject({ status: 'compared', events: 0 });
    const [latest] = await inWs((tx) => listComparisons(tx, tenantId));
    expect(latest!.notCompared).toContainEqual(
      expect.objectContaining({ dataset: CA, fromStatus: 'ok', toStatus: 'error' }),
    );
    expect(latest!.compared).not.toContain('conditionalAccessPolicy');
    const ca = await inWs((tx) =>
      listFindings(tx, { tenantId, area: ['conditionalAccess'], limit: 1000 }, new Date()),
    );
    const wasFailing = ca.filter((f) => f.firstSeenAt !== null);
    expect(wasFailing.length).toBeGreaterThan(0);
    for (const f of wasFailing.filter((x) => x.state === 'unknown')) {
      expect([f.firstSeenAt, f.lastSeenAt, f.resolvedAt]).toEqual([day(0), day(0), null]);
    }
    expect(wasFailing.some((f) => f.state === 'unknown')).toBe(true);
  });

  test('declared break-glass accounts are the exclusion the MFA-for-all check accepts', async () => {
    const model = generateTenant({ users: 40, profile: 'hardened', seed: 'store-b' });
    const hardened = snapshotFromModel(model);
    const tenantId = await newTenant();
    const ref = await syncStored(tenantId, hardened, day(0));
    const mfaAll = async () =>
      (await inWs((tx) => listFindings(tx, { tenantId, limit: 1000 }, new Date()))).find(
        (f) => f.checkId === 'ca-mfa-all-users',
      )!;
    expect((await mfaAll()).state).toBe('fail');
    await inWs((tx) =>
      setTenantExceptions(tx, {
        workspaceId,
        tenantId,
        breakGlass: model.planted.notes.breakGlassAccounts as string[],
        by: 'owner',
        now: new Date(),
      }),
    );
    await analyseSnapshot(deps(), { workspaceId, tenantId, snapshotId: ref.snapshotId });
    expect(await mfaAll()).toMatchObject({ state: 'pass', resolvedAt: day(0) });
    const history = await inWs((tx) => findingHistory(tx, tenantId, 'ca-mfa-all-users'));
    expect(history.changes.map((c) => [c.from, c.to])).toEqual([
      [null, 'fail'],
      ['fail', 'pass'],
    ]);
    const bad = await inWs((tx) =>
      setTenantExceptions(tx, {
        workspaceId,
        tenantId,
        breakGlass: 'bg@contoso.test',
        by: 'o',
        now: new Date(),
      }),
    ).catch((e: { code?: string; message?: string }) => e);
    expect(bad).toMatchObject({ code: 'TS_ERR_VALIDATION', message: expect.stringContaining('breakGlass') });
    const badThreshold = await inWs((tx) =>
      setTenantExceptions(tx, {
        workspaceId,
        tenantId,
        breakGlass: [],
        thresholds: { globalAdminMax: 'four' },
        by: 'o',
        now: new Date(),
      }),
    ).catch((e: { code?: string; message?: string }) => e);
    expect(badThreshold).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('globalAdminMax'),
    });
  });

  test('the next analysis stores an accepted failure as accepted, out of the score, until the acceptance expires', async () => {
    const tenantId = await newTenant();
    const first = await syncStored(tenantId, typical, day(0));
    const failing = (await inWs((tx) => listFindings(tx, { tenantId, state: ['fail'] }, day(0))))[0]!;
    const accept = (expiresAt: Date, now = new Date()) =>
      inWs((tx) =>
        acceptFinding(tx, {
          workspaceId,
          tenantId,
          checkId: failing.checkId,
          reason: 'risk accepted by the board',
          expiresAt,
          by: 'owner',
          now,
        }),
      );
    const stored = () =>
      inWs((tx) =>
        tx
          .selectFrom('findings')
          .select('state')
          .where('tenant_id', '=', tenantId)
          .where('check_id', '=', failing.checkId)
          .executeTakeFirstOrThrow(),
      ).then((r) => r.state);
    await accept(new Date(Date.now() + 365 * 86_400_000));
    await syncStored(tenantId, typical, day(1));
    expect(await stored()).toBe('accepted');
    const [, second] = await inWs((tx) => scoreHistory(tx, tenantId));
    expect(second!.counts.accepted).toBe(1);
    // Acceptances are judged at the snapshot's own time: one that had expired by then fails again.
    await accept(new Date(day(1).getTime() + 3_600_000), day(1));
    await syncStored(tenantId, typical, day(2));
    expect(await stored()).toBe('fail');
    expect(first.posture.open).toBeGreaterThan(0);
  });

  test('the workspace price book prices the summary; a malformed one is refused and a missing price is a gap', async () => {
    const tenantId = await newTenant();
    const refused = await inWs((tx) =>
      savePriceBook(
        tx,
        workspaceId,
        {
          format: 'tenantscope.prices/v1',
          currency: 'EUR',
          entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: -1, term: 'annual' }],
        },
        'o',
        new Date(),
      ),
    ).catch((e: { code?: string; message?: string }) => e);
    expect(refused).toMatchObject({
      code: 'TS_ERR_PRICE_BOOK_INVALID',
      message: expect.stringContaining('entries[0].pricePerMonth'),
    });
    expect((await inWs((tx) => getPriceBook(tx, workspaceId))).saved).toBe(false);

    const skus = typical.datasets.subscribedSkus!.items as { skuPartNumber: string }[];
    const priced = skus[0]!.skuPartNumber;
    await inWs((tx) =>
      savePriceBook(
        tx,
        workspaceId,
        {
          format: 'tenantscope.prices/v1',
          currency: 'EUR',
          entries: [{ skuPartNumber: priced, pricePerMonth: 10, term: 'monthly' }],
        },
        'owner',
        new Date(),
      ),
    );
    await syncStored(tenantId, typical, day(0));
    const [summary] = await inWs((tx) => licenceSummaries(tx, tenantId));
    expect(summary!.currency).toBe('EUR');
    expect(Number(summary!.totals.unpricedUnits)).toBeGreaterThan(0);
    expect(summary!.totals.unpricedSkus).not.toContain(priced);
    expect((summary!.totals.unpricedSkus as string[]).length).toBeGreaterThan(0);
  });
});
