import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { TenantModel } from '../contract.ts';
import { entraPlanOf, type GenerateSpec, generateTenant, SKU_BY_ID_FOR_TESTS } from './test-helpers.ts';

const hash = (m: TenantModel) => createHash('sha256').update(JSON.stringify(m)).digest('hex');

describe('determinism', () => {
  const spec: GenerateSpec = { users: 300, profile: 'typical', seed: 'determinism' };

  test('the same spec gives a byte-identical model', () => {
    expect(hash(generateTenant(spec))).toBe(hash(generateTenant({ ...spec })));
  });

  test('a numeric seed and its string form are the same seed', () => {
    expect(hash(generateTenant({ ...spec, seed: 42 }))).toBe(hash(generateTenant({ ...spec, seed: '42' })));
  });

  test('a different seed gives a different tenant', () => {
    const a = generateTenant(spec);
    const b = generateTenant({ ...spec, seed: 'other' });
    expect(a.tenantId).not.toBe(b.tenantId);
    expect(hash(a)).not.toBe(hash(b));
  });

  test('asOf moves every date with it', () => {
    const a = generateTenant({ ...spec, asOf: '2026-11-01T00:00:00Z' });
    const b = generateTenant({ ...spec, asOf: '2026-11-11T00:00:00Z' });
    const created = (m: TenantModel) => Date.parse(m.graph.collections.users[5]!.createdDateTime as string);
    expect(created(b) - created(a)).toBe(10 * 86_400_000);
  });
});

describe('sizes', () => {
  test.each([10, 57, 1000])('%i users gives exactly that many users', (users) => {
    const m = generateTenant({ users, profile: 'neglected', seed: 's' });
    expect(m.graph.collections.users).toHaveLength(users);
    expect(m.planted.users).toBe(users);
    expect(m.arm.resources.length).toBeGreaterThanOrEqual(10);
  });

  test('sizes outside 10..100000 are refused with a clear message', () => {
    expect(() => generateTenant({ users: 9, profile: 'typical', seed: 1 })).toThrow(/10 to 100000/);
    expect(() => generateTenant({ users: 100_001, profile: 'typical', seed: 1 })).toThrow(/10 to 100000/);
  });

  test('user principal names and object ids are unique', () => {
    const users = generateTenant({ users: 3000, profile: 'typical', seed: 'u' }).graph.collections.users;
    expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
    expect(new Set(users.map((u) => (u.userPrincipalName as string).toLowerCase())).size).toBe(users.length);
  });

  test('a tenant holds 5–15 % guests, disabled accounts, service accounts and shared mailboxes', () => {
    const m = generateTenant({ users: 2000, profile: 'typical', seed: 'mix' });
    const users = m.graph.collections.users;
    const guests = users.filter((u) => u.userType === 'Guest').length;
    expect(guests / users.length).toBeGreaterThanOrEqual(0.05);
    expect(guests / users.length).toBeLessThanOrEqual(0.15);
    expect(users.some((u) => (u.userPrincipalName as string).startsWith('svc-'))).toBe(true);
    expect(
      users.some((u) => (u.userPrincipalName as string).startsWith('shared-') && u.accountEnabled === false),
    ).toBe(true);
    expect(new Set(users.map((u) => u.department).filter(Boolean)).size).toBeGreaterThan(5);
  });
});

