import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Seeded, seedAnalysis } from './api-analysis-seed.ts';

/**
 * Licences through the API: summaries and the book from the pipeline, per-user lines recomputed
 * from the stored snapshot by the licence engine, the CSV export, and the workspace price book.
 */
let s: Seeded;

beforeAll(async () => {
  s = await seedAnalysis('api-licences', 60);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const url = (suffix = '') => `/api/tenants/${s.tenantA}${suffix}`;
const get = async (path: string, agent = s.reports) => {
  const res = await agent.request('GET', path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
type Line = { userId: string; licences: unknown[]; accountEnabled: boolean; waste: { reason: string }[] };

describe("a tenant's licences", () => {
  test('the current summary and a trend that grows with each sync, oldest first', async () => {
    const first = await get(url('/licences'));
    expect(first.current).toMatchObject({ tenantId: s.tenantA, currency: 'USD' });
    expect(first.current.counts.purchased).toBeGreaterThan(0);
    expect(first.current.totals.spendMonthly).toBeGreaterThan(0);
    expect(first.trend).toEqual([first.current]);
    await s.sync();
    const second = await get(url('/licences'));
    expect(second.trend).toHaveLength(2);
    expect(second.trend[0]).toEqual(first.current);
    expect(second.trend[1]).toEqual(second.current);
    expect(Date.parse(second.current.collectedAt)).toBeGreaterThan(Date.parse(first.current.collectedAt));
    expect((await get(url('/licences?limit=1'))).trend).toEqual([second.current]);
  });

  test('per-user lines agree with the stored summary, filter by filter', async () => {
    const { current } = await get(url('/licences'));
    const total = async (filter: string) => {
      const body = await get(url(`/licences/users?filter=${filter}&limit=1000`));
      expect(body.snapshot.id).toBe(current.snapshotId);
      expect(body.cannotTell).toBeNull();
      expect(body.users).toHaveLength(body.total);
      return body;
    };
    const all = await total('all');
    expect(all.total).toBe(current.counts.licensedUsers);
    for (const u of all.users as Line[]) expect(u.licences.length).toBeGreaterThan(0);
    const disabled = await total('disabled');
    expect(disabled.total).toBe(current.counts.disabledWithLicences);
    expect(disabled.total).toBeGreaterThan(0);
    for (const u of disabled.users as Line[]) expect(u.accountEnabled).toBe(false);
    expect(disabled.users.some((u: Line) => u.waste.some((w) => w.reason === 'disabled'))).toBe(true);
    expect((await total('idle')).total).toBe(current.counts.idle);
    expect((await total('neverSignedIn')).total).toBe(current.counts.neverSignedIn);
    expect((await total('overlap')).total).toBe(current.counts.overlapping);
    expect((await total('guest')).total).toBe(current.counts.guestsWithLicences);
  });

  test('paging walks the same lines; the default filter is all', async () => {
    const a = await get(url('/licences/users?limit=5'));
    const b = await get(url('/licences/users?limit=5&offset=5'));
    const both = await get(url('/licences/users?filter=all&limit=10'));
    expect([...a.users, ...b.users].map((u: Line) => u.userId)).toEqual(
      both.users.map((u: Line) => u.userId),
    );
    expect(a.total).toBe(both.total);
  });

  test('bad input names the field', async () => {
    for (const [query, field] of [
      ['filter=everyone', 'querystring.filter'],
      ['limit=0', 'querystring.limit'],
      ['offset=-3', 'querystring.offset'],
    ] as const) {
      const res = await s.reports.request('GET', url(`/licences/users?${query}`));
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_VALIDATION',
        message: expect.stringContaining(field),
      });
    }
  });

  test('a tenant never synced has no summary and no lines', async () => {
    expect(await get(`/api/tenants/${s.tenantB}/licences`, s.ownerB)).toEqual({ current: null, trend: [] });
    expect(await get(`/api/tenants/${s.tenantB}/licences/users`, s.ownerB)).toEqual({
      snapshot: null,
      currency: 'USD',
      total: 0,
      cannotTell: null,
      users: [],
    });
  });

  test.each(['/licences', '/licences/users'])(
    "GET …%s of A's tenant answers 404 to B's owner",
    async (suffix) => {
      const res = await s.ownerB.request('GET', url(suffix));
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('TS_ERR_NOT_FOUND');
    },
  );
});

describe('the licence book', () => {
  test("the workspace's latest summaries with totals per currency; B's book is empty", async () => {
    const { current } = await get(url('/licences'));
    const book = await get('/api/licences');
    expect(book.tenants).toEqual([current]);
    expect(book.totals).toEqual([
      expect.objectContaining({
        currency: 'USD',
        tenants: 1,
        wasteMonthly: current.totals.wasteMonthly,
        spendMonthly: current.totals.spendMonthly,
      }),
    ]);
    expect(await get('/api/licences', s.ownerB)).toEqual({ tenants: [], totals: [] });
  });

  test('the book week by week: each tenant as of each week, the last week equal to the totals', async () => {
    const book = await get('/api/licences');
    const latest = book.tenants[0];
    // the app's clock is the test's: put "now" just after the latest summary
    s.h.clock.set(new Date(Date.parse(latest.collectedAt) + 60_000));
    // an older summary of A, 10 days back, in another currency: it counts, in its own series, only
    // in the week it was A's latest
    const id = randomUUID();
    const older = { ...latest.totals, spendMonthly: 100.1, wasteMonthly: 20.2, unpricedUnits: 3 };
    const inA = (q: ReturnType<typeof sql>) => withWorkspace(s.h.database.db, s.wsA, (tx) => q.execute(tx));
    await inA(sql`INSERT INTO licence_summaries (id, workspace_id, tenant_id, collected_at, currency, totals, counts)
      VALUES (${id}, ${s.wsA}, ${s.tenantA}, ${new Date(Date.parse(latest.collectedAt) - 10 * 86_400_000)},
        'EUR', ${JSON.stringify(older)}::jsonb, ${JSON.stringify(latest.counts)}::jsonb)`);
    try {
      const trend = await get('/api/licences/trend?weeks=3');
      expect(trend.weeks).toBe(3);
      const series = Object.fromEntries(
        trend.series.map((x: { currency: string; points: { tenants: number; spendMonthly: number }[] }) => [
          x.currency,
          x.points.map((p) => [p.tenants, p.spendMonthly]),
        ]),
      );
      const usd = book.totals[0];
      expect(series).toEqual({
        EUR: [
          [0, 0],
          [1, 100.1],
          [0, 0],
        ],
        USD: [
          [0, 0],
          [0, 0],
          [1, usd.spendMonthly],
        ],
      });
      expect(trend.series[1].points[2]).toMatchObject({
        wasteMonthly: usd.wasteMonthly,
        unpricedUnits: usd.unpricedUnits,
      });
    } finally {
      await inA(sql`DELETE FROM licence_summaries WHERE id = ${id}`);
    }
    expect(await get('/api/licences/trend', s.ownerB)).toEqual({ weeks: 12, series: [] });
    const bad = await s.reports.request('GET', '/api/licences/trend?weeks=1000');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('TS_ERR_VALIDATION');
  });

  test('the CSV export: a dated attachment, one row per tenant, formulas defused, audited', async () => {
    const rename = await s.admin.request('PATCH', url(), { displayName: '=HYPERLINK("http://x.test","hi")' });
    expect(rename.statusCode).toBe(200);
    const res = await s.reports.request('GET', '/api/licences/export.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const day = s.h.clock.now().toISOString().slice(0, 10);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tenantscope-licences-${day}.csv"`);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tenant,tenantId,collectedAt,currency,purchased,.*,wasteMonthly,/);
    expect(lines[1]!.startsWith(`"'=HYPERLINK(""http://x.test"",""hi"")",${s.tenantA},`)).toBe(true);
    const { current } = await get(url('/licences'));
    const wasteColumn = lines[0]!.split(',').indexOf('wasteMonthly');
    expect(lines[1]!.split(',').at(wasteColumn - lines[0]!.split(',').length)).toBe(
      String(current.totals.wasteMonthly),
    );
    expect((await s.audit())[0]).toMatchObject({
      action: 'licences.exported',
      actor: (await s.reports.request('GET', '/api/me')).json().person.id,
      detail: { tenants: 1 },
    });
  });
});

describe('the price book', () => {
  const eurBook = {
    format: 'tenantscope.prices/v1',
    currency: 'EUR',
    entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 33.6, term: 'annual' }],
  };

  test('admins read the starter list until one is saved; reports may not', async () => {
    const book = await get('/api/price-book', s.admin);
    expect(book).toMatchObject({ saved: false, updatedBy: null, updatedAt: null });
    expect(book.book).toMatchObject({ format: 'tenantscope.prices/v1', currency: 'USD' });
    expect(book.book.entries.length).toBeGreaterThan(5);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await s.reports.request(method, '/api/price-book', method === 'PUT' ? eurBook : undefined);
      expect(res.statusCode, method).toBe(403);
    }
  });

  test('a malformed book is refused with the JSON path of the problem, and nothing is saved', async () => {
    const cases: [unknown, string][] = [
      [
        { ...eurBook, entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: -1, term: 'annual' }] },
        'entries[0].pricePerMonth',
      ],
      [{ ...eurBook, currency: 'euro' }, 'currency'],
      [{ ...eurBook, format: 'other/v9' }, 'format'],
    ];
    for (const [body, path] of cases) {
      const res = await s.admin.request('PUT', '/api/price-book', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_PRICE_BOOK_INVALID',
        message: expect.stringContaining(path),
      });
    }
    const notObject = await s.admin.request('PUT', '/api/price-book', [eurBook]);
    expect(notObject.json()).toMatchObject({
      code: 'TS_ERR_VALIDATION',
      message: expect.stringContaining('body'),
    });
    expect((await get('/api/price-book', s.admin)).saved).toBe(false);
  });

  test('an admin saves a book (audited); per-user lines are priced with it at once; B keeps the starter list', async () => {
    const res = await s.admin.request('PUT', '/api/price-book', eurBook);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ saved: true, updatedBy: s.admin.personId, book: eurBook });
    expect(await get('/api/price-book', s.admin)).toEqual(res.json());
    expect((await s.audit())[0]).toMatchObject({
      action: 'price_book.saved',
      actor: s.admin.personId,
      ip: s.admin.ip,
      detail: { currency: 'EUR', entries: 1, tenants: 0 },
    });
    expect((await get(url('/licences/users?limit=1'))).currency).toBe('EUR');
    expect((await get('/api/price-book', s.ownerB)).saved).toBe(false);
  });

  test('DELETE resets to the starter list (audited)', async () => {
    const res = await s.admin.request('DELETE', '/api/price-book');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ saved: false, book: { currency: 'USD' } });
    expect((await s.audit())[0]).toMatchObject({ action: 'price_book.reset', actor: s.admin.personId });
    expect((await get(url('/licences/users?limit=1'))).currency).toBe('USD');
  });
});
