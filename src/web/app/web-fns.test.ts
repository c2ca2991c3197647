import { describe, expect, test } from 'vitest';
import { ApiError, describeError } from './api.ts';
import {
  barFractions,
  niceCeiling,
  pathOf,
  scaleLinear,
  scoreSegments,
  seriesLines,
  stackShares,
} from './charts/chart-fns.ts';
import { countOf, formatDateTime, formatMoney, formatNumber, formatRelative, plural } from './format.ts';
import { diffLines, linesOf } from './pages/diff-fns.ts';
import { filterRows, findingWeight, healthOf, sortRows } from './pages/overview-fns.ts';
import { areaLabel, countBySeverity, endOfLocalDay, groupByArea } from './pages/posture-fns.ts';
import { rowsToEntries } from './pages/price-fns.ts';
import { matchPath, publicPage, safeNext } from './paths.ts';
import type { Finding, OverviewRow } from './types.ts';

describe('addresses', () => {
  test.each([
    ['/tenants/:id/:tab', '/tenants/abc/drift', { id: 'abc', tab: 'drift' }],
    ['/tenants/:id/:tab', '/tenants/abc', null],
    ['/tenants/:id', '/tenants/a%20b', { id: 'a b' }],
    ['/settings/*', '/settings/prices/x', {}],
    ['/audit', '/audit/', {}],
    ['/audit', '/audits', null],
  ])('%s matches %s as %o', (pattern, path, want) => {
    expect(matchPath(pattern, path)).toEqual(want);
  });

  test.each([
    ['/tenants/x', '/tenants/x'],
    [null, '/'],
    ['//evil.example/x', '/'],
    // browsers read a backslash as a slash: /\evil.example is another site
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['/signin?next=/x', '/'],
  ])('after sign-in, next=%s goes to %s (never off the site)', (next, want) => {
    expect(safeNext(next)).toBe(want);
  });

  test.each([
    ['/forgot-password', { page: 'forgot-password' }],
    ['/reset-password/abc', { page: 'reset-password', token: 'abc' }],
    ['/reset-password', null],
    ['/invite/t0k-en_', { page: 'invite', token: 't0k-en_' }],
    ['/invite/a/b', null],
    ['/signin', null],
    ['/settings', null],
  ])('%s opens without a session as %o', (path, want) => {
    expect(publicPage(path)).toEqual(want);
  });
});

describe('formatting for the reader', () => {
  test.each([
    [0, 'tenants'],
    [1, 'tenant'],
    [2, 'tenants'],
    [1.5, 'tenants'],
    [-1, 'tenant'],
  ])('%s is followed by “%s”', (n, want) => {
    expect(plural(n, 'tenant', 'tenants')).toBe(want);
  });

  test.each([
    [1, '1 item'],
    [1234, '1,234 items'],
    [0, '0 items'],
    [null, '— items'],
  ])('the count %s reads “%s”', (n, want) => {
    expect(countOf(n, 'item', 'items', { locale: 'en-GB', timeZone: 'UTC' })).toBe(want);
  });

  const gb = { locale: 'en-GB', timeZone: 'Europe/London' };
  const de = { locale: 'de-DE', timeZone: 'Europe/Berlin' };
  test.each([
    [1234.5, gb, '1,234.5'],
    [1234.5, de, '1.234,5'],
    [null, gb, '—'],
  ])('the number %s reads %s in %o', (n, f, want) => {
    expect(formatNumber(n, f)).toBe(want);
  });

  test('money uses the currency of the figure, in the reader’s locale; an unknown code stays a code', () => {
    expect(formatMoney(1316, 'USD', gb)).toBe('US$1,316');
    expect(formatMoney(1316, 'EUR', de)).toMatch(/^1\.316\s€$/);
    expect(formatMoney(5, 'ZZZZ', gb)).toBe('5 ZZZZ');
  });

  test('a date-time is shown in the reader’s time zone', () => {
    const iso = '2026-03-01T23:30:00Z';
    expect(formatDateTime(iso, gb)).toContain('23:30');
    expect(formatDateTime(iso, de)).toContain('00:30');
    expect(formatDateTime(iso, de)).toMatch(/2\.\s?März 2026|02\.03\.2026/);
  });

  test.each([
    ['2026-01-01T09:00:00Z', 'just now'],
    ['2026-01-01T07:00:00Z', '2 hours ago'],
    ['2025-12-29T10:00:00Z', '3 days ago'],
    [null, 'never'],
  ])('%s is “%s” at 09:00:20', (iso, want) => {
    expect(formatRelative(iso, new Date('2026-01-01T09:00:20Z'), gb)).toBe(want);
  });
});

