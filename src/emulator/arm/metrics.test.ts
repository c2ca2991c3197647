import { describe, expect, test } from 'vitest';
import { armRoutes } from './index.ts';
import { SUB_A, VM_ID } from './test-fixture.ts';
import { bodyOf, createCaller } from './test-request.ts';

interface MetricsBody {
  cost: number;
  timespan: string;
  interval: string;
  namespace: string;
  resourceregion: string;
  value: {
    id: string;
    type: string;
    name: { value: string; localizedValue: string };
    unit: string;
    timeseries: { metadatavalues: unknown[]; data: Record<string, number | string>[] }[];
  }[];
}

const path = (query: string) =>
  `${VM_ID}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&${query}`;

describe('Azure Monitor metrics', () => {
  test('hourly average and maximum of Percentage CPU equal the model points', async () => {
    const caller = createCaller(armRoutes());
    const res = await caller.call(
      'GET',
      path(
        'metricnames=Percentage%20CPU&timespan=2025-03-13T00:00:00Z/2025-03-13T06:00:00Z&interval=PT1H&aggregation=Average,Maximum',
      ),
    );
    expect(res.status).toBe(200);
    const body = bodyOf<MetricsBody>(res);
    expect(body).toMatchObject({
      interval: 'PT1H',
      namespace: 'Microsoft.Compute/virtualMachines',
      resourceregion: 'westeurope',
    });
    expect(body.timespan).toBe('2025-03-13T00:00:00Z/2025-03-13T06:00:00Z');
    const [metric] = body.value;
    expect(metric).toMatchObject({
      type: 'Microsoft.Insights/metrics',
      name: { value: 'Percentage CPU', localizedValue: 'Percentage CPU' },
      unit: 'Percent',
    });
    const points = caller.model.arm.metrics[VM_ID]!['Percentage CPU']!.slice(0, 6);
    expect(metric!.timeseries[0]!.data).toEqual(
      points.map((p) => ({ timeStamp: p.timeStamp, average: p.average, maximum: p.maximum })),
    );
  });

  test('a daily interval averages the hourly averages and takes the highest maximum', async () => {
    const caller = createCaller(armRoutes());
    const res = await caller.call(
      'GET',
      path(
        'metricnames=Percentage CPU&timespan=2025-03-13T00:00:00Z/2025-03-14T00:00:00Z&interval=P1D&aggregation=average,maximum,count',
      ),
    );
    const points = caller.model.arm.metrics[VM_ID]!['Percentage CPU']!.slice(0, 24);
    const [day] = bodyOf<MetricsBody>(res).value[0]!.timeseries[0]!.data;
    expect(day!.average).toBeCloseTo(points.reduce((a, p) => a + p.average, 0) / 24, 9);
    expect(day!.maximum).toBe(Math.max(...points.map((p) => p.maximum)));
    expect(day!.count).toBe(24);
  });

  test('slices without data carry only their timeStamp', async () => {
    const res = await createCaller(armRoutes()).call(
      'GET',
      path('metricnames=Percentage CPU&timespan=2025-03-10T00:00:00Z/2025-03-10T02:00:00Z&interval=PT1H'),
    );
    expect(bodyOf<MetricsBody>(res).value[0]!.timeseries[0]!.data).toEqual([
      { timeStamp: '2025-03-10T00:00:00Z' },
      { timeStamp: '2025-03-10T01:00:00Z' },
    ]);
  });

  test('an unknown metric answers Azure Monitor 400 listing the valid metrics', async () => {
    const res = await createCaller(armRoutes()).call('GET', path('metricnames=Bogus&interval=PT1H'));
    expect(res.status).toBe(400);
    expect(bodyOf(res)).toEqual({
      code: 'BadRequest',
      message:
        'Failed to find metric configuration for provider: Microsoft.Compute, resource Type: virtualMachines, metric: Bogus, Valid metrics: Percentage CPU',
    });
  });

  test.each([
    ['timespan=yesterday', /invalid time interval/],
    ['interval=PT0H', /Invalid interval/],
    ['aggregation=Median', /Invalid aggregation/],
  ])('%s is a 400', async (query, message) => {
    const res = await createCaller(armRoutes()).call('GET', path(`metricnames=Percentage CPU&${query}`));
    expect(res.status).toBe(400);
    expect(bodyOf<{ message: string }>(res).message).toMatch(message);
  });

  test('a resource that does not exist is ResourceNotFound', async () => {
    const missing = `/subscriptions/${SUB_A}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/ghost/providers/Microsoft.Insights/metrics?api-version=2023-10-01`;
    const res = await createCaller(armRoutes()).call('GET', missing);
    expect(res.status).toBe(404);
    expect(bodyOf<{ error: { code: string; message: string } }>(res).error).toMatchObject({
      code: 'ResourceNotFound',
      message: expect.stringContaining(
        "'Microsoft.Compute/virtualMachines/ghost' under resource group 'rg-web'",
      ),
    });
  });
});
