import { describe, expect, test } from 'vitest';
import { formatPrice } from '../format.ts';
import type { BookTenant, SkuLine } from '../types.ts';
import { bookFirstDir, bookTotals, filterBook, fromFirstTenant, sortBook } from './book-fns.ts';
import { skuFirstDir, sortSkus, unitStates } from './sku-fns.ts';
import { counted, nextSort, pageLabel, sortBy } from './table-fns.ts';

const gb = { locale: 'en-GB', timeZone: 'Europe/London' };

describe('sortable tables', () => {
  const rows = [
    { name: 'b', v: 2 as number | null },
    { name: 'a', v: null },
    { name: 'c', v: 1 },
    { name: 'd', v: 2 },
  ];
  test.each([
    ['asc', ['c', 'b', 'd', 'a']],
    ['desc', ['b', 'd', 'c', 'a']],
  ] as const)('sorting %s puts unknown values last and breaks ties by name', (dir, want) => {
    const got = sortBy(
      rows,
      { key: 'v', dir },
      (r) => r.v,
      (r) => r.name,
    );
    expect(got.map((r) => r.name)).toEqual(want);
  });

  test.each([
    [{ key: 'a', dir: 'asc' }, 'a', { key: 'a', dir: 'desc' }],
    [{ key: 'a', dir: 'desc' }, 'a', { key: 'a', dir: 'asc' }],
    [{ key: 'a', dir: 'asc' }, 'b', { key: 'b', dir: 'desc' }],
  ] as const)('from %o a click on %s sorts %o', (from, key, want) => {
    expect(nextSort(from, key, () => 'desc')).toEqual(want);
  });

  test.each([
    [1, 'tenant', undefined, '1 tenant'],
    [2, 'tenant', undefined, '2 tenants'],
    [0, 'finding', undefined, '0 findings'],
    [1234, 'unit', undefined, '1,234 units'],
    [3, 'idle holder', undefined, '3 idle holders'],
    [1, 'entry', 'entries', '1 entry'],
    [2, 'entry', 'entries', '2 entries'],
  ])('counted(%d, %s) is "%s"', (n, one, many, want) => {
    expect(counted(n, one, many, gb)).toBe(want);
  });

  test.each([
    [0, 50, 1234, '1–50 of 1,234 findings'],
    [50, 1, 51, '51–51 of 51 findings'],
    [0, 1, 1, '1–1 of 1 finding'],
    [0, 0, 0, 'No findings'],
  ])('a page at %d of %d rows out of %d reads "%s"', (offset, shown, total, want) => {
    expect(pageLabel(offset, shown, total, 'finding', undefined, gb)).toBe(want);
  });

  test.each([
    [7.5, 'USD', 'US$7.50'],
    [36, 'EUR', '€36.00'],
    [null, 'USD', '—'],
  ])('a unit price of %s %s shows its cents: %s', (amount, currency, want) => {
    expect(formatPrice(amount, currency, gb)).toBe(want);
  });
});

const money = (monthly: number, units = 1, unpricedUnits = 0) => ({ monthly, units, unpricedUnits });
function sku(name: string, over: Partial<SkuLine> = {}): SkuLine {
  return {
    skuId: name,
    skuPartNumber: name.toUpperCase(),
    name,
    free: false,
    capabilityStatus: 'Enabled',
    notBilled: false,
    purchased: 10,
    warning: 0,
    suspended: 0,
    consumed: 8,
    available: 2,
    overAssigned: 0,
    pricePerMonth: 10,
    term: 'annual',
    spendMonthly: 100,
    idleAssigned: 0,
    waste: money(0, 0),
    possibleWaste: money(0, 0),
    ...over,
  };
}

describe('the per-SKU table', () => {
  const lines = [
    sku('Visio', { waste: money(30, 3), pricePerMonth: null, idleAssigned: null }),
    sku('E3', { waste: money(72, 2), consumed: 40, available: 0 }),
    sku('Project', { waste: money(0, 4, 4) }),
    sku('Free flow', { free: true, waste: money(0, 0), purchased: 10000 }),
  ];
  test.each([
    ['waste', 'desc', ['E3', 'Visio', 'Free flow', 'Project']],
    ['waste', 'asc', ['Free flow', 'Visio', 'E3', 'Project']],
    ['name', 'asc', ['E3', 'Free flow', 'Project', 'Visio']],
    ['consumed', 'desc', ['E3', 'Free flow', 'Project', 'Visio']],
    ['price', 'asc', ['E3', 'Free flow', 'Project', 'Visio']],
    ['idle', 'desc', ['E3', 'Free flow', 'Project', 'Visio']],
    ['purchased', 'desc', ['Free flow', 'E3', 'Project', 'Visio']],
  ] as const)('sorted by %s %s', (key, dir, want) => {
    expect(sortSkus(lines, { key, dir }).map((l) => l.name)).toEqual(want);
  });

  test('waste with no price at all sorts with the unknowns, not as zero', () => {
    const got = sortSkus(lines, { key: 'waste', dir: 'asc' });
    expect(got.at(-1)!.name).toBe('Project');
  });

  test.each([
    [{ warning: 0, suspended: 0 }, ''],
    [{ warning: 6, suspended: 0 }, '6 in warning'],
    [{ warning: 0, suspended: 5 }, '5 suspended'],
    [{ warning: 1, suspended: 2 }, '1 in warning, 2 suspended'],
  ])('units %o read "%s"', (units, want) => {
    expect(unitStates(units)).toBe(want);
  });

  test('names sort A–Z on a first click, figures largest first', () => {
    expect([skuFirstDir('name'), skuFirstDir('waste'), skuFirstDir('available')]).toEqual([
      'asc',
      'desc',
      'desc',
    ]);
  });
});

