import { describe, expect, test } from 'vitest';
import { createRateBuckets } from './rate-buckets.ts';
import { costQueryQpu, createThrottler, resourceUnitQuota } from './throttle.ts';

describe('rate buckets', () => {
  const limit = { key: 'k', capacity: 5, windowMs: 10_000, cost: 1 };

  test('a full bucket admits its capacity, then refuses with the wait until one token is back', () => {
    const b = createRateBuckets();
    for (let i = 0; i < 5; i++) expect(b.take([limit], 0).ok).toBe(true);
    const refused = b.take([limit], 0);
    expect(refused.ok).toBe(false);
    expect(refused.retryAfterMs).toBe(4_000); // debited to -1, needs +2 tokens at 2 s each
  });

  test('waiting the advertised time always succeeds', () => {
    const b = createRateBuckets();
    for (let i = 0; i < 5; i++) b.take([limit], 0);
    const refused = b.take([limit], 0);
    expect(b.take([limit], refused.retryAfterMs).ok).toBe(true);
  });

  test('requests inside the window are penalised: the wait grows', () => {
    const b = createRateBuckets();
    for (let i = 0; i < 5; i++) b.take([limit], 0);
    const first = b.take([limit], 0).retryAfterMs;
    const again = b.take([limit], 1_000).retryAfterMs;
    expect(again).toBeGreaterThan(first - 1_000);
  });

  test('all buckets of a request must admit it (Cost Management: 10 s, 1 min, 1 h)', () => {
    const b = createRateBuckets();
    const wide = { key: 'w', capacity: 100, windowMs: 10_000, cost: 1 };
    const narrow = { key: 'n', capacity: 1, windowMs: 10_000, cost: 1 };
    expect(b.take([wide, narrow], 0).ok).toBe(true);
    expect(b.take([wide, narrow], 0).ok).toBe(false);
  });
});

describe('Microsoft limits', () => {
  test.each([
    [10, 3_500],
    [49, 3_500],
    [50, 5_000],
    [500, 5_000],
    [501, 8_000],
  ])('a tenant of %i users gets %i RU / 10 s', (users, quota) => {
    expect(resourceUnitQuota(users)).toBe(quota);
  });

  test.each([
    [{ timeframe: 'MonthToDate' }, 1],
    [{ timeframe: 'Custom', timePeriod: { from: '2025-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' } }, 12],
  ])('a cost query over %j costs %i QPU', (body, qpu) => {
    expect(costQueryQpu(JSON.stringify(body))).toBe(qpu);
  });

  test('a 12-month cost query exhausts the 12 QPU / 10 s quota and is answered with the QPU headers', () => {
    const t = createThrottler();
    const body = JSON.stringify({
      timeframe: 'Custom',
      timePeriod: { from: '2025-01-01', to: '2025-12-31' },
    });
    const input = {
      cls: { kind: 'costManagement' } as const,
      appId: 'a',
      tenantId: 't',
      users: 10,
      rawBody: body,
    };
    expect(t.check(input, 0).headers['x-ms-ratelimit-microsoft.costmanagement-qpu-remaining']).toBe(
      'QueriesPerHour:588,QueriesPerMin:48',
    );
    const refused = t.check(input, 0);
    expect(refused.ok).toBe(false);
    expect(
      Number(refused.headers['x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after']),
    ).toBeGreaterThan(0);
  });

  test('usage reports are counted per report', () => {
    const t = createThrottler();
    const base = { appId: 'a', tenantId: 't', users: 10, rawBody: '' };
    for (let i = 0; i < 14; i++) t.check({ ...base, cls: { kind: 'usageReports', report: 'A' } }, 0);
    expect(t.check({ ...base, cls: { kind: 'usageReports', report: 'A' } }, 0).ok).toBe(false);
    expect(t.check({ ...base, cls: { kind: 'usageReports', report: 'B' } }, 0).ok).toBe(true);
  });
});