const row = (over: Partial<OverviewRow>): OverviewRow => ({
  id: over.name ?? 'x',
  name: 'x',
  status: 'connected',
  lastSync: { at: '2026-01-01T00:00:00Z', status: 'succeeded' },
  score: 50,
  openFindings: { critical: 0, high: 0, medium: 0, low: 0 },
  drift7d: 0,
  waste: null,
  ...over,
});

describe('the tenants overview', () => {
  test.each([
    [{ status: 'disconnected' as const }, 'disconnected'],
    [{ status: 'paused' as const }, 'paused'],
    [{ lastSync: null }, 'new'],
    [{ lastSync: { at: '2026-01-01T00:00:00Z', status: 'failed' as const } }, 'failing'],
    [{ lastSync: { at: '2026-01-01T00:00:00Z', status: 'running' as const } }, 'syncing'],
    [{}, 'healthy'],
  ])('%o reads %s', (over, want) => {
    expect(healthOf(row(over))).toBe(want);
  });

  test('one critical finding outweighs any number of high ones', () => {
    expect(findingWeight({ critical: 1, high: 0, medium: 0, low: 0 })).toBeGreaterThan(
      findingWeight({ critical: 0, high: 500, medium: 500, low: 500 }),
    );
  });

  test('sorting by score puts unknown scores last in both directions, ties by name', () => {
    const rows = [
      row({ name: 'b', score: 40 }),
      row({ name: 'c', score: null }),
      row({ name: 'a', score: 40 }),
      row({ name: 'd', score: 90 }),
    ];
    expect(sortRows(rows, { key: 'score', dir: 'asc' }).map((r) => r.name)).toEqual(['a', 'b', 'd', 'c']);
    expect(sortRows(rows, { key: 'score', dir: 'desc' }).map((r) => r.name)).toEqual(['d', 'a', 'b', 'c']);
  });

  test('the filter matches name, Microsoft tenant id and health, ignoring case', () => {
    const rows = [
      row({ name: 'Contoso', microsoftTenantId: 'AAA-1' }),
      row({ name: 'Fabrikam', status: 'paused' }),
    ];
    expect(filterRows(rows, 'cont').map((r) => r.name)).toEqual(['Contoso']);
    expect(filterRows(rows, 'aaa').map((r) => r.name)).toEqual(['Contoso']);
    expect(filterRows(rows, 'paused').map((r) => r.name)).toEqual(['Fabrikam']);
    expect(filterRows(rows, '  ')).toHaveLength(2);
  });

  test('sorting 2,000 rows keeps every row', () => {
    const many = Array.from({ length: 2000 }, (_, i) => row({ name: `t${i}`, drift7d: i % 7 }));
    expect(new Set(sortRows(many, { key: 'drift', dir: 'desc' }).map((r) => r.name)).size).toBe(2000);
  });
});

