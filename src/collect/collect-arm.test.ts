import { describe, expect, test } from 'vitest';
import type { ArmClient, CostQueryDefinition, CostRow } from '../connectors/arm-client.ts';
import { MicrosoftError } from '../connectors/microsoft-error.ts';
import { armDatasets, dailyPeriods, monthlyPeriods } from './arm-datasets.ts';
import { type ArmParentItem, collectArm } from './collect-arm.ts';
import { memorySink } from './dataset-sink.ts';

const SUB_A = '/subscriptions/aaaaaaaa-0000-0000-0000-000000000001';
const SUB_B = '/subscriptions/bbbbbbbb-0000-0000-0000-000000000002';
const VM = `${SUB_A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`;
const VM2 = `${SUB_B}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm2`;
const DISK = `${SUB_A}/resourceGroups/rg/providers/Microsoft.Compute/disks/d1`;

const fail = (kind: MicrosoftError['kind'], text = 'refused') => new MicrosoftError(kind, text);

/**
 * An ArmClient over a small fixed tenant; `failures` maps a path or scope prefix to the error it
 * throws, so each test says only what goes wrong.
 */
function fakeArm(failures: Record<string, MicrosoftError> = {}): ArmClient & { calls: string[] } {
  const calls: string[] = [];
  const check = (key: string) => {
    calls.push(key);
    for (const [prefix, error] of Object.entries(failures)) if (key.startsWith(prefix)) throw error;
  };
  return {
    calls,
    stats: { requests: 0, throttled: 0, retries: 0, qpuConsumed: 0 },
    async get<T>(path: string) {
      check(path);
      return { value: [{ name: { value: 'Percentage CPU' }, path }] } as T;
    },
    async *list<T>(path: string) {
      check(path);
      if (path.startsWith('/subscriptions?'))
        yield [
          { id: SUB_A, subscriptionId: SUB_A.split('/')[2] },
          { id: SUB_B, subscriptionId: SUB_B.split('/')[2] },
        ] as T[];
      else yield [{ id: `${path.split('/providers/')[0]}/rec1` }] as T[];
    },
    async *costQuery(scope: string, query: CostQueryDefinition): AsyncGenerator<CostRow[]> {
      check(scope);
      yield [{ Cost: 1, From: query.timePeriod?.from, Scope: scope }];
    },
    async *resourceGraph(_query: string, subscriptionIds: string[]) {
      check('resourceGraph');
      yield [
        { id: VM, type: 'microsoft.compute/virtualmachines', subscriptionId: subscriptionIds[0] },
        { id: DISK, type: 'microsoft.compute/disks' },
        { id: VM2, type: 'Microsoft.Compute/virtualMachines' },
      ];
    },
  };
}

const NOW = new Date('2026-11-22T08:00:00Z');

async function run(arm: ArmClient) {
  const sink = memorySink();
  const outcomes = await collectArm({ arm, sink, ctx: { now: NOW }, concurrency: 2 });
  const status = Object.fromEntries(outcomes.map((o) => [o.name, o.status]));
  return { outcomes, status, datasets: sink.datasets };
}

const entries = (items: unknown[] | undefined) => (items ?? []) as ArmParentItem[];

