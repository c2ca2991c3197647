import { describe, expect, test } from 'vitest';
import { datePart, monthsSpanned, resolveTimeframe } from './cost-timeframe.ts';

const AS_OF = new Date('2025-03-15T12:00:00Z'); // a Saturday

describe('Cost Management timeframes', () => {
  test.each([
    ['MonthToDate', '2025-03-01', '2025-03-15'],
    ['billingmonthtodate', '2025-03-01', '2025-03-15'],
    ['TheLastMonth', '2025-02-01', '2025-02-28'],
    ['WeekToDate', '2025-03-09', '2025-03-15'],
    ['TheLastWeek', '2025-03-02', '2025-03-08'],
    ['TheLast7Days', '2025-03-09', '2025-03-15'],
    ['TheLast3Months', '2024-12-01', '2025-02-28'],
    ['YearToDate', '2025-01-01', '2025-03-15'],
    ['TheLastYear', '2024-01-01', '2024-12-31'],
  ])('%s resolves to %s … %s relative to asOf', (timeframe, from, to) => {
    expect(resolveTimeframe(timeframe, AS_OF)).toEqual({ from, to });
  });

  test('TheLastMonth in January is December of the year before', () => {
    expect(resolveTimeframe('TheLastMonth', new Date('2025-01-10T00:00:00Z'))).toEqual({
      from: '2024-12-01',
      to: '2024-12-31',
    });
  });

  test('an unknown timeframe resolves to nothing', () => {
    expect(resolveTimeframe('Custom', AS_OF)).toBeUndefined();
  });

  test.each([
    ['2025-01-01', '2025-01-31', 1],
    ['2025-01-31', '2025-02-01', 2],
    ['2024-11-15', '2025-02-14', 4],
    ['2022-01-01', '2025-01-31', 37],
  ])('%s … %s spans %i months (one QPU each)', (from, to, months) => {
    expect(monthsSpanned({ from, to })).toBe(months);
  });

  test.each([
    ['2025-01-31T23:59:59Z', '2025-01-31'],
    ['2025-01-31', '2025-01-31'],
    ['2025-01-31T00:00:00.000+02:00', '2025-01-31'],
    ['31/01/2025', undefined],
    [20250131, undefined],
  ])('datePart(%s) is %s', (input, expected) => {
    expect(datePart(input)).toBe(expected);
  });
});
