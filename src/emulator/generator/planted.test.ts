/**
 * Planted facts agree with the data: each is recounted here from the Graph and ARM objects
 * alone, with the definitions of README.md, never from the generator's own bookkeeping.
 */
import { describe, expect, test } from 'vitest';
import type { GraphObject, TenantModel } from '../contract.ts';
import {
  generateTenant,
  NEVER_NON_INTERACTIVE,
  overlappingSkuIds,
  PRIVILEGED_ROLE_IDS,
  RISKY_APP_ROLES,
  RISKY_DELEGATED_SCOPES,
  ROLES,
} from './index.ts';
import { SKU_BY_ID_FOR_TESTS } from './test-helpers.ts';

const DAY = 86_400_000;
const sorted = (ids: string[]) => [...ids].sort();

function lastActivity(u: GraphObject): number | null {
  const s = u.signInActivity as Record<string, string | null> | null;
  const dates = [s?.lastSignInDateTime, s?.lastNonInteractiveSignInDateTime].filter(
    (d): d is string => !!d && d !== NEVER_NON_INTERACTIVE,
  );
  return dates.length === 0 ? null : Math.max(...dates.map(Date.parse));
}

const licensed = (m: TenantModel) =>
  m.graph.collections.users.filter((u) => (u.assignedLicenses as unknown[]).length > 0);

