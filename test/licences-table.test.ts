/**
 * Table tests of the licence rules on hand-written Graph objects (shapes as in
 * ../shared/reference/graph/examples: users.list.json, subscribedSkus.list.json,
 * office365ActiveUserDetail.D7.csv).
 */
import { describe, expect, test } from 'vitest';
import { analyseLicences, type PriceBook } from '../src/analyse/licences/index.ts';
import { snapshotOf } from './licences-helpers.ts';

const NOW = '2026-11-01T00:00:00.000Z';
const DAY = 86_400_000;
const ago = (days: number, ms = 0) => new Date(Date.parse(NOW) - days * DAY - ms).toISOString();
const SKU = {
  E3: '6fd2c87f-b296-42f0-b197-1e91e994b900',
  E5: 'c7df2760-2c81-4ef7-b578-5b5392b571df',
  M365E3: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  P1: '078d2b04-f1bd-4111-bbd4-b4b1b354cef4',
  EMS: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
  PBI: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
  VISIO2: 'c5928f49-12ba-48f7-ada3-0d743a3601d5',
  VISIO1: '4b244418-9658-4451-a2b8-b5e2b364e9bd',
};
const PART: Record<string, string> = {
  [SKU.E3]: 'ENTERPRISEPACK',
  [SKU.E5]: 'ENTERPRISEPREMIUM',
  [SKU.M365E3]: 'SPE_E3',
  [SKU.P1]: 'AAD_PREMIUM',
  [SKU.EMS]: 'EMS',
  [SKU.PBI]: 'POWER_BI_PRO',
  [SKU.VISIO2]: 'VISIOCLIENT',
  [SKU.VISIO1]: 'VISIOONLINE_PLAN1',
};
const subscribedSku = (skuId: string, enabled: number, consumed: number, status = 'Enabled') => ({
  accountId: 'f97aeefc-af85-414d-8ae4-b457f90efc40',
  appliesTo: 'User',
  capabilityStatus: status,
  consumedUnits: consumed,
  id: `f97aeefc-af85-414d-8ae4-b457f90efc40_${skuId}`,
  prepaidUnits: { enabled, suspended: 0, warning: 0, lockedOut: 0 },
  servicePlans: [],
  skuId,
  skuPartNumber: PART[skuId],
});

interface UserSpec {
  id?: string;
  upn?: string;
  displayName?: string;
  enabled?: boolean;
  guest?: boolean;
  created?: string;
  skus?: string[];
  /** skuId → group id; missing = direct; 'both' = direct and through group g1 */
  via?: Record<string, string>;
  interactive?: string | null;
  nonInteractive?: string | null;
}

function user(spec: UserSpec, i = 0) {
  const skus = spec.skus ?? [SKU.E3];
  const states = skus.flatMap((skuId) => {
    const via = spec.via?.[skuId];
    const state = (g: string | null) => ({
      assignedByGroup: g,
      disabledPlans: [],
      error: 'None',
      skuId,
      state: 'Active',
    });
    return via === 'both' ? [state(null), state('g1')] : [state(via ?? null)];
  });
  return {
    id: spec.id ?? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    displayName: spec.displayName ?? 'Megan Bowen',
    userPrincipalName: spec.upn ?? `user${i}@contoso.com`,
    userType: spec.guest ? 'Guest' : 'Member',
    accountEnabled: spec.enabled ?? true,
    createdDateTime: spec.created ?? '2021-03-04T10:11:12Z',
    department: 'Sales',
    assignedLicenses: skus.map((skuId) => ({ disabledPlans: [], skuId })),
    licenseAssignmentStates: states,
  };
}

function signIn(spec: UserSpec, i = 0) {
  return {
    id: spec.id ?? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    signInActivity: {
      lastSignInDateTime: spec.interactive === undefined ? ago(1) : spec.interactive,
      lastNonInteractiveSignInDateTime:
        spec.nonInteractive === undefined ? '0001-01-01T00:00:00Z' : spec.nonInteractive,
    },
  };
}

function analyse(specs: UserSpec[], extra: Record<string, unknown[]> = {}, prices?: PriceBook) {
  const used = new Set(specs.flatMap((s) => s.skus ?? [SKU.E3]));
  const snapshot = snapshotOf(
    {
      subscribedSkus: [...used].map((id) =>
        subscribedSku(id, 100, specs.filter((s) => (s.skus ?? [SKU.E3]).includes(id)).length),
      ),
      users: specs.map(user),
      userSignInActivity: specs.map(signIn),
      groups: [{ id: 'g1', displayName: 'Licence: Office 365 E3', assignedLicenses: [{ skuId: SKU.E3 }] }],
      ...extra,
    },
    NOW,
  );
  return analyseLicences(snapshot, prices ? { prices } : {});
}

