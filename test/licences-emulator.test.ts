/**
 * The licence analysis on a snapshot read from the emulator by the real collectors (MSAL, Graph
 * paging, $batch, the usage-report download), so the test helper's shortcut is checked against
 * the real path: the same planted facts must come out.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyseLicences } from '../src/analyse/licences/index.ts';
import { snapshotFromTenant } from '../src/collect/snapshot-from-tenant.ts';
import { resolveEndpoints } from '../src/connectors/clouds.ts';
import type { TenantModel } from '../src/emulator/contract.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { modelToSnapshot } from './licences-helpers.ts';

let emulator: RunningEmulator;
let neglected: TenantModel;
let free: TenantModel;

beforeAll(async () => {
  neglected = generateTenant({ users: 250, profile: 'neglected', seed: 'lic-e2e' });
  free = generateTenant({ users: 120, profile: 'typical', seed: 'lic-e2e-free', entraPlan: 'free' });
  emulator = await startEmulator({ tenants: [neglected, free] });
});
afterAll(async () => {
  await emulator.close();
});

async function read(index: number) {
  const t = emulator.tenants[index]!;
  const { snapshot } = await snapshotFromTenant({
    endpoints: resolveEndpoints('global', {
      authorityHost: emulator.authorityHost,
      graphUrl: emulator.graphUrl,
      armUrl: emulator.armUrl,
    }),
    cloud: 'global',
    tenantId: t.tenantId,
    clientId: t.clientId,
    credential: { kind: 'secret', clientSecret: t.clientSecret },
    caFile: emulator.caFile,
  });
  return snapshot;
}

const sorted = (ids: readonly string[] | null) => [...(ids ?? [])].sort();

describe('licences on snapshots read from the emulator', () => {
  test('a neglected tenant: the planted holders, and the same result as the test helper gives', async () => {
    const snapshot = await read(0);
    const now = new Date(neglected.asOf);
    const real = analyseLicences(snapshot, { now });
    const p = neglected.planted;
    expect(sorted(real.findings.disabledWithLicences)).toEqual(sorted(p.disabledUsersWithLicences));
    expect(sorted(real.findings.neverSignedInWithLicences)).toEqual(sorted(p.neverSignedInWithLicences));
    expect(real.findings.idle.status === 'known' && sorted(real.findings.idle.days90)).toEqual(
      sorted(p.idleWithLicences.days90),
    );
    expect(real.findings.overlapping.length).toBe(p.overlappingLicences.length);
    const shortcut = analyseLicences(modelToSnapshot(neglected), { now });
    expect(real.findings).toEqual(shortcut.findings);
    expect(real.waste.total).toEqual(shortcut.waste.total);
    expect(real.usage).toEqual(shortcut.usage);
  });

  test('a tenant without Entra ID P1: the collector records notLicensed and the idle view cannot tell', async () => {
    const snapshot = await read(1);
    expect(snapshot.datasets.userSignInActivity?.status).toBe('notLicensed');
    const a = analyseLicences(snapshot, { now: new Date(free.asOf) });
    expect(a.findings.idle.status).toBe('cannotTell');
    expect(a.findings.neverSignedInWithLicences).toBeNull();
    // typical tenants keep Microsoft's default: concealed names in usage reports
    expect(a.usage.concealed).toBe(true);
    expect(a.usage.joined).toBe(0);
  });
});
