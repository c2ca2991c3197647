import { describe, expect, test } from 'vitest';
import { isSessionExpired, needsTouch, sessionExpiresAt } from './session-policy.ts';

const H = 3_600_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H);

describe('session lifetime', () => {
  test.each([
    ['used just now', 0, 0, false],
    ['idle 11 h 59 min', 0, 11.98, false],
    ['idle 12 h', 0, 12, true],
    ['used an hour ago, 6 days after sign-in', 143, 144, false],
    ['used a minute ago, 7 days after sign-in', 167.98, 168, true],
  ])('a session %s has ended: %s', (_name, lastSeenHours, nowHours, expired) => {
    expect(isSessionExpired({ createdAt: t0, lastSeenAt: at(lastSeenHours) }, at(nowHours))).toBe(expired);
  });

  test('it ends at the earlier of idle and absolute limits', () => {
    expect(sessionExpiresAt({ createdAt: t0, lastSeenAt: at(1) })).toEqual(at(13));
    expect(sessionExpiresAt({ createdAt: t0, lastSeenAt: at(160) })).toEqual(at(168));
  });

  test('last-seen is written at most every five minutes', () => {
    const s = { createdAt: t0, lastSeenAt: t0 };
    expect(needsTouch(s, new Date(t0.getTime() + 299_999))).toBe(false);
    expect(needsTouch(s, new Date(t0.getTime() + 300_000))).toBe(true);
  });
});
