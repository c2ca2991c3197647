import { describe, expect, test } from 'vitest';
import { analyseLicences } from '../analyse/licences/index.ts';
import { SNAPSHOT_FORMAT, type Snapshot } from '../collect/snapshot-types.ts';
import { selectUserLines, type UserFilter } from './licence-user-fns.ts';

const AT = '2026-11-01T00:00:00Z';
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'; // SPE_E3
const daysAgo = (n: number) => new Date(Date.parse(AT) - n * 86_400_000).toISOString();
const licensed = { assignedLicenses: [{ skuId: E3 }], licenseAssignmentStates: [{ skuId: E3 }] };
const created = daysAgo(400);

/** Five licensed people with one thing each to find, and one user without a licence. */
const users = [
  {
    id: 'active',
    userPrincipalName: 'active@c.test',
    accountEnabled: true,
    createdDateTime: created,
    ...licensed,
  },
  {
    id: 'idle',
    userPrincipalName: 'idle@c.test',
    accountEnabled: true,
    createdDateTime: created,
    ...licensed,
  },
  {
    id: 'off',
    userPrincipalName: 'off@c.test',
    accountEnabled: false,
    createdDateTime: created,
    ...licensed,
  },
  {
    id: 'never',
    userPrincipalName: 'never@c.test',
    accountEnabled: true,
    createdDateTime: created,
    ...licensed,
  },
  {
    id: 'guest',
    userPrincipalName: 'g_ext#EXT#@c.test',
    userType: 'Guest',
    accountEnabled: true,
    createdDateTime: created,
    ...licensed,
  },
  { id: 'unlicensed', userPrincipalName: 'free@c.test', accountEnabled: true, createdDateTime: created },
];
const signIns = [
  { id: 'active', signInActivity: { lastSignInDateTime: daysAgo(2) } },
  { id: 'idle', signInActivity: { lastSignInDateTime: daysAgo(120) } },
  { id: 'off', signInActivity: { lastSignInDateTime: daysAgo(3) } },
  { id: 'never', signInActivity: {} },
  { id: 'guest', signInActivity: { lastSignInDateTime: daysAgo(1) } },
];

function snapshot(withSignIns: boolean): Snapshot {
  const ok = (items: unknown[]) => ({ status: 'ok' as const, collectedAt: AT, items });
  return {
    format: SNAPSHOT_FORMAT,
    tenant: { tenantId: '00000000-0000-0000-0000-000000000001', displayName: 'C', cloud: 'global' },
    collectedAt: AT,
    completedAt: AT,
    datasets: {
      subscribedSkus: ok([
        {
          skuId: E3,
          skuPartNumber: 'SPE_E3',
          capabilityStatus: 'Enabled',
          consumedUnits: 5,
          prepaidUnits: { enabled: 8 },
        },
      ]),
      users: ok(users),
      userSignInActivity: withSignIns
        ? ok(signIns)
        : { status: 'notLicensed', collectedAt: AT, items: [], error: { code: 'x', message: 'no P1' } },
    },
  };
}

const known = analyseLicences(snapshot(true));
const unknown = analyseLicences(snapshot(false));
const page = { limit: 100, offset: 0 };
const ids = (filter: UserFilter, a = known) => selectUserLines(a, filter, page).users.map((u) => u.userId);

describe('per-user licence lines', () => {
  test.each<[UserFilter, string[]]>([
    ['all', ['active', 'idle', 'off', 'never', 'guest']],
    ['idle', ['idle']],
    ['disabled', ['off']],
    ['neverSignedIn', ['never']],
    ['guest', ['guest']],
    ['overlap', []],
  ])('%s lists %j, licensed users only, in the snapshot order', (filter, expected) => {
    expect(ids(filter)).toEqual(expected);
    expect(selectUserLines(known, filter, page)).toMatchObject({ total: expected.length, cannotTell: null });
  });

  test.each<UserFilter>(['idle', 'neverSignedIn'])(
    'without sign-in data, %s cannot be told: nobody is listed and the reason is given',
    (filter) => {
      const out = selectUserLines(unknown, filter, page);
      expect(out).toMatchObject({ total: 0, users: [], cannotTell: expect.stringContaining('P1') });
    },
  );

  test('filters that need no sign-in data still answer without it', () => {
    expect(ids('disabled', unknown)).toEqual(['off']);
    expect(ids('all', unknown)).toHaveLength(5);
  });

  test('a disabled holder carries its waste line, priced from the book', () => {
    const off = selectUserLines(known, 'disabled', page).users[0]!;
    expect(off.waste).toEqual([
      expect.objectContaining({ reason: 'disabled', possible: false, skuPartNumber: 'SPE_E3', units: 1 }),
    ]);
    expect(off.waste[0]!.monthly).toBeGreaterThan(0);
    expect(selectUserLines(known, 'all', page).users[0]!.waste).toEqual([]);
  });

  test('paging slices the lines; the total is the whole match', () => {
    const out = selectUserLines(known, 'all', { limit: 2, offset: 2 });
    expect(out.users.map((u) => u.userId)).toEqual(['off', 'never']);
    expect(out.total).toBe(5);
  });
});