describe('chart geometry', () => {
  test('a flat domain maps to the middle', () => {
    expect(scaleLinear(5, 5, 0, 100)(5)).toBe(50);
    expect(scaleLinear(0, 10, 0, 100)(2.5)).toBe(25);
  });

  test('a gap in the scores breaks the line instead of drawing a false zero', () => {
    const segs = scoreSegments([50, null, 100], { width: 100, height: 100, pad: 0 });
    expect(segs).toEqual([[{ x: 0, y: 50 }], [{ x: 100, y: 0 }]]);
    expect(
      pathOf([
        { x: 0, y: 1 },
        { x: 2, y: 3 },
      ]),
    ).toBe('M0,1 L2,3');
  });

  test.each([
    [
      [0, 0],
      [0, 0],
    ],
    [
      [5, 10],
      [0.5, 1],
    ],
    [
      [-3, 6],
      [0, 1],
    ],
  ])('bars %o are %o of the longest', (values, want) => {
    expect(barFractions(values)).toEqual(want);
  });

  test.each([
    [0, 1],
    [0.3, 0.5],
    [1, 1],
    [7, 10],
    [1294, 2000],
    [2000, 2000],
    [50_001, 100_000],
  ])('an axis for a largest value of %d goes up to %d', (max, top) => {
    expect(niceCeiling(max)).toBe(top);
  });

  test('series share one axis: the same value is at the same height in every line', () => {
    const box = { width: 100, height: 100, pad: 0 };
    expect(
      seriesLines(
        [
          [0, 50],
          [100, 50],
        ],
        100,
        box,
      ),
    ).toEqual([
      [
        { x: 0, y: 100 },
        { x: 100, y: 50 },
      ],
      [
        { x: 0, y: 0 },
        { x: 100, y: 50 },
      ],
    ]);
    expect(seriesLines([[25]], 100, box)).toEqual([[{ x: 50, y: 75 }]]);
  });

  test('stacked shares start where the previous ended and sum to one', () => {
    expect(stackShares([1, 0, 3])).toEqual([
      { start: 0, share: 0.25 },
      { start: 0.25, share: 0 },
      { start: 0.25, share: 0.75 },
    ]);
    expect(stackShares([0, 0])).toEqual([
      { start: 0, share: 0 },
      { start: 0, share: 0 },
    ]);
  });
});

describe('the drift diff', () => {
  test('a changed property: one line out, one line in', () => {
    expect(diffLines(linesOf('enabledForReportingButNotEnforced'), linesOf('enabled'))).toEqual([
      { op: 'removed', text: 'enabledForReportingButNotEnforced' },
      { op: 'added', text: 'enabled' },
    ]);
  });

  test('objects are compared line by line; unchanged lines stay', () => {
    const lines = diffLines(linesOf({ a: 1, b: [1, 2] }), linesOf({ a: 1, b: [1, 3] }));
    expect(lines.filter((l) => l.op !== 'same').map((l) => `${l.op} ${l.text.trim()}`)).toEqual([
      'removed 2',
      'added 3',
    ]);
    expect(lines.filter((l) => l.op === 'same').length).toBeGreaterThan(3);
  });

  test('an added object has no before; past the size limit the diff is still true', () => {
    expect(diffLines(linesOf(null), ['x'])).toEqual([{ op: 'added', text: 'x' }]);
    expect(diffLines(['a', 'b'], ['a', 'c'], 1)).toEqual([
      { op: 'removed', text: 'a' },
      { op: 'removed', text: 'b' },
      { op: 'added', text: 'a' },
      { op: 'added', text: 'c' },
    ]);
  });
});

const finding = (over: Partial<Finding>): Finding =>
  ({
    id: over.checkId ?? 'f',
    checkId: 'f',
    state: 'fail',
    severity: 'low',
    area: 'a',
    title: 't',
    ...over,
  }) as Finding;

