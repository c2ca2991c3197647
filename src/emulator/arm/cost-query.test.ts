import { describe, expect, test } from 'vitest';
import { armRoutes } from './index.ts';
import { SUB_A, SUB_B } from './test-fixture.ts';
import { bodyOf, createCaller } from './test-request.ts';

type QueryBody = {
  properties: {
    nextLink: string | null;
    columns: { name: string; type: string }[];
    rows: (string | number)[][];
  };
};

const QUERY = `/subscriptions/${SUB_A}/providers/Microsoft.CostManagement/query?api-version=2023-03-01`;

function definition(dataset: Record<string, unknown>, from = '2025-01-01', to = '2025-03-31') {
  return {
    type: 'ActualCost',
    timeframe: 'Custom',
    timePeriod: { from: `${from}T00:00:00Z`, to: `${to}T23:59:59Z` },
    dataset: { aggregation: { totalCost: { name: 'Cost', function: 'Sum' } }, ...dataset },
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

describe('Cost Management query aggregation', () => {
  test.each(['None', 'Daily', 'Monthly'])(
    'with %s granularity the rows add up to the fixture rows of the subscription',
    async (granularity) => {
      const caller = createCaller(armRoutes());
      const res = await caller.call(
        'POST',
        `${QUERY}&$top=5000`,
        definition({ granularity, grouping: [{ type: 'Dimension', name: 'ResourceId' }] }),
      );
      expect(res.status).toBe(200);
      const { properties } = bodyOf<QueryBody>(res);
      const expected = sum(
        caller.model.arm.dailyCost.filter((r) => r.subscriptionId === SUB_A).map((r) => r.cost),
      );
      expect(sum(properties.rows.map((r) => r[0] as number))).toBeCloseTo(expected, 6);
      expect(properties.nextLink).toBeNull();
    },
  );

  test('monthly sums by resource equal the fixture rows of that resource and month', async () => {
    const caller = createCaller(armRoutes());
    const res = await caller.call(
      'POST',
      QUERY,
      definition({ granularity: 'Monthly', grouping: [{ type: 'Dimension', name: 'ResourceId' }] }),
    );
    const { properties } = bodyOf<QueryBody>(res);
    expect(properties.columns).toEqual([
      { name: 'totalCost', type: 'Number' },
      { name: 'BillingMonth', type: 'Datetime' },
      { name: 'ResourceId', type: 'String' },
      { name: 'Currency', type: 'String' },
    ]);
    expect(properties.rows).toHaveLength(4 * 3); // four resources in SUB_A × three months
    for (const [cost, month, resourceId, currency] of properties.rows) {
      const rows = caller.model.arm.dailyCost.filter(
        (r) => r.resourceId.toLowerCase() === resourceId && `${r.date.slice(0, 7)}-01T00:00:00` === month,
      );
      expect(cost).toBeCloseTo(sum(rows.map((r) => r.cost)), 6);
      expect(currency).toBe('EUR');
    }
  });

  test('daily rows carry UsageDate as a yyyyMMdd number after the aggregations', async () => {
    const caller = createCaller(armRoutes());
    const res = await caller.call(
      'POST',
      QUERY,
      definition({ granularity: 'Daily' }, '2025-02-27', '2025-03-02'),
    );
    const { properties } = bodyOf<QueryBody>(res);
    expect(properties.columns.map((c) => c.name)).toEqual(['totalCost', 'UsageDate', 'Currency']);
    expect(properties.rows.map((r) => r[1])).toEqual([20250227, 20250228, 20250301, 20250302]);
  });

  test('a filter on resource group (any case) and a tag keeps only matching rows', async () => {
    const caller = createCaller(armRoutes());
    const filter = {
      and: [
        { dimensions: { name: 'ResourceGroupName', operator: 'In', values: ['RG-WEB'] } },
        { tags: { name: 'env', operator: 'In', values: ['prod'] } },
      ],
    };
    const res = await caller.call(
      'POST',
      QUERY,
      definition({ granularity: 'None', filter, grouping: [{ type: 'Dimension', name: 'ResourceType' }] }),
    );
    const { properties } = bodyOf<QueryBody>(res);
    const types = properties.rows.map((r) => r[1]).sort();
    expect(types).toEqual(['microsoft.compute/virtualmachines', 'microsoft.storage/storageaccounts']);
    const expected = sum(
      caller.model.arm.dailyCost.filter((r) => r.resourceGroup === 'rg-Web').map((r) => r.cost),
    );
    expect(sum(properties.rows.map((r) => r[0] as number))).toBeCloseTo(expected, 6);
  });

  test('not excludes what the inner filter matches', async () => {
    const caller = createCaller(armRoutes());
    const filter = { not: { dimensions: { name: 'ServiceName', operator: 'In', values: ['Storage'] } } };
    const res = await caller.call(
      'POST',
      QUERY,
      definition({ filter, grouping: [{ type: 'Dimension', name: 'ServiceName' }] }),
    );
    expect(
      bodyOf<QueryBody>(res)
        .properties.rows.map((r) => r[1])
        .sort(),
    ).toEqual(['SQL Database', 'Virtual Machines']);
  });

  test('two groupings: resource group and a tag key give TagKey and TagValue columns, untagged under ""', async () => {
    const caller = createCaller(armRoutes());
    const grouping = [
      { type: 'Dimension', name: 'ResourceGroupName' },
      { type: 'TagKey', name: 'Env' },
    ];
    const res = await caller.call('POST', QUERY, definition({ grouping }));
    const { properties } = bodyOf<QueryBody>(res);
    expect(properties.columns.map((c) => c.name)).toEqual([
      'totalCost',
      'ResourceGroupName',
      'TagKey',
      'TagValue',
      'Currency',
    ]);
    const keys = properties.rows.map((r) => `${r[1]}|${r[2]}|${r[3]}`).sort();
    expect(keys).toEqual(['rg-data|env|dev', 'rg-data||', 'rg-web|env|prod']);
  });

  test('MonthToDate ends at the tenant asOf date, not at the last generated row', async () => {
    const caller = createCaller(armRoutes());
    const body = {
      type: 'ActualCost',
      timeframe: 'MonthToDate',
      dataSet: { granularity: 'Daily', aggregation: { c: { name: 'PreTaxCost', function: 'Sum' } } },
    };
    const res = await caller.call('POST', QUERY, body);
    const dates = bodyOf<QueryBody>(res).properties.rows.map((r) => r[1]);
    expect(dates[0]).toBe(20250301);
    expect(dates.at(-1)).toBe(20250315);
  });

  test('a period without data answers 200 with no rows', async () => {
    const caller = createCaller(armRoutes());
    const res = await caller.call('POST', QUERY, definition({}, '2024-01-01', '2024-01-31'));
    expect(res.status).toBe(200);
    expect(bodyOf<QueryBody>(res).properties.rows).toEqual([]);
  });

  test('resource-group scope only sees that group', async () => {
    const caller = createCaller(armRoutes());
    const path = `/subscriptions/${SUB_A}/resourceGroups/RG-DATA/providers/Microsoft.CostManagement/query?api-version=2024-08-01`;
    const res = await caller.call(
      'POST',
      path,
      definition({ grouping: [{ type: 'Dimension', name: 'ResourceGroup' }] }),
    );
    expect(bodyOf<QueryBody>(res).properties.rows.map((r) => r[1])).toEqual(['rg-data']);
  });

  test('CostUSD converts at a fixed rate, so it differs from Cost for EUR rows', async () => {
    const caller = createCaller(armRoutes());
    const body = definition({});
    (body.dataset as Record<string, unknown>).aggregation = {
      eur: { name: 'Cost', function: 'Sum' },
      usd: { name: 'CostUSD', function: 'Sum' },
    };
    const [row] = bodyOf<QueryBody>(await caller.call('POST', QUERY, body)).properties.rows;
    expect((row![1] as number) / (row![0] as number)).toBeCloseTo(1.08, 6);
  });
});

describe('Cost Management query paging', () => {
  test('following nextLink with the same body returns every row exactly once', async () => {
    const caller = createCaller(armRoutes());
    const body = definition({ granularity: 'Daily', grouping: [{ type: 'Dimension', name: 'ResourceId' }] });
    const all = bodyOf<QueryBody>(await caller.call('POST', `${QUERY}&$top=5000`, body)).properties.rows;
    const seen: string[] = [];
    let next: string | null = `https://management.azure.com${QUERY}&$top=97`;
    let pages = 0;
    while (next) {
      const res = await caller.callUrl('POST', next, body);
      expect(res.status).toBe(200);
      const { properties } = bodyOf<QueryBody>(res);
      expect(properties.rows.length).toBeLessThanOrEqual(97);
      seen.push(...properties.rows.map((r) => JSON.stringify(r)));
      next = properties.nextLink;
      if (next) expect(new URL(next).searchParams.get('$skiptoken')).toBeTruthy();
      pages++;
    }
    expect(all).toHaveLength(360); // 4 resources × 90 days
    expect(pages).toBe(Math.ceil(360 / 97));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.map((r) => JSON.stringify(r)).sort());
  });

  test('without $top a page holds 1000 rows; $top above 5000 is capped at 5000', async () => {
    const caller = createCaller(armRoutes());
    const model = caller.model;
    // widen the fixture: 90 days × 5 resources × 3 copies = 1350 SUB_A-ish rows grouped by a unique id
    model.arm.dailyCost = model.arm.dailyCost.flatMap((r) =>
      [0, 1, 2].map((i) => ({ ...r, subscriptionId: SUB_A, resourceId: `${r.resourceId}-${i}` })),
    );
    const body = definition({ granularity: 'Daily', grouping: [{ type: 'Dimension', name: 'ResourceId' }] });
    const first = bodyOf<QueryBody>(await caller.call('POST', QUERY, body)).properties;
    expect(first.rows).toHaveLength(1000);
    expect(first.nextLink).toContain('%24top=1000');
    const capped = bodyOf<QueryBody>(await caller.call('POST', `${QUERY}&$top=9000`, body)).properties;
    expect(capped.rows).toHaveLength(1350);
    expect(capped.nextLink).toBeNull();
  });

  test('a nextLink POSTed with a different body is refused', async () => {
    const caller = createCaller(armRoutes());
    const body = definition({ granularity: 'Daily' });
    const { nextLink } = bodyOf<QueryBody>(await caller.call('POST', `${QUERY}&$top=10`, body)).properties;
    expect(nextLink).toBeTruthy();
    const res = await caller.callUrl('POST', nextLink!, definition({ granularity: 'Monthly' }));
    expect(res.status).toBe(400);
    expect(bodyOf(res)).toEqual({
      error: { code: 'BadRequest', message: expect.stringContaining('$skiptoken') },
    });
  });

  test('a GET on the query action is refused with 405', async () => {
    const caller = createCaller(armRoutes());
    const res = await caller.call('GET', QUERY);
    expect(res.status).toBe(405);
    expect(bodyOf<{ error: { code: string } }>(res).error.code).toBe('MethodNotAllowed');
  });
});

describe('Cost Management query errors', () => {
  const cases: [string, string, unknown, number, string, RegExp][] = [
    [
      'missing api-version',
      QUERY.replace('?api-version=2023-03-01', ''),
      definition({}),
      400,
      'MissingApiVersionParameter',
      /\(\?api-version=\) is required/,
    ],
    [
      'unsupported api-version',
      QUERY.replace('2023-03-01', '2099-01-01'),
      definition({}),
      400,
      'InvalidApiVersionParameter',
      /'2099-01-01' is invalid/,
    ],
    ['body that is not JSON', QUERY, '{not json', 400, 'InvalidRequestContent', /could not be deserialized/],
    [
      'Custom without timePeriod',
      QUERY,
      { type: 'ActualCost', timeframe: 'Custom', dataset: {} },
      400,
      'BadRequest',
      /TimePeriod is required/,
    ],
    [
      'an unknown timeframe',
      QUERY,
      { ...definition({}), timeframe: 'Forever' },
      400,
      'BadRequest',
      /Timeframe 'Forever'/,
    ],
    [
      'a function other than Sum',
      QUERY,
      definition({ aggregation: { c: { name: 'Cost', function: 'Avg' } } }),
      400,
      'BadRequest',
      /function 'Avg'/,
    ],
    [
      'an unknown dimension',
      QUERY,
      definition({ grouping: [{ type: 'Dimension', name: 'Colour' }] }),
      400,
      'BadRequest',
      /Dimension 'Colour'/,
    ],
    [
      'an and with one child',
      QUERY,
      definition({
        filter: { and: [{ dimensions: { name: 'ResourceId', operator: 'In', values: ['x'] } }] },
      }),
      400,
      'BadRequest',
      /at least 2 items/,
    ],
    ['from after to', QUERY, definition({}, '2025-03-01', '2025-02-01'), 400, 'BadRequest', /earlier than/],
    ['a malformed $top', `${QUERY}&$top=abc`, definition({}), 400, 'BadRequest', /\$top/],
    [
      'an unknown subscription',
      QUERY.replace(SUB_A, '99999999-0000-4000-8000-000000000000'),
      definition({}),
      404,
      'SubscriptionNotFound',
      /could not be found/,
    ],
    [
      'an unknown resource group',
      QUERY.replace('/providers', '/resourceGroups/nope/providers'),
      definition({}),
      404,
      'ResourceGroupNotFound',
      /'nope'/,
    ],
  ];
  test.each(cases)('%s answers ARM error', async (_name, path, body, status, code, message) => {
    const res = await createCaller(armRoutes()).call('POST', path, body);
    expect(res.status).toBe(status);
    const error = bodyOf<{ error: { code: string; message: string } }>(res).error;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test('more than two groupings are accepted by default and refused in strict mode', async () => {
    const grouping = ['ResourceId', 'ResourceType', 'ResourceLocation'].map((name) => ({
      type: 'Dimension',
      name,
    }));
    const lenient = await createCaller(armRoutes()).call('POST', QUERY, definition({ grouping }));
    expect(lenient.status).toBe(200);
    const strict = await createCaller(armRoutes({ strictCostQuery: true })).call(
      'POST',
      QUERY,
      definition({ grouping }),
    );
    expect(strict.status).toBe(400);
    expect(bodyOf<{ error: { message: string } }>(strict).error.message).toMatch(/up to 2 group by/);
  });

  test('strict mode refuses Daily over more than 31 days', async () => {
    const res = await createCaller(armRoutes({ strictCostQuery: true })).call(
      'POST',
      QUERY,
      definition({ granularity: 'Daily' }),
    );
    expect(res.status).toBe(400);
  });
});

describe('Cost Management throttling inputs', () => {
  test('the route declares one QPU per month queried and reports it in a header', async () => {
    const routes = armRoutes();
    const route = routes.find((r) => r.method === 'POST' && r.path === '/subscriptions/*')!;
    const caller = createCaller(routes);
    const body = definition({});
    const res = await caller.call('POST', QUERY, body);
    expect(res.headers?.['x-ms-ratelimit-microsoft.costmanagement-qpu-consumed']).toBe('3');
    const req = {
      method: 'POST',
      url: new URL(`https://management.azure.com${QUERY}`),
      headers: {},
      rawBody: JSON.stringify(body),
      params: {},
      requestId: 'r',
    };
    expect(route.throttle?.(req)).toEqual({ kind: 'costManagement', qpu: 3 });
    expect(
      route.throttle?.({
        ...req,
        url: new URL(`https://management.azure.com/subscriptions/${SUB_B}?api-version=2022-12-01`),
      }),
    ).toEqual({ kind: 'arm' });
  });
});