function tenant(
  name: string,
  currency: string,
  over: Partial<BookTenant['totals']>,
  idleSeats: number | null,
): BookTenant {
  return {
    tenantId: name,
    tenantName: name,
    snapshotId: null,
    collectedAt: '2026-11-01T00:00:00Z',
    currency,
    totals: {
      spendMonthly: 0,
      wasteMonthly: 0,
      possibleWasteMonthly: 0,
      savingsAnnual: 0,
      savings: { immediateMonthly: 0, atRenewalMonthly: 0, annual: 0 },
      unpricedUnits: 0,
      unpricedSkus: [],
      idleDays: 90,
      idleKnown: idleSeats !== null,
      byReason: {},
      byDepartment: {},
      topWasteSku: null,
      ...over,
    },
    counts: {
      purchased: 10,
      consumed: 8,
      available: 2,
      licensedUsers: 8,
      disabledWithLicences: 0,
      neverSignedIn: 0,
      idle: idleSeats,
      overlapping: 0,
      guestsWithLicences: 0,
      skus: 1,
      idleSeats,
      unavailable: [],
      usageConcealed: false,
    },
  };
}

describe('the licence book', () => {
  const top = (name: string) => ({
    skuId: name,
    skuPartNumber: name.toUpperCase(),
    name,
    monthly: 1,
    units: 1,
  });
  const rows = [
    tenant('Contoso', 'USD', { spendMonthly: 0.1, wasteMonthly: 0.2, topWasteSku: top('Visio Plan 2') }, 3),
    tenant('Fabrikam', 'USD', { spendMonthly: 0.2, wasteMonthly: 0.1 }, null),
    tenant('Northwind', 'EUR', { spendMonthly: 100, wasteMonthly: 5, possibleWasteMonthly: 2.5 }, 4),
  ];

  test('totals are per currency, exact in cents, and count who cannot tell idle seats', () => {
    expect(bookTotals(rows)).toEqual([
      {
        currency: 'EUR',
        tenants: 1,
        spendMonthly: 100,
        wasteMonthly: 5,
        possibleWasteMonthly: 2.5,
        idleSeats: 4,
        idleUnknown: 0,
        available: 2,
      },
      {
        currency: 'USD',
        tenants: 2,
        // 0.1 + 0.2 in floating point is 0.30000000000000004; in cents it is 0.3
        spendMonthly: 0.3,
        wasteMonthly: 0.3,
        possibleWasteMonthly: 0,
        idleSeats: 3,
        idleUnknown: 1,
        available: 4,
      },
    ]);
    expect(bookTotals([])).toEqual([]);
  });

  test.each([
    ['', ['Contoso', 'Fabrikam', 'Northwind']],
    ['FAB', ['Fabrikam']],
    ['visio', ['Contoso']],
    ['nothing', []],
  ])('filter "%s" keeps %o', (text, want) => {
    expect(filterBook(rows, text).map((t) => t.tenantName)).toEqual(want);
  });

  test.each([
    ['waste', 'desc', ['Northwind', 'Contoso', 'Fabrikam']],
    ['idleSeats', 'desc', ['Northwind', 'Contoso', 'Fabrikam']],
    ['idleSeats', 'asc', ['Contoso', 'Northwind', 'Fabrikam']],
    ['tenant', 'desc', ['Northwind', 'Fabrikam', 'Contoso']],
    ['topSku', 'asc', ['Contoso', 'Fabrikam', 'Northwind']],
  ] as const)('sorted by %s %s', (key, dir, want) => {
    expect(sortBook(rows, { key, dir }).map((t) => t.tenantName)).toEqual(want);
  });

  test('names sort A–Z on a first click, money largest first', () => {
    expect([bookFirstDir('tenant'), bookFirstDir('waste'), bookFirstDir('idleSeats')]).toEqual([
      'asc',
      'desc',
      'desc',
    ]);
  });
});

describe('the book trend', () => {
  test.each([
    [
      [0, 0, 2, 0, 3],
      [2, 0, 3],
    ],
    [
      [1, 2],
      [1, 2],
    ],
    [[0, 0], []],
    [[], []],
  ])('weeks with tenants %o are drawn from the first tenant on: %o', (counts, drawn) => {
    expect(fromFirstTenant(counts.map((tenants) => ({ tenants }))).map((p) => p.tenants)).toEqual(drawn);
  });
});
