import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  compareToStandard,
  diffSnapshots,
  parseStandard,
  type StandardReport,
} from '../src/analyse/drift/index.ts';
import type { Snapshot } from '../src/collect/snapshot-types.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { adminOf, change, readTenant, tick } from './drift-emulator-harness.ts';

/**
 * One standard and per-tenant baselines across three generated tenants of different profiles
 * (hardened P2, typical P1, neglected P1), with a per-tenant override.
 */
const PROFILES = ['hardened', 'typical', 'neglected'] as const;
let emulator: RunningEmulator;
const baselines: Snapshot[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    tenants: PROFILES.map((profile) => ({ users: 40, profile, seed: `drift-std-${profile}` })),
  });
  for (let i = 0; i < PROFILES.length; i++) baselines.push(await readTenant(emulator, i));
}, 120_000);
afterAll(() => emulator.close());

function standardFor() {
  return parseStandard({
    format: 'tenantscope.standard/v1',
    name: 'MSP baseline',
    rules: [
      {
        id: 'no-user-app-registration',
        title: 'Users cannot register applications',
        severity: 'high',
        objectKind: 'authorizationPolicy',
        expect: { 'defaultUserRolePermissions.allowedToCreateApps': { equals: false } },
      },
      {
        id: 'guest-invites-restricted',
        objectKind: 'authorizationPolicy',
        expect: { allowInvitesFrom: { oneOf: ['none', 'adminsAndGuestInviters'] } },
      },
      {
        id: 'ca-mfa-all-users',
        title: 'A CA policy requires MFA for all users',
        severity: 'high',
        objectKind: 'conditionalAccessPolicy',
        match: 'any',
        expect: {
          state: { equals: 'enabled' },
          'conditions.users.includeUsers': { contains: 'All' },
          'grantControls.builtInControls': { contains: 'mfa' },
          // "everywhere": a policy that skips trusted locations is not MFA for all users
          'conditions.locations': { absent: true },
        },
      },
      {
        id: 'sharepoint-sharing',
        objectKind: 'sharepointSettings',
        expect: { sharingCapability: { oneOf: ['disabled', 'existingExternalUserSharingOnly'] } },
      },
      {
        id: 'eligible-admins-expire',
        objectKind: 'roleEligibilitySchedule',
        match: 'all',
        expect: { 'scheduleInfo.expiration.type': { oneOf: ['afterDateTime', 'afterDuration'] } },
      },
      {
        id: 'pim-mfa-on-activation',
        objectKind: 'roleManagementPolicy',
        match: 'all',
        expect: {
          'policy.rules[Enablement_EndUser_Assignment].enabledRules': {
            contains: 'MultiFactorAuthentication',
          },
        },
      },
    ],
    overrides: {
      // the typical customer lets members invite guests, by contract
      [emulator.tenants[1]!.tenantId]: {
        'guest-invites-restricted': {
          expect: {
            allowInvitesFrom: { oneOf: ['adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers'] },
          },
          reason: 'members invite partners (contract 2026-04)',
        },
      },
      [emulator.tenants[2]!.tenantId]: {
        'sharepoint-sharing': { skip: true, reason: 'public site by design' },
      },
    },
  });
}

const statuses = (r: StandardReport) => Object.fromEntries(r.results.map((x) => [x.ruleId, x.status]));