describe('overlapping SKUs', () => {
  test.each([
    {
      held: [SKU.E3, SKU.E5],
      overlapping: [SKU.E3, SKU.E5],
      paidTwice: [SKU.E3],
      why: 'Office 365 E5 includes E3',
    },
    {
      held: [SKU.M365E3, SKU.E3, SKU.P1],
      overlapping: [SKU.M365E3, SKU.E3, SKU.P1].sort(),
      paidTwice: [SKU.E3, SKU.P1].sort(),
      why: 'M365 E3 includes O365 E3 and Entra P1',
    },
    {
      held: [SKU.EMS, SKU.P1],
      overlapping: [SKU.EMS, SKU.P1].sort(),
      paidTwice: [SKU.P1],
      why: 'EMS E3 includes Entra P1',
    },
    {
      held: [SKU.VISIO2, SKU.VISIO1],
      overlapping: [SKU.VISIO2, SKU.VISIO1].sort(),
      paidTwice: [SKU.VISIO1],
      why: 'Visio Plan 2 includes Plan 1',
    },
    {
      held: [SKU.E3, SKU.PBI],
      overlapping: [],
      paidTwice: [],
      why: 'a suite and an add-on it lacks do not overlap',
    },
    {
      held: [SKU.E5, SKU.PBI],
      overlapping: [SKU.E5, SKU.PBI].sort(),
      paidTwice: [SKU.PBI],
      why: 'Office 365 E5 includes Power BI Pro',
    },
  ])('$why', ({ held, overlapping, paidTwice }) => {
    const a = analyse([{ skus: held }]);
    expect(a.users[0]!.overlappingSkuIds).toEqual([...overlapping].sort());
    expect(a.users[0]!.redundantSkuIds).toEqual([...paidTwice].sort());
    expect(
      a.waste.lines
        .filter((l) => l.reason === 'overlapping')
        .map((l) => l.skuId)
        .sort(),
    ).toEqual([...paidTwice].sort());
  });
});

describe('direct and group-based assignments', () => {
  test.each([
    { via: undefined, path: 'direct', groups: [] },
    { via: { [SKU.E3]: 'g1' }, path: 'group', groups: ['Licence: Office 365 E3'] },
    { via: { [SKU.E3]: 'both' }, path: 'both', groups: ['Licence: Office 365 E3'] },
  ])('a licence assigned $path is reported as $path', ({ via, path, groups }) => {
    const a = analyse([{ via, enabled: false }]);
    const licence = a.users[0]!.licences[0]!;
    expect(licence.path).toBe(path);
    expect(licence.groups.map((g) => g.displayName)).toEqual(groups);
    // removing a group-based licence means removing the user from the group: the waste line says which
    expect(a.waste.lines.find((l) => l.reason === 'disabled')!.viaGroups).toEqual(groups);
  });

  test('a user without licenseAssignmentStates has an unknown path, not a direct one', () => {
    const a = analyse([{}]);
    const snapshot = snapshotOf({ users: [{ ...user({}), licenseAssignmentStates: undefined }] }, NOW);
    expect(a.users[0]!.licences[0]!.path).toBe('direct');
    expect(analyseLicences(snapshot).users[0]!.licences[0]!.path).toBe('unknown');
  });
});

describe('idle thresholds at their edges', () => {
  test.each([
    { last: ago(30), idle: [], why: 'exactly 30 days ago is not idle for 30' },
    { last: ago(30, 1), idle: [30], why: '30 days and 1 ms ago is idle for 30' },
    { last: ago(60), idle: [30], why: 'exactly 60 days ago is idle for 30 only' },
    { last: ago(60, 1), idle: [30, 60], why: 'just over 60 days is idle for 30 and 60' },
    { last: ago(90), idle: [30, 60], why: 'exactly 90 days is not idle for 90' },
    { last: ago(90, 1), idle: [30, 60, 90], why: 'just over 90 days is idle for all three' },
  ])('$why', ({ last, idle }) => {
    const a = analyse([{ interactive: last }]);
    if (a.findings.idle.status !== 'known') throw new Error('idle view should be known');
    const got = ([30, 60, 90] as const).filter(
      (d) => a.findings.idle.status === 'known' && a.findings.idle[`days${d}`].length > 0,
    );
    expect(got).toEqual(idle);
  });

  test.each([
    {
      interactive: ago(100),
      nonInteractive: ago(2),
      idle90: false,
      why: 'a recent non-interactive sign-in keeps the account active',
    },
    {
      interactive: null,
      nonInteractive: ago(95),
      idle90: true,
      why: 'non-interactive only, long ago, is idle',
    },
    {
      interactive: ago(95),
      nonInteractive: '0001-01-01T00:00:00Z',
      idle90: true,
      why: 'the 0001-01-01 value means never, not "long ago"',
    },
  ])('$why', ({ interactive, nonInteractive, idle90 }) => {
    const a = analyse([{ interactive, nonInteractive }]);
    expect(a.findings.idle.status === 'known' && a.findings.idle.days90.length === 1).toBe(idle90);
  });
});

