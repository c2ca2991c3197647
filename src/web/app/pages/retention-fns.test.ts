import { describe, expect, test } from 'vitest';
import { purgeSummary, type Retention, retentionChanges } from './retention-fns.ts';

describe('retention settings', () => {
  const saved: Retention = {
    policy: { snapshots: 90, findings: 365, drift: 365, deliveries: 90, audit: 365, disconnected: 30 },
    defaults: { snapshots: 90, findings: 365, drift: 365, deliveries: 90, audit: 365, disconnected: 30 },
    bounds: { snapshots: { min: 7, max: 3650 }, audit: { min: 90, max: 3650 } },
    updatedBy: null,
    updatedAt: null,
    lastPurgeAt: null,
    lastPurge: null,
  };
  const draftOf = (over: Record<string, string>) => ({
    ...Object.fromEntries(Object.entries(saved.policy).map(([k, v]) => [k, String(v)])),
    ...over,
  });
  test.each([
    [{}, { changes: {} }],
    [{ snapshots: '30' }, { changes: { snapshots: 30 } }],
    [{ audit: ' 400 ', drift: '60' }, { changes: { drift: 60, audit: 400 } }],
    [{ snapshots: '6' }, { error: 'Snapshots: give a whole number of days from 7 to 3650.' }],
    [{ audit: '12.5' }, { error: 'Audit log: give a whole number of days from 90 to 3650.' }],
    [{ drift: '' }, { error: 'Drift: give a whole number of days.' }],
  ])('draft %j → %j', (over, expected) => {
    expect(retentionChanges(saved, draftOf(over))).toEqual(expected);
  });

  test.each([
    [{}, 'nothing was due.'],
    [{ snapshots: 0, auditLog: 0 }, 'nothing was due.'],
    [{ snapshots: 1 }, 'deleted 1 snapshot.'],
    [{ snapshots: 2, auditLog: 1 }, 'deleted 2 snapshots and 1 audit entry.'],
    [
      { tenants: 1, emails: 3, postureScores: 4, licenceSummaries: 1 },
      'deleted 1 disconnected tenant, 3 emails and 5 other rows.',
    ],
  ])('purge %j reads "%s"', (deleted, words) => {
    expect(purgeSummary(deleted)).toBe(words);
  });
});