describe.each(['hardened', 'typical', 'neglected'] as const)('%s', (profile) => {
  const m = generateTenant({ users: 1200, profile, seed: `planted-${profile}` });
  const p = m.planted;
  const asOf = Date.parse(m.asOf);
  const c = m.graph.collections;

  test('user and guest counts', () => {
    expect(p.users).toBe(c.users.length);
    expect(p.guests).toBe(c.users.filter((u) => u.userType === 'Guest').length);
  });

  test('disabled, never-signed-in and guest licence holders', () => {
    expect(sorted(p.disabledUsersWithLicences)).toEqual(
      sorted(
        licensed(m)
          .filter((u) => u.accountEnabled === false)
          .map((u) => u.id),
      ),
    );
    expect(sorted(p.neverSignedInWithLicences)).toEqual(
      sorted(
        licensed(m)
          .filter((u) => lastActivity(u) === null)
          .map((u) => u.id),
      ),
    );
    expect(sorted(p.guestsWithLicences)).toEqual(
      sorted(
        licensed(m)
          .filter((u) => u.userType === 'Guest')
          .map((u) => u.id),
      ),
    );
  });

  test.each([30, 60, 90] as const)('idle for more than %i days (cumulative)', (days) => {
    const idle = licensed(m).filter((u) => {
      const last = lastActivity(u);
      return last !== null && asOf - last > days * DAY;
    });
    expect(sorted(p.idleWithLicences[`days${days}`])).toEqual(sorted(idle.map((u) => u.id)));
  });

  test('no sign-in date lies within a day of a 30/60/90-day threshold', () => {
    for (const u of c.users) {
      const last = lastActivity(u);
      if (last === null) continue;
      for (const d of [30, 60, 90]) expect(Math.abs((asOf - last) / DAY - d)).toBeGreaterThanOrEqual(1);
    }
  });

  test('overlapping licences', () => {
    const expected = licensed(m)
      .map((u) => ({
        userId: u.id,
        skuIds: overlappingSkuIds(
          (u.assignedLicenses as { skuId: string }[]).map(
            (l) => SKU_BY_ID_FOR_TESTS.get(l.skuId)!.skuPartNumber,
          ),
        ),
      }))
      .filter((o) => o.skuIds.length > 0);
    expect(p.overlappingLicences).toEqual(expected);
  });

  test('consumedUnits equal the assignments of each SKU', () => {
    for (const sku of c.subscribedSkus) {
      const holders = c.users.filter((u) =>
        (u.assignedLicenses as { skuId: string }[]).some((l) => l.skuId === sku.skuId),
      ).length;
      expect(sku.consumedUnits, sku.skuPartNumber as string).toBe(holders);
    }
  });

  test('Global Administrators are the active GA assignments and the GA directory role members', () => {
    const assignments = c['roleManagement/directory/roleAssignments'];
    const ga = assignments
      .filter((a) => a.roleDefinitionId === ROLES.globalAdmin.id)
      .map((a) => a.principalId as string);
    expect(sorted(p.globalAdmins)).toEqual(sorted(ga));
    const role = c.directoryRoles.find((r) => r.roleTemplateId === ROLES.globalAdmin.id)!;
    expect(sorted(m.graph.directoryRoleMembers[role.id]!)).toEqual(sorted([...new Set(ga)]));
  });

  test('permanent privileged assignments have a non-expiring Assigned schedule', () => {
    const schedules = c['roleManagement/directory/roleAssignmentSchedules'];
    const permanent = new Set(
      schedules
        .filter(
          (s) =>
            s.assignmentType === 'Assigned' &&
            (s.scheduleInfo as { expiration: { type: string } }).expiration.type === 'noExpiration',
        )
        .map((s) => `${s.principalId}|${s.roleDefinitionId}`),
    );
    const expected = c['roleManagement/directory/roleAssignments']
      .filter(
        (a) =>
          PRIVILEGED_ROLE_IDS.has(a.roleDefinitionId as string) &&
          permanent.has(`${a.principalId}|${a.roleDefinitionId}`),
      )
      .map((a) => a.id);
    expect(sorted(p.permanentPrivilegedAssignments)).toEqual(sorted(expected));
  });

  test('risky consent grants: risky app roles to non-Microsoft apps and tenant-wide risky scopes', () => {
    const graphSp = c.servicePrincipals.find((s) => s.appId === '00000003-0000-0000-c000-000000000000')!;
    const roleName = new Map(
      (graphSp.appRoles as { id: string; value: string }[]).map((r) => [r.id, r.value]),
    );
    const risky = m.graph.appRoleAssignedTo[graphSp.id]!.filter((a) =>
      RISKY_APP_ROLES.includes(roleName.get(a.appRoleId as string)!),
    ).map((a) => a.id);
    const grants = c.oauth2PermissionGrants
      .filter(
        (g) =>
          g.consentType === 'AllPrincipals' &&
          (g.scope as string).split(' ').some((s) => RISKY_DELEGATED_SCOPES.includes(s)),
      )
      .map((g) => g.id);
    expect(sorted(p.riskyConsentGrants)).toEqual(sorted([...risky, ...grants]));
  });

  test('expiring app credentials end within 30 days of asOf or already ended', () => {
    const expected = c.applications.flatMap((a) =>
      [...(a.passwordCredentials as GraphObject[]), ...(a.keyCredentials as GraphObject[])]
        .filter((k) => Date.parse(k.endDateTime as string) < asOf + 30 * DAY)
        .map((k) => ({ appId: a.appId, keyId: k.keyId, endDateTime: k.endDateTime })),
    );
    expect(p.expiringAppCredentials).toEqual(expected);
  });

  test('users without MFA and sharing links', () => {
    const details = c['reports/authenticationMethods/userRegistrationDetails'];
    expect(sorted(p.usersWithoutMfa)).toEqual(
      sorted(details.filter((d) => d.isMfaRegistered === false).map((d) => d.id)),
    );
    const perms = Object.values(m.graph.sitePermissions).flat();
    const scope = (s: string) =>
      perms.filter((x) => (x.link as { scope?: string } | undefined)?.scope === s).length;
    expect(p.anyoneLinks).toBe(scope('anonymous'));
    expect(p.orgWideLinks).toBe(scope('organization'));
  });

  test('idle Azure resources: unattached disks, unassociated IPs, empty plans, deallocated or near-zero-CPU VMs', () => {
    const idle = m.arm.resources.filter((r) => {
      const props = r.properties as Record<string, unknown>;
      if (r.type === 'microsoft.compute/disks') return props.diskState === 'Unattached';
      if (r.type === 'microsoft.network/publicipaddresses') return props.ipConfiguration === undefined;
      if (r.type === 'microsoft.web/serverfarms') return props.numberOfSites === 0;
      if (r.type === 'microsoft.compute/virtualmachines') {
        const cpu = m.arm.metrics[r.id]!['Percentage CPU']!;
        return cpu.length === 0 || Math.max(...cpu.map((x) => x.maximum)) < 3;
      }
      return false;
    });
    expect(sorted(p.idleAzureResources)).toEqual(sorted(idle.map((r) => r.id)));
  });

  test('daily cost covers 12 months per resource and ends the day before asOf', () => {
    const dates = new Set(m.arm.dailyCost.map((r) => r.date));
    expect(dates.size).toBe(365);
    expect([...dates].sort().at(-1)).toBe(new Date(asOf - DAY).toISOString().slice(0, 10));
    expect(new Set(m.arm.dailyCost.map((r) => r.resourceId)).size).toBe(m.arm.resources.length);
  });
});
