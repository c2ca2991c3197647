import { describe, expect, test } from 'vitest';
import { TenantscopeError } from '../platform/errors.ts';
import {
  applyRetentionChange,
  DEFAULT_RETENTION,
  RETENTION_BOUNDS,
  RETENTION_KINDS,
  retentionCutoffs,
} from './retention-policy.ts';

describe('applyRetentionChange', () => {
  test.each([
    [{ snapshots: 30 }, { ...DEFAULT_RETENTION, snapshots: 30 }],
    [
      { audit: 90, disconnected: 365 },
      { ...DEFAULT_RETENTION, audit: 90, disconnected: 365 },
    ],
    [{}, DEFAULT_RETENTION],
    [{ findings: 3650 }, { ...DEFAULT_RETENTION, findings: 3650 }],
  ])('%j is applied', (change, expected) => {
    expect(applyRetentionChange(DEFAULT_RETENTION, change)).toEqual(expected);
  });

  test.each([
    [{ snapshots: 6 }, 'snapshots must be a whole number of days from 7 to 3650'],
    [{ audit: 89 }, 'audit must be a whole number of days from 90 to 3650'],
    [{ drift: 30.5 }, 'drift must be'],
    [{ deliveries: '30' }, 'deliveries must be'],
    [{ disconnected: 366 }, 'disconnected must be a whole number of days from 7 to 365'],
    [{ mailboxes: 30 }, 'mailboxes is not a kind of data'],
  ])('%j is refused: %s', (change, words) => {
    const error = (() => {
      try {
        applyRetentionChange(DEFAULT_RETENTION, change);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TenantscopeError);
    expect(error).toMatchObject({ code: 'TS_ERR_RETENTION_INVALID' });
    expect((error as Error).message).toContain(words);
  });

  test('the defaults are within their own bounds', () => {
    for (const kind of RETENTION_KINDS) {
      expect(DEFAULT_RETENTION[kind]).toBeGreaterThanOrEqual(RETENTION_BOUNDS[kind].min);
      expect(DEFAULT_RETENTION[kind]).toBeLessThanOrEqual(RETENTION_BOUNDS[kind].max);
    }
  });
});

test('cut-offs are the policy in whole days before now', () => {
  const now = new Date('2026-12-04T10:00:00Z');
  const cut = retentionCutoffs({ ...DEFAULT_RETENTION, snapshots: 7, audit: 365 }, now);
  expect(cut.snapshots.toISOString()).toBe('2026-11-27T10:00:00.000Z');
  expect(cut.audit.toISOString()).toBe('2025-12-04T10:00:00.000Z');
  expect(cut.disconnected.toISOString()).toBe('2026-11-04T10:00:00.000Z');
});
