import { describe, expect, test } from 'vitest';
import { type BookTrendInput, bookTrend, weekEnds } from './book-trend.ts';

const W1 = '2026-11-20T12:00:00.000Z';
const W2 = '2026-11-27T12:00:00.000Z';

const row = (at: string, tenantId: string, currency: string, spend: number, waste = 0): BookTrendInput => ({
  at,
  tenantId,
  currency,
  spendMonthly: spend,
  wasteMonthly: waste,
  possibleWasteMonthly: 0,
  unpricedUnits: 0,
});

describe('weekEnds', () => {
  test.each([
    [1, ['2026-11-27T12:00:00.000Z']],
    [3, ['2026-11-13T12:00:00.000Z', '2026-11-20T12:00:00.000Z', '2026-11-27T12:00:00.000Z']],
  ])('%i weeks end a week apart, the last at now', (weeks, expected) => {
    expect(weekEnds(new Date(W2), weeks)).toEqual(expected);
  });
});

describe('bookTrend', () => {
  test.each([
    {
      name: 'tenants of one bucket add up, in cents (0.1 + 0.2 is 0.3)',
      rows: [row(W2, 'a', 'USD', 0.1, 0.1), row(W2, 'b', 'USD', 0.2, 0.2)],
      expected: {
        USD: [
          [0, 0, 0],
          [2, 0.3, 0.3],
        ],
      },
    },
    {
      name: 'currencies are never added together',
      rows: [row(W1, 'a', 'USD', 10), row(W1, 'b', 'EUR', 7), row(W2, 'a', 'USD', 12)],
      expected: {
        EUR: [
          [1, 7, 0],
          [0, 0, 0],
        ],
        USD: [
          [1, 10, 0],
          [1, 12, 0],
        ],
      },
    },
    {
      name: 'a tenant repeated in one bucket counts once',
      rows: [row(W2, 'a', 'USD', 10, 1), row(W2, 'a', 'USD', 10, 1)],
      expected: {
        USD: [
          [0, 0, 0],
          [1, 10, 1],
        ],
      },
    },
    { name: 'no summaries at all: no series', rows: [], expected: {} },
  ])('$name', ({ rows, expected }) => {
    const series = bookTrend([W1, W2], rows);
    const got = Object.fromEntries(
      series.map((s) => [s.currency, s.points.map((p) => [p.tenants, p.spendMonthly, p.wasteMonthly])]),
    );
    expect(got).toEqual(expected);
    for (const s of series) expect(s.points.map((p) => p.at)).toEqual([W1, W2]);
  });
});
