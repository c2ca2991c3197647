/** The cross-tenant book, the trend over snapshots, and the CSV export. */
import { describe, expect, test } from 'vitest';
import {
  analyseLicences,
  csvCell,
  licenceBook,
  licenceTrendFromSnapshots,
  type PriceBook,
  toCsv,
} from '../src/analyse/licences/index.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { modelToSnapshot } from './licences-helpers.ts';

const usd: PriceBook = {
  currency: 'USD',
  entries: [{ skuPartNumber: 'ENTERPRISEPACK', pricePerMonth: 23, term: 'annual' }],
};
const eur: PriceBook = {
  currency: 'EUR',
  entries: [{ skuPartNumber: 'ENTERPRISEPACK', pricePerMonth: 21.5, term: 'annual' }],
};
const tenant = (seed: string, asOf?: string) =>
  modelToSnapshot(generateTenant({ users: 80, profile: 'neglected', seed, ...(asOf ? { asOf } : {}) }));

describe('the book of an MSP', () => {
  test('totals are kept per currency and equal the sum of their tenants', () => {
    const a = analyseLicences(tenant('a'), { prices: usd });
    const b = analyseLicences(tenant('b'), { prices: usd });
    const c = analyseLicences(tenant('c'), { prices: eur });
    const book = licenceBook([a, b, c]);
    expect(book.tenants).toHaveLength(3);
    const totals = Object.fromEntries(book.totals.map((t) => [t.currency, t]));
    expect(Object.keys(totals)).toEqual(['EUR', 'USD']);
    expect(totals.USD!.tenants).toBe(2);
    expect(Math.round(totals.USD!.wasteMonthly * 100)).toBe(
      Math.round(a.waste.total.monthly * 100) + Math.round(b.waste.total.monthly * 100),
    );
    expect(totals.EUR!.wasteMonthly).toBe(c.waste.total.monthly);
    expect(totals.USD!.unpricedUnits).toBeGreaterThan(0);
  });

  test('only the latest snapshot of a tenant is in the book', () => {
    const older = analyseLicences(tenant('same', '2026-10-01T00:00:00Z'), { prices: usd });
    const newer = analyseLicences(tenant('same', '2026-11-01T00:00:00Z'), { prices: usd });
    const book = licenceBook([newer, older]);
    expect(book.tenants.map((t) => t.collectedAt)).toEqual([newer.collectedAt]);
  });
});

describe('the trend of one tenant', () => {
  test('one point per snapshot, oldest first, each measured at its own collectedAt', () => {
    const trend = licenceTrendFromSnapshots(
      [tenant('t', '2026-11-01T00:00:00Z'), tenant('t', '2026-09-01T00:00:00Z')],
      () => ({ prices: usd }),
    );
    const [points] = Object.values(trend);
    expect(points!.map((p) => p.collectedAt)).toEqual([
      '2026-09-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
    ]);
    // the same generated tenant shifted in time has the same idle accounts relative to its own date
    expect(points![0]!.idle).toBe(points![1]!.idle);
  });
});

describe('CSV (RFC 4180)', () => {
  test.each([
    { value: 'plain', cell: 'plain' },
    { value: 'a,b', cell: '"a,b"' },
    { value: 'say "hi"', cell: '"say ""hi"""' },
    { value: 'two\nlines', cell: '"two\nlines"' },
    { value: '=HYPERLINK("x")', cell: `"'=HYPERLINK(""x"")"` },
    { value: '@SUM(A1)', cell: "'@SUM(A1)" },
    { value: -3, cell: '-3' },
    { value: null, cell: '' },
    { value: true, cell: 'true' },
  ])('$value is written as $cell', ({ value, cell }) => {
    expect(csvCell(value)).toBe(cell);
  });

  test('lines end with CRLF, the last one too', () => {
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });
});
