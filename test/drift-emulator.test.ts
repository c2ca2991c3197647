import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { diffSnapshots } from '../src/analyse/drift/index.ts';
import type { Snapshot } from '../src/collect/snapshot-types.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { adminOf, change, control, readTenant, tick } from './drift-emulator-harness.ts';

/**
 * Drift on a tenant the emulator serves: each test changes the tenant through the control API as
 * a named actor, reads it again through Graph, and diffs the two reads. The tests run in order;
 * each one's later snapshot is the next one's earlier snapshot.
 */
let emulator: RunningEmulator;
let previous: Snapshot;
const CA = 'identity/conditionalAccess/policies';
const ops = {
  user: { id: 'c0ffee00-0000-4000-8000-000000000042', userPrincipalName: 'ops-bot@contoso.test' },
};

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 60, profile: 'typical', seed: 'drift-e2e' }] });
  previous = await readTenant(emulator);
});
afterAll(() => emulator.close());

const policies = () => emulator.stores[0]!.model.graph.collections[CA];

/** Reads the tenant again and diffs it against the previous read. */
async function readAndDiff() {
  await tick();
  const next = await readTenant(emulator);
  const report = diffSnapshots(previous, next);
  previous = next;
  return report;
}

describe('drift against the emulator', () => {
  test('an unchanged tenant read twice has no drift', async () => {
    const report = await readAndDiff();
    expect(report.events).toEqual([]);
    expect(report.compared).toContain('conditionalAccessPolicy');
  });

  test('a CA policy changed by a named admin yields exactly one event, attributed to that admin', async () => {
    const admin = adminOf(emulator);
    const policy = policies()[0]!;
    await tick();
    await change(emulator, 0, { actor: admin, collection: CA, id: policy.id, patch: { state: 'disabled' } });
    const report = await readAndDiff();
    expect(report.events).toHaveLength(1);
    expect(report.events[0]).toMatchObject({
      kind: 'changed',
      objectKind: 'conditionalAccessPolicy',
      objectId: policy.id,
      path: 'state',
      before: 'enabled',
      after: 'disabled',
      attribution: {
        actor: { type: 'user', userPrincipalName: 'user' in admin ? admin.user.userPrincipalName : '' },
        activity: 'Update conditional access policy',
        confidence: 'high',
      },
    });
  });

  test('a rename is one property change, not a delete and an add', async () => {
    const policy = policies()[1]!;
    await tick();
    await change(emulator, 0, {
      actor: ops,
      collection: CA,
      id: policy.id,
      patch: { displayName: 'MFA for everyone' },
    });
    const report = await readAndDiff();
    expect(report.events.map((e) => [e.kind, e.objectId, e.path, e.before, e.after])).toEqual([
      ['changed', policy.id, 'displayName', policy.displayName, 'MFA for everyone'],
    ]);
    expect(report.events[0]!.objectName).toBe('MFA for everyone');
    expect(report.events[0]!.attribution).toMatchObject({
      actor: { userPrincipalName: 'ops-bot@contoso.test' },
    });
  });

  test('reordering an unordered array (includeRoles) yields nothing', async () => {
    const policy = policies()[0]!;
    const conditions = structuredClone(policy.conditions) as { users: { includeRoles: string[] } };
    expect(conditions.users.includeRoles.length).toBeGreaterThan(2);
    conditions.users.includeRoles.reverse();
    await change(emulator, 0, { actor: ops, collection: CA, id: policy.id, patch: { conditions } });
    const report = await readAndDiff();
    expect(report.events).toEqual([]);
  });

  test('a change the audit log did not record has actor "unknown", with the reason', async () => {
    const policy = policies()[2]!;
    await tick();
    await change(emulator, 0, {
      actor: ops,
      audit: false,
      collection: CA,
      id: policy.id,
      patch: { state: 'enabled' },
    });
    const report = await readAndDiff();
    expect(report.events).toHaveLength(1);
    expect(report.events[0]).toMatchObject({
      objectId: policy.id,
      path: 'state',
      attribution: { actor: 'unknown', reason: 'noRecord' },
    });
  });

  test('when the CA read fails, CA is not compared and yields no drift', async () => {
    const policy = policies()[3]!;
    await change(emulator, 0, { actor: ops, collection: CA, id: policy.id, patch: { state: 'disabled' } });
    await control(emulator, 'PUT', '/faults', {
      rules: [{ pathPrefix: '/v1.0/identity/conditionalAccess/policies', errorRate: 1, statuses: [400] }],
    });
    let report: Awaited<ReturnType<typeof readAndDiff>>;
    try {
      report = await readAndDiff();
    } finally {
      await control(emulator, 'PUT', '/faults', { rules: [] });
    }
    expect(previous.datasets.conditionalAccessPolicies!.status).toBe('error');
    expect(report.events.filter((e) => e.objectKind === 'conditionalAccessPolicy')).toEqual([]);
    expect(report.events).toEqual([]);
    expect(report.compared).not.toContain('conditionalAccessPolicy');
    expect(report.notCompared).toContainEqual(
      expect.objectContaining({
        dataset: 'conditionalAccessPolicies',
        objectKinds: ['conditionalAccessPolicy'],
        fromStatus: 'ok',
        toStatus: 'error',
      }),
    );
  });
});
