/**
 * The licence analysis against what the generator planted (src/emulator/generator/README.md,
 * "Planted facts"): counts are compared as sets of user ids, and money is recomputed here from
 * the planted lists, the model's SKUs and the price book, independently of the analysis.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { analyseLicences, type LicenceAnalysis, type PriceBook } from '../src/analyse/licences/index.ts';
import type { TenantModel } from '../src/emulator/contract.ts';
import { generateTenant, SKU_INCLUDES, SKUS } from '../src/emulator/generator/index.ts';
import { modelToSnapshot } from './licences-helpers.ts';

const PRICES: PriceBook = {
  currency: 'EUR',
  entries: [
    { skuPartNumber: 'ENTERPRISEPACK', pricePerMonth: 21.9, term: 'annual' },
    { skuPartNumber: 'ENTERPRISEPREMIUM', pricePerMonth: 36.2, term: 'annual' },
    { skuPartNumber: 'AAD_PREMIUM', pricePerMonth: 5.6, term: 'monthly' },
    { skuPartNumber: 'EMS', pricePerMonth: 9.99, term: 'annual' },
    { skuPartNumber: 'POWER_BI_PRO', pricePerMonth: 13.1, term: 'monthly' },
  ],
};
const FREE = new Set(['FLOW_FREE', 'TEAMS_EXPLORATORY']);
const partOf = new Map(Object.values(SKUS).map((s) => [s.skuId, s.skuPartNumber as string]));
const priceCents = (part: string) =>
  Math.round((PRICES.entries.find((e) => e.skuPartNumber === part)?.pricePerMonth ?? Number.NaN) * 100);
const sorted = (ids: readonly string[]) => [...ids].sort();

/** Expected certain waste per reason (cents), from planted facts only. */
function expectedWaste(model: TenantModel): Record<string, { units: number; cents: number }> {
  const p = model.planted;
  const skus = model.graph.collections.subscribedSkus as unknown as {
    skuPartNumber: string;
    capabilityStatus: string;
    consumedUnits: number;
    prepaidUnits: { enabled: number };
  }[];
  const billable = new Set(
    skus
      .filter((s) => s.capabilityStatus !== 'Suspended' && !FREE.has(s.skuPartNumber))
      .map((s) => s.skuPartNumber),
  );
  const out: Record<string, { units: number; cents: number }> = {};
  const add = (reason: string, part: string, units = 1) => {
    out[reason] ??= { units: 0, cents: 0 };
    const r = out[reason]!;
    r.units += units;
    r.cents += units * priceCents(part);
  };
  for (const s of skus) {
    const spare = s.prepaidUnits.enabled - s.consumedUnits;
    if (billable.has(s.skuPartNumber) && spare > 0) add('unassigned', s.skuPartNumber, spare);
  }
  const sets = {
    disabled: new Set(p.disabledUsersWithLicences),
    neverSignedIn: new Set(p.neverSignedInWithLicences),
    idle: new Set(p.idleWithLicences.days90),
  };
  for (const u of model.graph.collections.users) {
    const parts = (u.assignedLicenses as { skuId: string }[]).map((l) => partOf.get(l.skuId)!);
    const included = new Set<string>(
      parts.flatMap((s) =>
        (SKU_INCLUDES[s as keyof typeof SKU_INCLUDES] ?? []).filter((x) => parts.includes(x)),
      ),
    );
    for (const part of parts.filter((x) => billable.has(x))) {
      const reason = sets.disabled.has(u.id)
        ? 'disabled'
        : sets.neverSignedIn.has(u.id)
          ? 'neverSignedIn'
          : sets.idle.has(u.id)
            ? 'idle'
            : included.has(part)
              ? 'overlapping'
              : undefined;
      if (reason) add(reason, part);
    }
  }
  return out;
}