describe('a standard across tenants', () => {
  test('each profile deviates where the generator planted a weakness; overrides apply per tenant', () => {
    const standard = standardFor();
    const [hardened, typical, neglected] = baselines.map((s) => compareToStandard(s, standard));
    expect(statuses(hardened!)).toEqual({
      'no-user-app-registration': 'pass',
      'guest-invites-restricted': 'pass',
      'ca-mfa-all-users': 'pass',
      'sharepoint-sharing': 'pass',
      'eligible-admins-expire': 'pass',
      'pim-mfa-on-activation': 'pass',
    });
    // P1: eligibility schedules are not licensed, so that rule is unknown, never pass
    expect(statuses(typical!)).toEqual({
      'no-user-app-registration': 'pass',
      'guest-invites-restricted': 'pass',
      'ca-mfa-all-users': 'pass',
      'sharepoint-sharing': 'deviation',
      'eligible-admins-expire': 'unknown',
      'pim-mfa-on-activation': 'pass',
    });
    expect(typical!.results.find((r) => r.ruleId === 'guest-invites-restricted')!.overridden).toBe(true);
    expect(statuses(neglected!)).toEqual({
      'no-user-app-registration': 'deviation',
      'guest-invites-restricted': 'deviation',
      'ca-mfa-all-users': 'deviation',
      'sharepoint-sharing': 'skipped',
      'eligible-admins-expire': 'unknown',
      'pim-mfa-on-activation': 'deviation',
    });
    // every role's PIM settings deviate, one deviation per object
    const pim = neglected!.results.find((r) => r.ruleId === 'pim-mfa-on-activation')!;
    expect(pim.deviations.length).toBeGreaterThan(1);
    expect(pim.deviations[0]!.objectName).toMatch(/^PIM settings: /);
    expect(neglected!.results.find((r) => r.ruleId === 'no-user-app-registration')!.deviations).toEqual([
      {
        objectKind: 'authorizationPolicy',
        objectName: 'Authorization policy (guest and user settings)',
        path: 'defaultUserRolePermissions.allowedToCreateApps',
        expected: { equals: false },
        actual: true,
      },
    ]);
    expect(
      neglected!.results.find((r) => r.ruleId === 'guest-invites-restricted')!.deviations[0],
    ).toMatchObject({
      expected: { oneOf: ['none', 'adminsAndGuestInviters'] },
      actual: 'everyone',
    });
  });
});

describe('baselines across tenants', () => {
  test('each tenant is diffed against its own pinned baseline; only changed tenants drift', async () => {
    await tick();
    await change(emulator, 0, {
      actor: adminOf(emulator, 0),
      singleton: 'policies/authorizationPolicy',
      patch: {
        defaultUserRolePermissions: {
          ...(emulator.stores[0]!.model.graph.singletons['policies/authorizationPolicy']
            .defaultUserRolePermissions as object),
          allowedToCreateApps: true,
        },
      },
    });
    await change(emulator, 2, {
      actor: { app: { appId: 'f00dbabe-0000-4000-8000-000000000007', displayName: 'Legacy provisioning' } },
      singleton: 'admin/sharepoint/settings',
      patch: { sharingCapability: 'disabled' },
    });
    const now = [];
    for (let i = 0; i < PROFILES.length; i++) now.push(await readTenant(emulator, i));
    const reports = now.map((s, i) => diffSnapshots(baselines[i]!, s, { against: 'baseline' }));
    expect(reports.map((r) => r.against)).toEqual(['baseline', 'baseline', 'baseline']);
    expect(reports[0]!.events.map((e) => [e.objectKind, e.path, e.before, e.after])).toEqual([
      ['authorizationPolicy', 'defaultUserRolePermissions.allowedToCreateApps', false, true],
    ]);
    expect(reports[0]!.events[0]!.attribution).toMatchObject({
      actor: { type: 'user', userPrincipalName: expect.stringMatching(/^admin@/) },
      activity: 'Update authorization policy',
      confidence: 'high',
    });
    expect(reports[1]!.events).toEqual([]);
    expect(reports[2]!.events).toMatchObject([
      {
        objectKind: 'sharepointSettings',
        path: 'sharingCapability',
        after: 'disabled',
        attribution: { actor: { type: 'app', displayName: 'Legacy provisioning' } },
      },
    ]);
    // the hardened tenant's drift shows up as a deviation from the standard too
    expect(statuses(compareToStandard(now[0]!, standardFor()))['no-user-app-registration']).toBe('deviation');
  }, 60_000);
});