describe('collecting the ARM datasets', () => {
  test('every dataset is read once its parent is, with one entry per parent in parent order', async () => {
    const { status, datasets } = await run(fakeArm());
    expect(Object.values(status).every((s) => s === 'ok')).toBe(true);
    expect(Object.keys(status)).toEqual(armDatasets.map((d) => d.name));
    expect(entries(datasets.costByResourceMonth?.items).map((e) => e.parentId)).toEqual([SUB_A, SUB_B]);
    // two monthly queries per subscription: 12 closed months, then the month to date
    expect(entries(datasets.costByResourceMonth?.items)[0]!.items).toEqual([
      { Cost: 1, From: '2025-11-01T00:00:00Z', Scope: SUB_A },
      { Cost: 1, From: '2026-11-01T00:00:00Z', Scope: SUB_A },
    ]);
    // VMs only, whatever the case of their type
    expect(entries(datasets.vmMetrics?.items).map((e) => e.parentId)).toEqual([VM, VM2]);
  });

  test('a subscription whose offer Cost Management does not support keeps the error on its own entry', async () => {
    const offer = fail(
      'rejected',
      'Cost Management supports only Enterprise Agreement, Web direct and MCA offer types',
    );
    const { status, datasets } = await run(fakeArm({ [SUB_B]: offer }));
    expect(status.costByResourceMonth).toBe('ok');
    const [a, b] = entries(datasets.costByResourceMonth?.items);
    expect(a).toMatchObject({ parentId: SUB_A, items: [{ Cost: 1 }, { Cost: 1 }] });
    expect(a!.error).toBeUndefined();
    expect(b).toEqual({
      parentId: SUB_B,
      items: [],
      error: { code: 'TS_ERR_MS_REQUEST_REJECTED', message: offer.message },
    });
  });

  test('when every subscription refuses, the dataset is forbidden and holds no items', async () => {
    const denied = fail(
      'permissionMissing',
      "no authorization to perform action 'Microsoft.CostManagement/query/action'",
    );
    const { status, datasets } = await run(fakeArm({ '/subscriptions/': denied }));
    expect(status).toMatchObject({
      costByResourceMonth: 'forbidden',
      costDaily: 'forbidden',
      subscriptions: 'ok',
    });
    expect(datasets.costDaily).toMatchObject({ items: [], error: { code: 'TS_ERR_MS_PERMISSION_MISSING' } });
  });

  test('throttling that outlasts the retries fails the whole dataset instead of leaving a gap', async () => {
    const { status, datasets } = await run(fakeArm({ [SUB_B]: fail('throttled') }));
    expect(status.costDaily).toBe('error');
    expect(datasets.costDaily!.items).toEqual([]);
    expect(datasets.costDaily!.error?.code).toBe('TS_ERR_MS_THROTTLED');
  });

  test('datasets whose parent failed are recorded as errors, never as empty', async () => {
    const { status, datasets } = await run(fakeArm({ '/subscriptions?': fail('transient') }));
    for (const name of armDatasets.map((d) => d.name)) expect(status[name]).toBe('error');
    expect(datasets.vmMetrics!.error?.message).toContain('needs resources');
  });

  test('revoked consent stops the whole read', async () => {
    const arm = fakeArm({ resourceGraph: fail('consentRevoked') });
    await expect(run(arm)).rejects.toMatchObject({ code: 'TS_ERR_MS_CONSENT_REVOKED' });
  });

  test('progress reports pages and a final status per dataset', async () => {
    const events: string[] = [];
    await collectArm({
      arm: fakeArm(),
      sink: memorySink(),
      ctx: { now: NOW },
      datasets: armDatasets.slice(0, 1),
      onProgress: (e) => events.push(`${e.dataset}:${e.phase}:${e.items}`),
    });
    expect(events).toEqual(['subscriptions:page:2', 'subscriptions:done:2']);
  });
});

describe('cost periods', () => {
  test.each([
    ['2026-11-22T08:00:00Z', ['2025-11-01', '2026-10-31'], ['2026-11-01', '2026-11-22']],
    ['2026-11-01T00:00:00Z', ['2025-11-01', '2026-10-31'], ['2026-11-01', '2026-11-01']],
    ['2026-01-15T23:59:00Z', ['2025-01-01', '2025-12-31'], ['2026-01-01', '2026-01-15']],
  ])('on %s the months are 12 closed months %j and the month to date %j', (now, closed, mtd) => {
    const [a, b] = monthlyPeriods(new Date(now));
    expect([a!.from.slice(0, 10), a!.to.slice(0, 10)]).toEqual(closed);
    expect([b!.from.slice(0, 10), b!.to.slice(0, 10)]).toEqual(mtd);
  });

  test('90 daily days end yesterday, in windows of at most 31 days with no gap or overlap', () => {
    const windows = dailyPeriods(new Date('2026-11-01T00:00:00Z'), 90);
    expect(windows.map((w) => [w.from.slice(0, 10), w.to.slice(0, 10)])).toEqual([
      ['2026-08-03', '2026-09-02'],
      ['2026-09-03', '2026-10-03'],
      ['2026-10-04', '2026-10-31'],
    ]);
  });
});