describe('a 500-user neglected tenant: the analysis finds exactly what the generator planted', () => {
  let model: TenantModel;
  let a: LicenceAnalysis;
  beforeAll(() => {
    model = generateTenant({ users: 500, profile: 'neglected', seed: 'licences' });
    a = analyseLicences(modelToSnapshot(model), { prices: PRICES });
  });

  test('disabled, never-signed-in, guest and overlapping holders are the planted ones', () => {
    const p = model.planted;
    expect(sorted(a.findings.disabledWithLicences)).toEqual(sorted(p.disabledUsersWithLicences));
    expect(sorted(a.findings.neverSignedInWithLicences ?? [])).toEqual(sorted(p.neverSignedInWithLicences));
    expect(sorted(a.findings.guestsWithLicences)).toEqual(sorted(p.guestsWithLicences));
    const byUser = (l: { userId: string; skuIds: string[] }[]) =>
      [...l].sort((x, y) => x.userId.localeCompare(y.userId)).map((o) => [o.userId, o.skuIds]);
    expect(byUser(a.findings.overlapping)).toEqual(byUser(p.overlappingLicences));
    expect(p.disabledUsersWithLicences.length).toBeGreaterThan(0);
    expect(p.overlappingLicences.length).toBeGreaterThan(0);
  });

  test('idle holders at 30, 60 and 90 days are the planted ones', () => {
    expect(a.findings.idle.status).toBe('known');
    if (a.findings.idle.status !== 'known') return;
    for (const d of ['days30', 'days60', 'days90'] as const) {
      expect(sorted(a.findings.idle[d])).toEqual(sorted(model.planted.idleWithLicences[d]));
    }
  });

  test('possible shared mailboxes and service accounts are the planted ones', () => {
    expect(sorted(a.findings.possibleSharedMailboxes)).toEqual(
      sorted(model.planted.notes.sharedMailboxesWithLicences as string[]),
    );
    expect(sorted(a.findings.possibleServiceAccounts)).toEqual(
      sorted(model.planted.notes.serviceAccountsWithLicences as string[]),
    );
  });

  test('group-based assignments are those given by the licence group', () => {
    const group = (model.planted.notes.licenceGroups as Record<string, string>).ENTERPRISEPACK;
    const viaGroup = a.users.flatMap((u) => u.licences).filter((l) => l.path === 'group');
    expect(viaGroup.length).toBe(a.findings.groupAssignments);
    expect(viaGroup.length).toBeGreaterThan(0);
    expect(new Set(viaGroup.flatMap((l) => l.groups.map((g) => g.id)))).toEqual(new Set([group]));
  });

  test('assigned units per SKU add up to consumedUnits', () => {
    for (const s of a.inventory) {
      const held = a.users.filter((u) => u.licences.some((l) => l.skuId === s.skuId)).length;
      expect(held, s.skuPartNumber).toBe(s.consumed);
    }
  });

  test('waste per reason and in total is the planted waste times the price, to the cent', () => {
    const expected = expectedWaste(model);
    let totalCents = 0;
    for (const reason of ['unassigned', 'disabled', 'neverSignedIn', 'idle', 'overlapping']) {
      const got = a.waste.byReason[reason as keyof typeof a.waste.byReason]!;
      expect({ reason, units: got.units, cents: Math.round(got.monthly * 100) }).toEqual({
        reason,
        units: expected[reason]?.units ?? 0,
        cents: expected[reason]?.cents ?? 0,
      });
      expect(got.unpricedUnits).toBe(0);
      totalCents += expected[reason]?.cents ?? 0;
    }
    expect(Math.round(a.waste.total.monthly * 100)).toBe(totalCents);
    expect(Math.round(a.waste.savings.annual * 100)).toBe(totalCents * 12);
    expect(Math.round((a.waste.savings.immediateMonthly + a.waste.savings.atRenewalMonthly) * 100)).toBe(
      totalCents,
    );
    const departments = Object.values(a.waste.byDepartment).reduce(
      (n, m) => n + Math.round(m.monthly * 100),
      0,
    );
    expect(departments).toBe(totalCents);
  });

  test('names are not concealed in this tenant, so usage joins every report row', () => {
    expect(a.usage.concealed).toBe(false);
    expect(a.usage.joined).toBe(a.usage.rows);
    expect(a.usage.rows).toBe(a.findings.licensedUsers);
  });
});

describe('a tenant without Entra ID P1', () => {
  test('the idle view says it cannot tell, and no account is idle or never-signed-in', () => {
    const model = generateTenant({ users: 300, profile: 'neglected', seed: 'free', entraPlan: 'free' });
    const a = analyseLicences(modelToSnapshot(model), { prices: PRICES });
    expect(a.findings.idle).toEqual({ status: 'cannotTell', reason: expect.stringContaining('P1') });
    expect(a.findings.neverSignedInWithLicences).toBeNull();
    expect(a.users.every((u) => u.signIn.state === 'unknown')).toBe(true);
    expect(a.waste.idleKnown).toBe(false);
    expect(a.waste.byReason.idle).toBeNull();
    expect(a.waste.byReason.neverSignedIn).toBeNull();
    expect(a.waste.lines.some((l) => l.reason === 'idle' || l.reason === 'neverSignedIn')).toBe(false);
    // what needs no sign-in data is still known
    expect(sorted(a.findings.disabledWithLicences)).toEqual(sorted(model.planted.disabledUsersWithLicences));
    expect(a.unavailable).toContainEqual({ dataset: 'userSignInActivity', status: 'notLicensed' });
  });
});

describe('a tenant whose usage report conceals names', () => {
  test('usage says names are concealed and joins nobody, but workload totals remain', () => {
    const model = generateTenant({ users: 200, profile: 'typical', seed: 'conceal' });
    const a = analyseLicences(modelToSnapshot(model, { concealNames: true }));
    expect(a.usage.concealed).toBe(true);
    expect(a.usage.note).toMatch(/concealed/);
    expect(a.usage.joined).toBe(0);
    expect(a.users.every((u) => u.usage === null)).toBe(true);
    expect(a.usage.workloads.find((w) => w.workload === 'Exchange')!.licensed).toBeGreaterThan(0);
  });
});
