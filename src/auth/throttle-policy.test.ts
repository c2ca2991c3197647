import { describe, expect, test } from 'vitest';
import {
  ACCOUNT_RULE,
  afterFailure,
  IP_RULE,
  lockedForMs,
  lockMs,
  type ThrottleState,
} from './throttle-policy.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

describe('lockout policy', () => {
  test.each([
    [4, 0],
    [5, 30_000],
    [6, 60_000],
    [7, 120_000],
    [9, 480_000],
    [10, 900_000],
    [40, 900_000],
  ])('an account with %i failures in a row is locked for %i ms', (failures, ms) => {
    expect(lockMs(ACCOUNT_RULE, failures)).toBe(ms);
  });

  test.each([
    [19, 0],
    [20, 30_000],
    [21, 60_000],
  ])('an address with %i failures in a row is locked for %i ms', (failures, ms) => {
    expect(lockMs(IP_RULE, failures)).toBe(ms);
  });

  test('failures count up while they come within an hour of each other', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 5; i++) state = afterFailure(ACCOUNT_RULE, state, at(i * 600));
    expect(state).toEqual({ failures: 5, lastFailureAt: at(2400), lockedUntil: at(2430) });
  });

  test('a failure an hour after the last one starts the count again', () => {
    const old: ThrottleState = { failures: 9, lastFailureAt: at(0), lockedUntil: at(480) };
    expect(afterFailure(ACCOUNT_RULE, old, at(3600))).toEqual({
      failures: 1,
      lastFailureAt: at(3600),
      lockedUntil: null,
    });
  });

  test('the time left on a lock is counted from now, and nothing once it passed', () => {
    const state: ThrottleState = { failures: 5, lastFailureAt: at(0), lockedUntil: at(30) };
    expect(lockedForMs(state, at(10))).toBe(20_000);
    expect(lockedForMs(state, at(30))).toBe(0);
    expect(lockedForMs(undefined, at(0))).toBe(0);
  });
});
