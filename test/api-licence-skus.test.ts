import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultSkuCatalogue, starterPriceBook } from '../src/analyse/licences/index.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { type Seeded, seedAnalysis } from './api-analysis-seed.ts';
import { adminOf, change } from './drift-emulator-harness.ts';

/**
 * One tenant's licences in detail through the API: a line per SKU from the stored summary (checked
 * against the emulator's own subscribedSkus, the starter price list and the per-user lines), the
 * book's top wasted SKU and idle seats, and every licensed user as CSV.
 */
let s: Seeded;

beforeAll(async () => {
  s = await seedAnalysis('api-licence-skus', 60);
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
const cents = (n: number) => Math.round(n * 100);
type Money = { units: number; monthly: number; unpricedUnits: number };
type Line = {
  skuId: string;
  skuPartNumber: string;
  name: string;
  free: boolean;
  notBilled: boolean;
  purchased: number;
  consumed: number;
  available: number;
  warning: number;
  suspended: number;
  pricePerMonth: number | null;
  spendMonthly: number | null;
  idleAssigned: number | null;
  waste: Money;
  possibleWaste: Money;
};
type User = {
  userId: string;
  userPrincipalName: string;
  licences: { skuId: string }[];
  waste: { skuId: string; possible: boolean; monthly: number | null }[];
};

describe('GET /api/tenants/:id/licences/skus', () => {
  test("one line per SKU the emulator sells the tenant, with Microsoft's units and the product name", async () => {
    const { current } = await get(url('/licences/skus'));
    const { current: summary } = await get(url('/licences'));
    expect(current).toMatchObject({
      snapshotId: summary.snapshotId,
      collectedAt: summary.collectedAt,
      currency: 'USD',
      idleDays: 90,
      idleKnown: true,
    });
    const model = s.emulator.stores[0]!.model.graph.collections.subscribedSkus as unknown as {
      skuId: string;
      skuPartNumber: string;
      consumedUnits: number;
      prepaidUnits: { enabled: number; warning: number; suspended: number };
    }[];
    const lines = current.skus as Line[];
    expect(lines.map((l) => l.skuPartNumber)).toEqual(model.map((m) => m.skuPartNumber));
    const catalogue = defaultSkuCatalogue();
    for (const m of model) {
      const line = lines.find((l) => l.skuId === m.skuId.toLowerCase())!;
      expect(line, m.skuPartNumber).toMatchObject({
        purchased: m.prepaidUnits.enabled,
        consumed: m.consumedUnits,
        available: Math.max(0, m.prepaidUnits.enabled - m.consumedUnits),
        warning: m.prepaidUnits.warning,
        suspended: m.prepaidUnits.suspended,
        name: catalogue.byId.get(m.skuId.toLowerCase())?.name ?? m.skuPartNumber,
      });
    }
    // the typical tenant's main suite has a friendly name, not its part number
    expect(lines.find((l) => l.skuPartNumber === 'SPB')?.name).toBe('Microsoft 365 Business Premium');
  });

  test('prices come from the price book; the lines add up to the summary totals', async () => {
    const { current } = await get(url('/licences/skus'));
    const { current: summary } = await get(url('/licences'));
    const lines = current.skus as Line[];
    const starter = starterPriceBook().entries;
    for (const l of lines) {
      const entry = starter.find((e) => e.skuPartNumber === l.skuPartNumber);
      expect(l.pricePerMonth, l.skuPartNumber).toBe(entry?.pricePerMonth ?? null);
    }
    const billed = lines.filter((l) => !l.free && !l.notBilled);
    const sum = (pick: (l: Line) => number) => billed.reduce((n, l) => n + pick(l), 0);
    expect(lines).toHaveLength(summary.counts.skus);
    expect(sum((l) => l.purchased)).toBe(summary.counts.purchased);
    expect(sum((l) => l.consumed)).toBe(summary.counts.consumed);
    expect(sum((l) => cents(l.spendMonthly ?? 0))).toBe(cents(summary.totals.spendMonthly));
    expect(sum((l) => cents(l.waste.monthly))).toBe(cents(summary.totals.wasteMonthly));
    expect(sum((l) => cents(l.possibleWaste.monthly))).toBe(cents(summary.totals.possibleWasteMonthly));
    expect(sum((l) => l.idleAssigned ?? 0)).toBe(summary.counts.idleSeats);
    expect(summary.totals.wasteMonthly).toBeGreaterThan(0);
    // free SKUs cost nothing and waste nothing
    for (const l of lines.filter((x) => x.free)) expect([l.spendMonthly, l.waste.units]).toEqual([0, 0]);
  });

  test('idle holders and waste per SKU agree with the per-user lines', async () => {
    const { current } = await get(url('/licences/skus'));
    const idle = (await get(url('/licences/users?filter=idle&limit=1000'))).users as User[];
    const all = (await get(url('/licences/users?limit=1000'))).users as User[];
    expect(idle.length).toBeGreaterThan(0);
    for (const l of current.skus as Line[]) {
      expect(l.idleAssigned, l.skuPartNumber).toBe(
        idle.filter((u) => u.licences.some((x) => x.skuId === l.skuId)).length,
      );
      const userUnits = all.flatMap((u) => u.waste).filter((w) => w.skuId === l.skuId && !w.possible).length;
      const unassigned = l.free || l.notBilled ? 0 : l.available;
      expect(l.waste.units, l.skuPartNumber).toBe(userUnits + unassigned);
    }
  });

  test('the summary and the book name the SKU that wastes the most, and the idle seats', async () => {
    const { current } = await get(url('/licences/skus'));
    const lines = current.skus as Line[];
    const top = [...lines].sort((a, b) => b.waste.monthly - a.waste.monthly)[0]!;
    const book = await get('/api/licences');
    expect(book.tenants[0].totals.topWasteSku).toEqual({
      skuId: top.skuId,
      skuPartNumber: top.skuPartNumber,
      name: top.name,
      monthly: top.waste.monthly,
      units: top.waste.units,
    });
    expect(book.tenants[0].counts.idleSeats).toBe(lines.reduce((n, l) => n + (l.idleAssigned ?? 0), 0));
    const csv = (await s.reports.request('GET', '/api/licences/export.csv')).body.trimEnd().split('\r\n');
    const header = csv[0]!.split(',');
    const row = csv[1]!.split(',');
    expect(row[header.indexOf('topWasteSku')]).toBe(top.skuPartNumber);
    expect(row[header.indexOf('idleSeats')]).toBe(String(book.tenants[0].counts.idleSeats));
  });

  test('a summary stored before per-SKU lines were kept says so: null lines, no top SKU, idle seats unknown', async () => {
    const { current } = await get(url('/licences'));
    await withWorkspace(s.h.database.db, s.wsA, (tx) =>
      sql`UPDATE licence_summaries SET totals = totals - 'bySku' WHERE tenant_id = ${s.tenantA}`.execute(tx),
    );
    expect((await get(url('/licences/skus'))).current).toMatchObject({
      snapshotId: current.snapshotId,
      skus: null,
    });
    const old = (await get(url('/licences'))).current;
    expect([old.totals.topWasteSku, old.counts.idleSeats]).toEqual([null, null]);
    // the next sync stores them again
    await s.sync();
    expect((await get(url('/licences/skus'))).current.skus.length).toBeGreaterThan(0);
  });

  test("a tenant never synced has no lines; A's tenant is not found for B's owner", async () => {
    expect(await get(`/api/tenants/${s.tenantB}/licences/skus`, s.ownerB)).toEqual({ current: null });
    const res = await s.ownerB.request('GET', url('/licences/skus'));
    expect([res.statusCode, res.json().code]).toEqual([404, 'TS_ERR_NOT_FOUND']);
  });
});

describe('GET /api/tenants/:id/licences/users.csv', () => {
  test('every licensed user, a dated attachment, formulas defused, audited', async () => {
    const admin = adminOf(s.emulator);
    const adminId = 'user' in admin ? admin.user.id : '';
    await change(s.emulator, 0, {
      actor: admin,
      collection: 'users',
      id: adminId,
      patch: { displayName: '=HYPERLINK("http://x.test","hi")' },
    });
    await s.sync();
    const res = await s.reports.request('GET', url('/licences/users.csv'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const day = s.h.clock.now().toISOString().slice(0, 10);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="tenantscope-licence-users-${day}.csv"`,
    );
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'userPrincipalName,displayName,department,userType,accountEnabled,licences,skuPartNumbers,' +
        'assignment,signIn,lastSignIn,daysSinceSignIn,wasteReasons,wasteMonthly,currency',
    );
    const { current } = await get(url('/licences'));
    expect(lines).toHaveLength(current.counts.licensedUsers + 1);
    expect(lines.some((l) => l.includes(`,"'=HYPERLINK(""http://x.test"",""hi"")",`))).toBe(true);
    expect(lines.some((l) => l.includes('Microsoft 365 Business Premium'))).toBe(true);
    for (const l of lines.slice(1)) expect(l.endsWith(',USD')).toBe(true);
    expect((await s.audit())[0]).toMatchObject({
      action: 'licences.users_exported',
      target: s.tenantA,
      actor: (await s.reports.request('GET', '/api/me')).json().person.id,
      detail: { users: current.counts.licensedUsers },
    });
  });

  test('the CSV and the JSON lines agree on certain waste per user', async () => {
    const csv = (await s.reports.request('GET', url('/licences/users.csv'))).body.trimEnd().split('\r\n');
    const json = (await get(url('/licences/users?limit=1000'))).users as User[];
    const waste = new Map(
      csv.slice(1).map((l) => {
        const cells = l.split(',');
        return [cells[0], cells.at(-2)];
      }),
    );
    for (const u of json) {
      const certain = u.waste.filter((w) => !w.possible);
      // a licence without a price is a gap: the cell stays empty rather than say 0
      const want = certain.some((w) => w.monthly === null)
        ? ''
        : String(certain.reduce((c, w) => c + cents(w.monthly!), 0) / 100);
      expect(waste.get(u.userPrincipalName), u.userPrincipalName).toBe(want);
    }
  });

  test("a tenant without a stored snapshot answers 404 with why; A's tenant is not found for B", async () => {
    const none = await s.ownerB.request('GET', `/api/tenants/${s.tenantB}/licences/users.csv`);
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({
      code: 'TS_ERR_NOT_FOUND',
      message: expect.stringContaining('snapshot'),
    });
    const other = await s.ownerB.request('GET', url('/licences/users.csv'));
    expect([other.statusCode, other.json().code]).toEqual([404, 'TS_ERR_NOT_FOUND']);
  });
});
