import { describe, expect, test } from 'vitest';
import type { FindingState } from '../storage/schema.ts';
import { type Episode, isOpen, nextEpisode } from './finding-fns.ts';

const d = (day: number) => new Date(Date.UTC(2026, 0, day));
const ep = (
  state: FindingState,
  first: number | null,
  last: number | null,
  resolved: number | null,
): Episode => ({
  state,
  firstSeenAt: first === null ? null : d(first),
  lastSeenAt: last === null ? null : d(last),
  resolvedAt: resolved === null ? null : d(resolved),
});

describe('finding lifecycle', () => {
  test.each<[string, Episode | undefined, FindingState, Episode, boolean]>([
    [
      'a check failing for the first time opens a finding at that snapshot',
      undefined,
      'fail',
      ep('fail', 5, 5, null),
      true,
    ],
    [
      'a check passing the first time is recorded with no episode',
      undefined,
      'pass',
      ep('pass', null, null, null),
      true,
    ],
    [
      'a finding still failing keeps its first-seen date and moves last-seen',
      ep('fail', 1, 3, null),
      'fail',
      ep('fail', 1, 5, null),
      false,
    ],
    [
      'an accepted failure is still seen: last-seen moves',
      ep('fail', 1, 3, null),
      'accepted',
      ep('accepted', 1, 5, null),
      true,
    ],
    [
      'a failing check that passes resolves the finding',
      ep('fail', 1, 3, null),
      'pass',
      ep('pass', 1, 3, 5),
      true,
    ],
    [
      'a failing check that becomes not applicable resolves the finding',
      ep('fail', 1, 3, null),
      'notApplicable',
      ep('notApplicable', 1, 3, 5),
      true,
    ],
    [
      'a failing check that leaves the ruleset is resolved',
      ep('fail', 1, 3, null),
      'retired',
      ep('retired', 1, 3, 5),
      true,
    ],
    [
      'a failing check whose dataset could not be read stays open, unresolved',
      ep('fail', 1, 3, null),
      'unknown',
      ep('unknown', 1, 3, null),
      true,
    ],
    [
      'a failing check the tenant is no longer licensed for stays open',
      ep('fail', 1, 3, null),
      'notLicensed',
      ep('notLicensed', 1, 3, null),
      true,
    ],
    [
      'an open finding that comes back from unknown to fail continues its episode',
      ep('unknown', 1, 3, null),
      'fail',
      ep('fail', 1, 5, null),
      true,
    ],
    [
      'a resolved finding that fails again opens a new episode',
      ep('pass', 1, 3, 4),
      'fail',
      ep('fail', 5, 5, null),
      true,
    ],
    [
      'a resolved finding that passes again keeps its resolved date',
      ep('pass', 1, 3, 4),
      'pass',
      ep('pass', 1, 3, 4),
      false,
    ],
  ])('%s', (_name, previous, state, expected, changed) => {
    const result = nextEpisode(previous, state, d(5));
    expect(result.episode).toEqual(expected);
    expect(result.changed).toBe(changed);
  });

  test('only a finding that failed and was not fixed since is open', () => {
    expect(isOpen(ep('fail', 1, 1, null))).toBe(true);
    expect(isOpen(ep('pass', 1, 1, 2))).toBe(false);
    expect(isOpen(ep('pass', null, null, null))).toBe(false);
  });
});