describe('profiles', () => {
  const users = 1500;
  const [h, t, n] = (['hardened', 'typical', 'neglected'] as const).map((profile) =>
    generateTenant({ users, profile, seed: 'profiles' }),
  );
  const count = (m: TenantModel) => {
    const p = m.planted;
    return {
      disabledLicensed: p.disabledUsersWithLicences.length,
      neverLicensed: p.neverSignedInWithLicences.length,
      idle90: p.idleWithLicences.days90.length,
      overlaps: p.overlappingLicences.length,
      guestsLicensed: p.guestsWithLicences.length,
      globalAdmins: p.globalAdmins.length,
      permanent: p.permanentPrivilegedAssignments.length,
      riskyGrants: p.riskyConsentGrants.length,
      credentials: p.expiringAppCredentials.length,
      noMfa: p.usersWithoutMfa.length,
      anyone: p.anyoneLinks,
      idleAzure: p.idleAzureResources.length,
      caGaps: (p.notes.caGaps as string[]).length,
    };
  };

  test('neglected has more of every problem than typical, typical more than hardened', () => {
    const [ch, ct, cn] = [count(h!), count(t!), count(n!)];
    for (const key of Object.keys(cn) as (keyof typeof cn)[]) {
      expect(cn[key], key).toBeGreaterThan(ct[key]);
      expect(ct[key], key).toBeGreaterThanOrEqual(ch[key]);
    }
  });

  test('hardened has nearly nothing wrong', () => {
    const c = count(h!);
    expect(c).toMatchObject({
      disabledLicensed: 0,
      overlaps: 0,
      guestsLicensed: 0,
      riskyGrants: 0,
      credentials: 0,
      anyone: 0,
      caGaps: 0,
    });
    expect(c.globalAdmins).toBeLessThanOrEqual(2);
    expect(c.idleAzure).toBeLessThanOrEqual(1);
  });

  test('neglected has more than five permanent Global Administrators and an anyone link', () => {
    expect(n!.planted.notes.permanentGlobalAdminAssignments).toBeGreaterThan(5);
    expect(n!.planted.anyoneLinks).toBeGreaterThan(0);
  });

  test('default plans: hardened P2 with PIM eligibility, typical and neglected P1 without', () => {
    expect([h!.entraPlan, t!.entraPlan, n!.entraPlan]).toEqual(['P2', 'P1', 'P1']);
    expect(h!.graph.collections['roleManagement/directory/roleEligibilitySchedules'].length).toBeGreaterThan(
      0,
    );
    expect(t!.graph.collections['roleManagement/directory/roleEligibilitySchedules']).toHaveLength(0);
  });
});

describe('Entra plan agrees with the SKUs', () => {
  test.each([
    ['hardened', undefined],
    ['typical', undefined],
    ['neglected', undefined],
    ['neglected', 'free'],
    ['typical', 'P2'],
    ['hardened', 'P1'],
  ] as const)('%s with entraPlan %s', (profile, entraPlan) => {
    const m = generateTenant({ users: 200, profile, seed: 'plan', ...(entraPlan ? { entraPlan } : {}) });
    const active = m.graph.collections.subscribedSkus
      .filter((s) => s.capabilityStatus !== 'Suspended')
      .map((s) => SKU_BY_ID_FOR_TESTS.get(s.skuId as string)!.skuPartNumber);
    expect(entraPlanOf(active)).toBe(m.entraPlan);
    if (entraPlan) expect(m.entraPlan).toBe(entraPlan);
    if (m.entraPlan === 'free') {
      expect(m.graph.collections['identity/conditionalAccess/policies']).toHaveLength(0);
    }
  });
});

describe('clients', () => {
  test("Tenantscope's client is consented with read-only roles and a secret valid for a year", () => {
    const m = generateTenant({ users: 50, profile: 'typical', seed: 'client' });
    const [client] = m.clients;
    expect(client!.consented).toBe(true);
    expect(
      client!.consentedAppRoles.every((r) => /\.Read(\.|Basic|$)/.test(r) || r.endsWith('.Read.All')),
    ).toBe(true);
    expect(Date.parse(client!.secrets[0]!.expiresAt) - Date.parse(m.asOf)).toBe(365 * 86_400_000);
    expect(m.signInUsers[0]!.userId).toBe(m.graph.collections.users[0]!.id);
    const sp = m.graph.collections.servicePrincipals.find((s) => s.appId === client!.clientId);
    expect(sp).toBeDefined();
  });
});
