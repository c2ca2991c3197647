import { describe, expect, test } from 'vitest';
import { armReadCost, costQueryCost, createArmPacer, queryQpu } from './arm-budget.ts';
import { type CostQueryDefinition, createArmClient } from './arm-client.ts';
import { hms, rowsToObjects } from './arm-responses.ts';
import type { HttpRequest, HttpResponse } from './http.ts';
import type { MicrosoftError } from './microsoft-error.ts';

const ARM = 'https://management.azure.com';
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';

/** A scripted ARM: answers in order, records what was sent and every sleep. */
function fakeArm(answers: (Partial<HttpResponse> & { json?: unknown })[]) {
  const sent: HttpRequest[] = [];
  const sleeps: number[] = [];
  const tokenCalls: boolean[] = [];
  let now = 0;
  const client = createArmClient({
    armUrl: ARM,
    scope: `${ARM}/.default`,
    tokens: {
      getToken: async (_scope, options) => {
        tokenCalls.push(options?.fresh === true);
        return 'token';
      },
    },
    http: {
      send: async (req) => {
        sent.push(req);
        const a = answers.shift();
        if (!a) throw new Error(`unexpected request ${req.method} ${req.url}`);
        return {
          status: a.status ?? 200,
          headers: a.headers ?? {},
          body: a.body ?? JSON.stringify(a.json ?? {}),
        };
      },
      close: async () => {},
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    now: () => now,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 60_000 },
  });
  return { client, sent, sleeps, tokenCalls };
}

async function all<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

const QUERY: CostQueryDefinition = {
  type: 'ActualCost',
  timeframe: 'Custom',
  timePeriod: { from: '2025-11-01T00:00:00Z', to: '2026-10-31T23:59:59Z' },
  dataset: {
    granularity: 'Monthly',
    aggregation: { Cost: { name: 'Cost', function: 'Sum' } },
    grouping: [{ type: 'Dimension', name: 'ResourceId' }],
  },
};

const queryPage = (columns: string[], rows: unknown[][], nextLink: string | null) => ({
  json: {
    id: 'x',
    name: 'x',
    type: 'Microsoft.CostManagement/query',
    properties: { nextLink, columns: columns.map((name) => ({ name, type: 'String' })), rows },
  },
});

describe('query rows become objects by column name', () => {
  test.each([
    [
      ['Cost', 'BillingMonth', 'ResourceId', 'Currency'],
      [1.5, '2026-01-01T00:00:00', '/r/a', 'USD'],
    ],
    [
      ['ResourceId', 'Currency', 'Cost', 'BillingMonth'],
      ['/r/a', 'USD', 1.5, '2026-01-01T00:00:00'],
    ],
  ])('columns in the order %j give the same object', (columns, row) => {
    expect(
      rowsToObjects(
        columns.map((name) => ({ name })),
        [row],
      ),
    ).toEqual([{ Cost: 1.5, BillingMonth: '2026-01-01T00:00:00', ResourceId: '/r/a', Currency: 'USD' }]);
  });

  test.each([
    ['a row shorter than its columns', [{ name: 'Cost' }, { name: 'Currency' }], [[1]]],
    ['a repeated column', [{ name: 'Cost' }, { name: 'Cost' }], [[1, 2]]],
    ['a row that is not an array', [{ name: 'Cost' }], [{ Cost: 1 }]],
  ])('%s is refused, never guessed', (_, columns, rows) => {
    expect(() => rowsToObjects(columns, rows)).toThrow(/Cost Management returned/);
  });
});