describe('never signed in', () => {
  test.each([
    { created: ago(400), never: true, why: 'an old account with no sign-in ever is never-signed-in' },
    { created: ago(31), never: true, why: 'just past the 30-day grace it counts' },
    { created: ago(10), never: false, why: 'a new starter inside the grace does not count yet' },
  ])('$why', ({ created, never }) => {
    const a = analyse([{ created, interactive: null, nonInteractive: '0001-01-01T00:00:00Z' }]);
    expect(a.findings.neverSignedInWithLicences!.length === 1).toBe(never);
    expect(a.users[0]!.signIn.state).toBe('never');
  });
});

describe('possible shared mailboxes and service accounts', () => {
  test.each([
    { upn: 'shared-finance@contoso.com', name: 'Finance (shared)', interactive: null, kind: 'shared' },
    { upn: 'info@contoso.com', name: 'Info', interactive: null, kind: 'shared' },
    { upn: 'svc-backup1@contoso.com', name: 'Backup', interactive: null, kind: 'service' },
    { upn: 'svc-backup1@contoso.com', name: 'Backup', interactive: ago(3), kind: null },
    { upn: 'sally.information@contoso.com', name: 'Sally Information', interactive: null, kind: null },
  ])('$upn (interactive $interactive) is possibly $kind', ({ upn, name, interactive, kind }) => {
    const a = analyse([{ upn, displayName: name, interactive, nonInteractive: ago(1) }]);
    const u = a.users[0]!;
    expect(u.possibleSharedMailbox ? 'shared' : u.possibleServiceAccount ? 'service' : null).toBe(kind);
  });
});

describe('usage report', () => {
  const row = (upn: string) => ({
    'Report Refresh Date': '2026-10-30',
    'User Principal Name': upn,
    'Display Name': 'Megan Bowen',
    'Is Deleted': 'False',
    'Has Exchange License': 'True',
    'Exchange Last Activity Date': '2026-10-29',
    'Has Teams License': 'True',
    'Teams Last Activity Date': '2026-10-20',
  });

  test('real names are joined to users with their last activity per workload', () => {
    const a = analyse([{ upn: 'MeganB@contoso.com' }], {
      office365ActiveUserDetail: [row('meganb@contoso.com')],
      reportSettings: [{ displayConcealedNames: false }],
    });
    expect(a.usage.joined).toBe(1);
    expect(a.users[0]!.usage).toEqual({
      lastActivity: '2026-10-29',
      workloads: { Exchange: '2026-10-29', Teams: '2026-10-20' },
    });
  });

  test('hex user names are recognised as concealed even when reportSettings were not read', () => {
    const a = analyse([{ upn: 'MeganB@contoso.com' }], {
      office365ActiveUserDetail: [row('7F0A5B6C2D3E4F5A6B7C8D9E0F1A2B3C')],
    });
    expect(a.usage.concealed).toBe(true);
    expect(a.usage.joined).toBe(0);
    expect(a.usage.workloads).toEqual([
      { workload: 'Exchange', licensed: 1, active: 1 },
      { workload: 'Teams', licensed: 1, active: 1 },
    ]);
  });
});

describe('money', () => {
  const BOOK: PriceBook = {
    currency: 'USD',
    entries: [{ skuPartNumber: 'ENTERPRISEPACK', pricePerMonth: 23, term: 'monthly' }],
  };

  test('a SKU without a price shows its units as a gap, not as zero', () => {
    const a = analyse([{ enabled: false, skus: [SKU.E3, SKU.PBI] }], {}, BOOK);
    expect(a.waste.byReason.disabled).toEqual({ units: 2, monthly: 23, unpricedUnits: 1 });
    expect(a.waste.unpricedSkus).toEqual(['POWER_BI_PRO']);
    expect(a.waste.lines.find((l) => l.skuPartNumber === 'POWER_BI_PRO')!.monthly).toBeNull();
    // 99 spare POWER_BI_PRO units are unpriced too
    expect(a.waste.byReason.unassigned).toEqual({ units: 198, monthly: 99 * 23, unpricedUnits: 99 });
  });

  test('each unit is counted once, under the first reason that fits', () => {
    // disabled, idle and overlapping at once: counted as disabled, for both SKUs
    const a = analyse([{ enabled: false, interactive: ago(200), skus: [SKU.E3, SKU.E5] }], {}, BOOK);
    expect(a.waste.lines.filter((l) => l.userId !== null).map((l) => l.reason)).toEqual([
      'disabled',
      'disabled',
    ]);
  });

  test('suspended SKUs are not billed, so their units are not waste', () => {
    const snapshot = snapshotOf(
      {
        subscribedSkus: [subscribedSku(SKU.EMS, 0, 1, 'Suspended')],
        users: [user({ enabled: false, skus: [SKU.EMS] })],
      },
      NOW,
    );
    const a = analyseLicences(snapshot);
    expect(a.inventory[0]!.notBilled).toBe(true);
    expect(a.waste.lines).toEqual([]);
  });
});