describe('posture', () => {
  test('areas with the most failing come first, findings most severe first', () => {
    const groups = groupByArea([
      finding({ checkId: '1', area: 'guests', severity: 'low' }),
      finding({ checkId: '2', area: 'conditionalAccess', severity: 'low', title: 'b' }),
      finding({ checkId: '3', area: 'conditionalAccess', severity: 'critical', title: 'z' }),
      finding({ checkId: '4', area: 'guests', state: 'accepted' }),
    ]);
    expect(groups.map((g) => [g.area, g.failing, g.findings.map((f) => f.checkId)])).toEqual([
      ['conditionalAccess', 2, ['3', '2']],
      ['guests', 1, ['1', '4']],
    ]);
    expect(areaLabel('conditionalAccess')).toBe('Conditional access');
  });

  test('counts by severity count failing findings only', () => {
    expect(
      countBySeverity([finding({ severity: 'high' }), finding({ severity: 'high', state: 'accepted' })]),
    ).toEqual({
      critical: 0,
      high: 1,
      medium: 0,
      low: 0,
    });
  });

  test.each([
    ['2027-03-04', '2027-03-04 23:59:59'],
    ['2027-02-30', '2027-03-02 23:59:59'],
    ['04/03/2027', null],
  ])('“accepted until %s” ends at %s local time', (day, want) => {
    const d = endOfLocalDay(day);
    if (want === null) expect(d).toBeNull();
    else
      expect(
        `${d!.getFullYear()}-${String(d!.getMonth() + 1).padStart(2, '0')}-${String(d!.getDate()).padStart(2, '0')} ${d!.toTimeString().slice(0, 8)}`,
      ).toBe(want);
  });
});

describe('the price book editor', () => {
  const r = (sku: string, price: string) => ({ key: 1, sku, price, term: 'annual' as const });
  test.each([
    [[r('SPE_E3', '36')], { entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 36, term: 'annual' }] }],
    [[r('SPE_E3', '36,5')], { entries: [{ skuPartNumber: 'SPE_E3', pricePerMonth: 36.5, term: 'annual' }] }],
    [
      [r('06e09a1a-ce2e-4ad2-94c3-b6f2e5b8e9f1', '1')],
      { entries: [{ skuId: '06e09a1a-ce2e-4ad2-94c3-b6f2e5b8e9f1', pricePerMonth: 1, term: 'annual' }] },
    ],
    [[r('', '')], { entries: [] }],
    [[r('SPE_E3', '')], { error: 'Row 1 (SPE_E3): the price must be a number of at least 0.' }],
    [[r('X', '1'), r('', '5')], { error: 'Row 2: name the SKU (part number such as SPE_E3, or its id).' }],
    [[r('X', '-1')], { error: 'Row 1 (X): the price must be a number of at least 0.' }],
  ])('rows %o give %o', (rows, want) => {
    expect(rowsToEntries(rows)).toEqual(want);
  });
});

describe('errors in words', () => {
  test.each([
    [
      new ApiError(429, 'TS_ERR_SIGNIN_LOCKED', 'locked', 120),
      'Too many failed sign-ins: this account is locked for a while. Try again in 2 minutes.',
    ],
    [
      new ApiError(429, 'TS_ERR_SIGNIN_LOCKED', 'locked', 30),
      'Too many failed sign-ins: this account is locked for a while. Try again in 30 seconds.',
    ],
    [
      new ApiError(401, 'TS_ERR_SIGNIN_FAILED', 'x', null),
      'That email and password do not match an account.',
    ],
    [
      new ApiError(409, 'TS_ERR_LAST_OWNER', 'this member is the last owner of the workspace', null),
      'This member is the last owner of the workspace. Make another member an owner first: a workspace always keeps one owner.',
    ],
    [
      new ApiError(429, 'TS_ERR_SIGNIN_LOCKED', 'locked', 1),
      'Too many failed sign-ins: this account is locked for a while. Try again in 1 second.',
    ],
    [
      new ApiError(401, 'TS_ERR_SECOND_FACTOR_INVALID', 'x', null),
      'That code is wrong or was already used. Codes change every 30 seconds, and each recovery code works once.',
    ],
    [new ApiError(500, 'HTTP_500', 'Internal Server Error', null), 'Internal Server Error.'],
  ])('%o reads “%s”', (error, want) => {
    expect(describeError(error)).toBe(want);
  });
});
