import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ArmParentItem } from '../src/collect/collect-arm.ts';
import { collectArm, openArmClient } from '../src/collect/collect-arm.ts';
import { memorySink } from '../src/collect/dataset-sink.ts';
import type { DatasetResult } from '../src/collect/snapshot-types.ts';
import { resolveEndpoints } from '../src/connectors/clouds.ts';
import { createHttpClient, type HttpClient } from '../src/connectors/http.ts';
import { createAppTokenProvider, type TokenProvider } from '../src/connectors/token-provider.ts';
import type { TenantModel } from '../src/emulator/contract.ts';
import { type ManualClock, manualClock, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { trustingFetch } from '../src/emulator/server/test-clients.ts';

/**
 * The ARM collectors against the emulator through Microsoft's protocol only: MSAL tokens for the
 * ARM audience, Cost Management, Resource Graph, Advisor, Consumption and Monitor over HTTPS.
 *
 * The emulator runs on a manual clock and the client's pacer sleeps by advancing it, so the
 * pacing under Cost Management's QPU budget is exercised in full (the emulator enforces the same
 * budget on the same clock) without the test waiting real seconds for it.
 */
let emulator: RunningEmulator;
let clock: ManualClock;
let http: HttpClient;
let tokens: TokenProvider;
let model: TenantModel;

/** Deterministic fault decisions (mulberry32), so "some requests failed" holds on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  clock = manualClock();
  emulator = await startEmulator({
    tenants: [{ users: 300, profile: 'typical', seed: 'arm' }],
    clock,
    random: seeded(7),
  });
  model = emulator.stores[0]!.model;
  const t = emulator.tenants[0]!;
  const endpoints = resolveEndpoints('global', {
    authorityHost: emulator.authorityHost,
    graphUrl: emulator.graphUrl,
    armUrl: emulator.armUrl,
  });
  http = createHttpClient({ extraCaFile: emulator.caFile });
  tokens = createAppTokenProvider({
    endpoints,
    tenantId: t.tenantId,
    clientId: t.clientId,
    credential: { kind: 'secret', clientSecret: t.clientSecret },
    http,
  });
});
afterAll(async () => {
  await http?.close();
  await emulator?.close();
});

/**
 * A clock that jumps forward must not jump over a request the pacer already admitted and that is
 * still on its way (token, then HTTP): with real time that request lands long before the sleep
 * ends. So a sleep first waits until nothing is between admission and answer, then advances.
 */
function quiescentTime() {
  let inFlight = 0;
  const counted: HttpClient = {
    send: async (req) => {
      try {
        return await http.send(req);
      } finally {
        inFlight -= 1;
      }
    },
    close: () => http.close(),
  };
  const countedTokens: TokenProvider = {
    getToken: async (scope, options) => {
      inFlight += 1; // the client asks for a token right after admission, then sends
      try {
        return await tokens.getToken(scope, options);
      } catch (error) {
        inFlight -= 1;
        throw error;
      }
    },
  };
  const sleep = async (ms: number) => {
    do await new Promise((r) => setTimeout(r, 1));
    while (inFlight > 0);
    clock.advance(ms);
  };
  return { http: counted, tokens: countedTokens, sleep };
}

async function collect() {
  const endpoints = resolveEndpoints('global', {
    authorityHost: emulator.authorityHost,
    armUrl: emulator.armUrl,
  });
  const time = quiescentTime();
  const arm = openArmClient({ endpoints }, time.http, time.tokens, {
    sleep: time.sleep,
    now: () => clock.now(),
  });
  const sink = memorySink();
  // "today" is the generated tenant's asOf: its cost ends the day before
  const outcomes = await collectArm({ arm, sink, ctx: { now: new Date(model.asOf) } });
  return { outcomes, datasets: sink.datasets, stats: arm.stats };
}

async function faults(rules: unknown[]) {
  const res = await trustingFetch(emulator.caPem)(`${emulator.controlUrl}/faults`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${emulator.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });
  expect(res.status).toBe(200);
}

const entries = (d: DatasetResult | undefined) => (d?.items ?? []) as ArmParentItem[];
const rows = (d: DatasetResult | undefined) =>
  entries(d).flatMap((e) => e.items as Record<string, unknown>[]);

/** Sums keyed by `key`. */
function sums<T>(items: T[], key: (x: T) => string, amount: (x: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const x of items) out.set(key(x), (out.get(key(x)) ?? 0) + amount(x));
  return out;
}

/** Same keys, and every amount equal to the cent (within half a cent: both sides sum floats). */
function expectSameMoney(actual: Map<string, number>, expected: Map<string, number>) {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  const off = [...expected].filter(([k, v]) => Math.abs((actual.get(k) ?? 0) - v) >= 0.005);
  expect(off).toEqual([]);
}

const content = (datasets: Record<string, DatasetResult>) =>
  Object.fromEntries(Object.entries(datasets).map(([k, d]) => [k, { status: d.status, items: d.items }]));

describe('collecting the ARM datasets from the emulator', () => {
  let clean: Awaited<ReturnType<typeof collect>>;

  beforeAll(async () => {
    clean = await collect();
  });

  test('every ARM dataset is read completely, paced without a single 429', () => {
    expect(clean.outcomes.map((o) => `${o.name}:${o.status}`).sort()).toEqual(
      [
        'advisorRecommendations',
        'costByResourceMonth',
        'costDaily',
        'reservationRecommendations',
        'resources',
        'subscriptions',
        'vmMetrics',
      ].map((n) => `${n}:ok`),
    );
    expect(clean.stats.throttled).toBe(0);
    expect(clean.stats.qpuConsumed).toBeGreaterThan(0);
    const d = clean.datasets;
    expect(d.subscriptions!.items).toEqual(model.arm.subscriptions);
    expect(d.resources!.items).toHaveLength(model.arm.resources.length);
    expect(entries(d.costByResourceMonth).every((e) => e.error === undefined)).toBe(true);
  });

  test('monthly cost per resource equals the sum of the generated daily cost, to the cent', () => {
    const from = `${Number(model.asOf.slice(0, 4)) - 1}${model.asOf.slice(4, 7)}-01`;
    const expected = sums(
      model.arm.dailyCost.filter((r) => r.date >= from && r.date < model.asOf.slice(0, 10)),
      (r) => `${r.resourceId.toLowerCase()}|${r.date.slice(0, 7)}`,
      (r) => r.cost,
    );
    const actual = sums(
      rows(clean.datasets.costByResourceMonth),
      (r) => `${String(r.ResourceId).toLowerCase()}|${String(r.BillingMonth).slice(0, 7)}`,
      (r) => Number(r.Cost),
    );
    expect(actual.size).toBeGreaterThan(12);
    expectSameMoney(actual, expected);
    const total = rows(clean.datasets.costByResourceMonth).reduce((a, r) => a + Number(r.Cost), 0);
    expect(Math.abs(total - Number(model.planted.notes.totalCost12Months))).toBeLessThan(0.005);
    const row = rows(clean.datasets.costByResourceMonth)[0]!;
    expect(Object.keys(row).sort()).toEqual(
      [
        'BillingMonth',
        'Cost',
        'Currency',
        'ResourceGroupName',
        'ResourceId',
        'ResourceType',
        'ServiceName',
      ].sort(),
    );
  });

  test('daily cost per service covers the 90 days before today and matches the model', () => {
    const asOf = Date.parse(model.asOf);
    const from = new Date(asOf - 90 * 86_400_000).toISOString().slice(0, 10);
    const expected = sums(
      model.arm.dailyCost.filter((r) => r.date >= from && r.date < model.asOf.slice(0, 10)),
      (r) => `${r.date.replaceAll('-', '')}|${r.serviceName}`,
      (r) => r.cost,
    );
    const actual = sums(
      rows(clean.datasets.costDaily),
      (r) => `${r.UsageDate}|${r.ServiceName}`,
      (r) => Number(r.Cost),
    );
    expect(new Set([...actual.keys()].map((k) => k.split('|')[0])).size).toBe(90);
    expectSameMoney(actual, expected);
  });

  test('recommendations and VM metrics are stored as ARM returns them, one entry per parent', () => {
    const d = clean.datasets;
    const subIds = model.arm.subscriptions.map((s) => s.id);
    expect(entries(d.advisorRecommendations).map((e) => e.parentId)).toEqual(subIds);
    expect(entries(d.advisorRecommendations).flatMap((e) => e.items)).toEqual(
      model.arm.advisorRecommendations,
    );
    expect(entries(d.reservationRecommendations).flatMap((e) => e.items)).toEqual(
      model.arm.reservationRecommendations,
    );
    const vms = model.arm.resources.filter((r) => r.type === 'microsoft.compute/virtualmachines');
    expect(vms.length).toBeGreaterThan(0);
    const metrics = entries(d.vmMetrics);
    expect(metrics.map((e) => e.parentId).sort()).toEqual(vms.map((v) => v.id).sort());
    const busy = metrics.find((e) => (model.arm.metrics[e.parentId]?.['Percentage CPU'] ?? []).length > 0)!;
    const cpu = (
      busy.items as { name: { value: string }; timeseries: { data: Record<string, unknown>[] }[] }[]
    ).find((m) => m.name.value === 'Percentage CPU')!;
    const points = cpu.timeseries[0]!.data;
    expect(points).toHaveLength(720);
    const modelPoints = model.arm.metrics[busy.parentId]!['Percentage CPU']!;
    expect(points.map((p) => [p.timeStamp, p.average, p.maximum])).toEqual(
      modelPoints.map((p) => [p.timeStamp, p.average, p.maximum]),
    );
  });

  test('with 10 % of ARM requests failing with 429 or 503, the content is identical', async () => {
    await faults([
      { pathPrefix: '/subscriptions', errorRate: 0.1, statuses: [429, 503], retryAfterSeconds: 0.05 },
    ]);
    try {
      const again = await collect();
      expect(again.stats.retries).toBeGreaterThan(0);
      expect(content(again.datasets)).toEqual(content(clean.datasets));
    } finally {
      await faults([]);
    }
  });
});
