import { describe, expect, test } from 'vitest';
import { armRoutes } from './index.ts';
import { SUB_A, SUB_B } from './test-fixture.ts';
import { bodyOf, createCaller } from './test-request.ts';

const ARG = '/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01';

interface ArgBody {
  totalRecords: number;
  count: number;
  data: Record<string, unknown>[];
  facets: unknown[];
  resultTruncated: string;
  $skipToken?: string;
}

function widen(caller: ReturnType<typeof createCaller>, copies: number) {
  const base = caller.model.arm.resources;
  caller.model.arm.resources = Array.from({ length: copies }, (_, i) =>
    base.map((r) => ({ ...r, id: `${r.id}-${i}`, name: `${r.name}-${i}` })),
  ).flat();
}

describe('Resource Graph', () => {
  test('an inventory query answers objectArray with totalRecords, count and a string resultTruncated', async () => {
    const caller = createCaller(armRoutes());
    const res = await caller.call('POST', ARG, {
      subscriptions: [SUB_A],
      query: "Resources | where type =~ 'Microsoft.Compute/virtualMachines' | project id, name, location",
    });
    expect(res.status).toBe(200);
    expect(res.headers?.['x-ms-user-quota-remaining']).toBe('14');
    expect(res.headers?.['x-ms-user-quota-resets-after']).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(bodyOf<ArgBody>(res)).toEqual({
      totalRecords: 1,
      count: 1,
      data: [{ id: expect.stringContaining('vm-web-01'), name: 'vm-web-01', location: 'westeurope' }],
      facets: [],
      resultTruncated: 'false',
    });
  });

  test('without subscriptions every subscription of the tenant is searched', async () => {
    const res = await createCaller(armRoutes()).call('POST', ARG, {
      query: 'Resources | summarize count() by subscriptionId | order by subscriptionId asc',
    });
    expect(bodyOf<ArgBody>(res).data).toEqual([
      { subscriptionId: SUB_A, count_: 4 },
      { subscriptionId: SUB_B, count_: 1 },
    ]);
  });

  test('paging with $skipToken returns every record exactly once, 1000 per page by default', async () => {
    const caller = createCaller(armRoutes());
    widen(caller, 500); // 2,500 resources
    const query = 'Resources | project id, name | order by id asc';
    const ids: string[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const options = skipToken ? { $skipToken: skipToken } : {};
      const body = bodyOf<ArgBody>(await caller.call('POST', ARG, { query, options }));
      expect(body.totalRecords).toBe(2500);
      expect(body.count).toBe(body.data.length);
      ids.push(...body.data.map((d) => String(d.id)));
      skipToken = body.$skipToken;
      pages++;
    } while (skipToken);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(2500);
  });

  test('$top and $skip select a window; $top above 1000 is capped', async () => {
    const caller = createCaller(armRoutes());
    widen(caller, 300);
    const query = 'Resources | project id | order by id asc';
    const all = bodyOf<ArgBody>(await caller.call('POST', ARG, { query, options: { $top: 5000 } }));
    expect(all.count).toBe(1000);
    const window = bodyOf<ArgBody>(
      await caller.call('POST', ARG, { query, options: { $top: 3, $skip: 10 } }),
    );
    expect(window.data).toEqual(all.data.slice(10, 13));
  });

  test('limit or a projection without id gives no $skipToken but resultTruncated "true"', async () => {
    const caller = createCaller(armRoutes());
    widen(caller, 2);
    const noId = bodyOf<ArgBody>(
      await caller.call('POST', ARG, { query: 'Resources | project name', options: { $top: 3 } }),
    );
    expect(noId.$skipToken).toBeUndefined();
    expect(noId.resultTruncated).toBe('true');
    const limited = bodyOf<ArgBody>(
      await caller.call('POST', ARG, { query: 'Resources | limit 8', options: { $top: 3 } }),
    );
    expect(limited.$skipToken).toBeUndefined();
    expect(limited.totalRecords).toBe(8);
  });

  test('a $skipToken replayed with another query is refused', async () => {
    const caller = createCaller(armRoutes());
    widen(caller, 2);
    const first = bodyOf<ArgBody>(
      await caller.call('POST', ARG, { query: 'Resources | project id', options: { $top: 2 } }),
    );
    const res = await caller.call('POST', ARG, {
      query: 'Resources | project id, name',
      options: { $skipToken: first.$skipToken },
    });
    expect(res.status).toBe(400);
  });

  test('resultFormat table answers columns and positional rows', async () => {
    const res = await createCaller(armRoutes()).call('POST', ARG, {
      query: 'Resources | summarize count() by type | order by type asc',
      options: { resultFormat: 'table' },
    });
    const data = bodyOf<{ data: { columns: unknown[]; rows: unknown[][] } }>(res).data;
    expect(data.columns).toEqual([
      { name: 'type', type: 'string' },
      { name: 'count_', type: 'integer' },
    ]);
    expect(data.rows[0]).toEqual(['microsoft.compute/disks', 1]);
  });

  test('ResourceContainers lists the subscriptions', async () => {
    const res = await createCaller(armRoutes()).call('POST', ARG, {
      query: "resourcecontainers | where type == 'microsoft.resources/subscriptions' | project id, name",
    });
    expect(bodyOf<ArgBody>(res).totalRecords).toBe(2);
  });

  test('an unsupported operator answers ARG error shape with InvalidQuery details', async () => {
    const res = await createCaller(armRoutes()).call('POST', ARG, { query: 'Resources | mv-expand tags' });
    expect(res.status).toBe(400);
    const { error } = bodyOf<{ error: { code: string; message: string; details: { code: string }[] } }>(res);
    expect(error.code).toBe('BadRequest');
    expect(error.message).toMatch(
      /^Please provide below info when asking for support: timestamp = .+, correlationId = .+\.$/,
    );
    expect(error.details.map((d) => d.code)).toEqual(['InvalidQuery', 'UnsupportedOperator']);
  });

  test('an unknown table is refused', async () => {
    const res = await createCaller(armRoutes()).call('POST', ARG, { query: 'SecurityResources' });
    expect(bodyOf<{ error: { details: { code: string }[] } }>(res).error.details[1]!.code).toBe(
      'FailedToResolveTableExpression',
    );
  });

  test('subscriptions outside the tenant are refused when none is valid', async () => {
    const res = await createCaller(armRoutes()).call('POST', ARG, {
      subscriptions: ['99999999-0000-4000-8000-000000000000'],
      query: 'Resources',
    });
    expect(res.status).toBe(400);
  });

  test('a missing api-version is refused before the query runs', async () => {
    const res = await createCaller(armRoutes()).call('POST', '/providers/Microsoft.ResourceGraph/resources', {
      query: 'Resources',
    });
    expect(res.status).toBe(400);
    expect(bodyOf<{ error: { code: string } }>(res).error.code).toBe('MissingApiVersionParameter');
  });

  test('the 16th query inside five seconds is throttled with 429 and RateLimiting; the next window is open', async () => {
    let now = 1_000_000;
    const caller = createCaller(armRoutes({ now: () => now }));
    for (let i = 0; i < 15; i++)
      expect((await caller.call('POST', ARG, { query: 'Resources | count' })).status).toBe(200);
    const throttled = await caller.call('POST', ARG, { query: 'Resources | count' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers?.['x-ms-user-quota-remaining']).toBe('0');
    expect(Number(throttled.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(bodyOf<{ error: { code: string } }>(throttled).error.code).toBe('RateLimiting');
    now += 5_000;
    expect((await caller.call('POST', ARG, { query: 'Resources | count' })).status).toBe(200);
  });
});