describe('Cost Management paging', () => {
  test('each nextLink is POSTed with the same body, and each page is read by its own columns', async () => {
    const next = `${ARM}${SUB}/providers/Microsoft.CostManagement/query?api-version=2024-08-01&$top=5000&$skiptoken=abc`;
    const { client, sent } = fakeArm([
      queryPage(['Cost', 'ResourceId', 'Currency'], [[1, '/r/a', 'USD']], next),
      queryPage(['ResourceId', 'Cost', 'Currency'], [['/r/b', 2, 'USD']], null),
    ]);
    const rows = await all(client.costQuery(SUB, QUERY));
    expect(rows).toEqual([
      { Cost: 1, ResourceId: '/r/a', Currency: 'USD' },
      { Cost: 2, ResourceId: '/r/b', Currency: 'USD' },
    ]);
    expect(sent.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(sent[0]!.url).toBe(
      `${ARM}${SUB}/providers/Microsoft.CostManagement/query?api-version=2024-08-01&$top=5000`,
    );
    expect(sent[1]!.url).toBe(next);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(JSON.parse(sent[0]!.body!)).toEqual(QUERY);
  });

  test('a 204 answer is a query without rows', async () => {
    const { client } = fakeArm([{ status: 204, body: '' }]);
    expect(await all(client.costQuery(SUB, QUERY))).toEqual([]);
  });

  test('a nextLink to another host is refused before our token goes there', async () => {
    const { client, sent } = fakeArm([queryPage(['Cost'], [[1]], 'https://evil.example/query?x=1')]);
    await expect(all(client.costQuery(SUB, QUERY))).rejects.toMatchObject({ kind: 'rejected' });
    expect(sent).toHaveLength(1);
  });
});

describe('throttling and retries', () => {
  test('a 429 waits for the largest of the x-ms-ratelimit-*-retry-after headers, then succeeds', async () => {
    const { client, sleeps, sent } = fakeArm([
      {
        status: 429,
        headers: {
          'x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after': '30',
          'x-ms-ratelimit-microsoft.costmanagement-entity-retry-after': '45',
        },
        json: { error: { code: '429', message: 'Too many requests. Please retry.' } },
      },
      {
        ...queryPage(['Cost'], [[3]], null),
        headers: { 'x-ms-ratelimit-microsoft.costmanagement-qpu-consumed': '12' },
      },
    ]);
    expect(await all(client.costQuery(SUB, QUERY))).toEqual([{ Cost: 3 }]);
    expect(sleeps).toContain(45_000);
    expect(sent).toHaveLength(2);
    expect(client.stats).toMatchObject({ throttled: 1, retries: 1, qpuConsumed: 12 });
  });

  test('Resource Graph’s quota reset time stands in for a missing Retry-After', async () => {
    const { client, sleeps } = fakeArm([
      {
        status: 429,
        headers: { 'x-ms-user-quota-resets-after': '00:00:03' },
        json: { error: { code: 'RateLimiting' } },
      },
      { json: { totalRecords: 0, count: 0, data: [], resultTruncated: 'false' } },
    ]);
    expect(await all(client.resourceGraph('Resources | project id', ['s1']))).toEqual([]);
    expect(sleeps).toContain(3_000);
  });

  test('a 503 that persists fails as transient after the last attempt', async () => {
    const unavailable = { status: 503, json: { error: { code: 'ServiceUnavailable', message: 'down' } } };
    const { client, sent } = fakeArm([unavailable, unavailable, unavailable]);
    await expect(client.get(`${SUB}?api-version=2022-12-01`)).rejects.toMatchObject({ kind: 'transient' });
    expect(sent).toHaveLength(3);
  });
});

describe('classifying ARM failures', () => {
  test.each([
    [
      403,
      'AuthorizationFailed',
      'permissionMissing',
      "does not have authorization to perform action 'Microsoft.CostManagement/query/action'",
    ],
    [
      400,
      'BadRequest',
      'rejected',
      'Cost Management supports only Enterprise Agreement, Web direct and Microsoft Customer Agreement offer types.',
    ],
    [404, 'SubscriptionNotFound', 'notFound', "The subscription 'x' could not be found."],
  ])('%i %s is %s and quotes Microsoft’s message', async (status, code, kind, message) => {
    const { client } = fakeArm([{ status, json: { error: { code, message } } }]);
    const error = (await all(client.costQuery(SUB, QUERY)).catch((e: unknown) => e)) as MicrosoftError;
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(message);
    expect(error.disconnects).toBe(false);
  });

  test('a 401 is retried once with a fresh token; a second 401 means consent is revoked', async () => {
    const denied = {
      status: 401,
      json: { error: { code: 'InvalidAuthenticationToken', message: 'invalid' } },
    };
    const { client, tokenCalls } = fakeArm([denied, denied]);
    const error = (await client
      .get(`/subscriptions?api-version=2022-12-01`)
      .catch((e: unknown) => e)) as MicrosoftError;
    expect(error).toMatchObject({ kind: 'consentRevoked', code: 'TS_ERR_MS_CONSENT_REVOKED' });
    expect(error.disconnects).toBe(true);
    expect(tokenCalls).toEqual([false, true]);
  });

  test('a path without api-version is a programming error, caught before any request', async () => {
    const { client, sent } = fakeArm([]);
    await expect(client.get('/subscriptions')).rejects.toThrow(/api-version/);
    expect(sent).toHaveLength(0);
  });
});

describe('ARM lists and Resource Graph paging', () => {
  test('a list follows nextLink verbatim until it is absent', async () => {
    const next = `${ARM}${SUB}/providers/Microsoft.Advisor/recommendations?api-version=2023-01-01&$skiptoken=p2`;
    const { client, sent } = fakeArm([
      { json: { value: [{ id: 'a' }], nextLink: next } },
      { json: { value: [{ id: 'b' }] } },
    ]);
    const items = await all(
      client.list(`${SUB}/providers/Microsoft.Advisor/recommendations?api-version=2023-01-01`),
    );
    expect(items).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(sent[1]!.url).toBe(next);
  });

  test('Resource Graph pages pass $skipToken with the same query and subscriptions', async () => {
    const { client, sent } = fakeArm([
      {
        json: {
          totalRecords: 2,
          count: 1,
          data: [{ id: 'r1' }],
          $skipToken: 'tok',
          resultTruncated: 'false',
        },
      },
      { json: { totalRecords: 2, count: 1, data: [{ id: 'r2' }], resultTruncated: 'false' } },
    ]);
    const rows = await all(client.resourceGraph('Resources | project id', ['s1', 's2']));
    expect(rows).toEqual([{ id: 'r1' }, { id: 'r2' }]);
    const bodies = sent.map((r) => JSON.parse(r.body!));
    expect(bodies[0]).toEqual({
      subscriptions: ['s1', 's2'],
      query: 'Resources | project id',
      options: { $top: 1000, resultFormat: 'objectArray' },
    });
    expect(bodies[1]).toEqual({ ...bodies[0], options: { ...bodies[0].options, $skipToken: 'tok' } });
  });

  test('a truncated Resource Graph answer without a token fails rather than pass as the whole inventory', async () => {
    const { client } = fakeArm([
      { json: { totalRecords: 5, count: 1, data: [{ id: 'r1' }], resultTruncated: 'true' } },
    ]);
    await expect(all(client.resourceGraph('Resources | project id', ['s1']))).rejects.toMatchObject({
      kind: 'rejected',
    });
  });
});

describe('pacing under Cost Management and ARM limits', () => {
  function pacer() {
    let now = 0;
    const waits: number[] = [];
    const p = createArmPacer({
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    return { p, waits, now: () => now };
  }

  test('a second 12-month query waits until the 10-second QPU window has room again', async () => {
    const { p, now } = pacer();
    await p.take(costQueryCost(SUB, 12));
    expect(now()).toBe(0);
    await p.take(costQueryCost('/subscriptions/other', 12));
    // 12 × 0.8 = 9.6 QPU per 10 s, refilled at 0.96 / s: the 12-QPU debit left −2.4, and a query
    // dearer than the bucket waits for a full bucket: 12 QPU to flow back, 12.5 s
    expect(now()).toBe(12_500);
  });

  test('the fifth query on one scope within a minute waits for the per-scope limit', async () => {
    const { p, now } = pacer();
    for (let i = 0; i < 4; i++) await p.take(costQueryCost(SUB, 1));
    const before = now();
    await p.take(costQueryCost(SUB, 1));
    expect(now() - before).toBeGreaterThanOrEqual(10_000);
  });

  test('ARM reads are not held up behind a Cost Management query waiting for QPU', async () => {
    let now = 0;
    const timers: (() => void)[] = [];
    const p = createArmPacer({ now: () => now, sleep: () => new Promise<void>((r) => timers.push(r)) });
    await p.take(costQueryCost(SUB, 12));
    const waiting = p.take(costQueryCost(SUB, 12)); // sleeps until a timer fires
    let readAdmitted = false;
    await p.take(armReadCost(`${SUB}/resourceGroups/rg/providers/x/y/z`)).then(() => {
      readAdmitted = true;
    });
    expect(readAdmitted).toBe(true);
    now = 60_000;
    for (const fire of timers) fire();
    await waiting;
  });

  test.each([
    [{ timeframe: 'Custom', timePeriod: { from: '2025-11-01', to: '2026-10-31' } }, 12],
    [{ timeframe: 'Custom', timePeriod: { from: '2026-08-03T00:00:00Z', to: '2026-09-02T23:59:59Z' } }, 2],
    [{ timeframe: 'MonthToDate' }, 1],
    [{ timeframe: 'SomethingNew' }, 12],
  ])('%j costs %i QPU', (query, qpu) => {
    expect(queryQpu(query)).toBe(qpu);
  });

  test.each([
    ['00:00:03', 3_000],
    ['01:02:03', 3_723_000],
    ['soon', undefined],
  ])('quota reset %s is %s ms', (text, ms) => {
    expect(hms(text)).toBe(ms);
  });
});
