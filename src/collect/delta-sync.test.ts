import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotCommand } from '../cli/commands/snapshot.ts';
import type { CliIo } from '../cli/io.ts';
import { resolveEndpoints } from '../connectors/clouds.ts';
import { type RunningEmulator, startEmulator } from '../emulator/index.ts';
import { trustingFetch } from '../emulator/server/test-clients.ts';
import type { DatasetOutcome } from './collect-graph.ts';
import { graphDatasets } from './graph-datasets.ts';
import type { TenantConnection } from './microsoft-session.ts';
import { writeSnapshotFile } from './snapshot-file.ts';
import { snapshotFromTenant } from './snapshot-from-tenant.ts';
import type { Snapshot } from './snapshot-types.ts';

/**
 * Delta sync of users and groups against the emulator, through Graph's protocol only: a first
 * sync reads everything and keeps the deltaLinks, a later one applies only what changed, and the
 * result is what a fresh full read returns.
 */
const USERS = 2_000;
let emulator: RunningEmulator;
const actor = {
  user: { id: '00000000-0000-0000-0000-0000000000aa', userPrincipalName: 'admin@contoso.test' },
};

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: USERS, profile: 'typical', seed: 'delta-sync' }] });
});
afterAll(async () => {
  await emulator.close();
});

function emulatorConnection(emu: RunningEmulator): TenantConnection {
  const t = emu.tenants[0]!;
  return {
    endpoints: resolveEndpoints('global', {
      authorityHost: emu.authorityHost,
      graphUrl: emu.graphUrl,
      armUrl: emu.armUrl,
    }),
    cloud: 'global',
    tenantId: t.tenantId,
    clientId: t.clientId,
    credential: { kind: 'secret', clientSecret: t.clientSecret },
    caFile: emu.caFile,
  };
}

async function change(emu: RunningEmulator, body: Record<string, unknown>) {
  const res = await trustingFetch(emu.caPem)(
    `${emu.controlUrl}/tenants/${emu.tenants[0]!.tenantId}/changes`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ actor, ...body }),
    },
  );
  expect(res.status).toBe(200);
}

const DELTA_ONLY = graphDatasets.filter((d) => d.name === 'users' || d.name === 'groups');
/**
 * The delta datasets and the relation that hangs on groups. Whole-tenant syncs (test one) meet
 * the sign-in-activity limit of 10 requests a minute when repeated, which only costs time here.
 */
const WITH_MEMBERS = graphDatasets.filter((d) => ['users', 'groups', 'groupMembers'].includes(d.name));
const outcome = (outcomes: DatasetOutcome[], name: string) => outcomes.find((o) => o.name === name)!;
/** Everything analysis reads, without the sync's own bookkeeping (times, delta links). */
const content = (s: Snapshot, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, s.datasets[n]!.items]));

describe('delta sync of users and groups', () => {
  let first: Snapshot;
  let fullRequests: number;

  test(`a first sync of a ${USERS}-user tenant reads every dataset and keeps a deltaLink for users and groups`, async () => {
    const result = await snapshotFromTenant(emulatorConnection(emulator));
    first = result.snapshot;
    const graph = emulator.stores[0]!.model.graph.collections;
    expect(first.datasets.users!.items).toHaveLength(graph.users.length);
    expect(first.datasets.groups!.items).toHaveLength(graph.groups.length);
    expect(first.datasets.groupMembers!.items).toHaveLength(graph.groups.length);
    for (const name of ['users', 'groups']) {
      expect(first.datasets[name]!.deltaLink).toMatch(
        new RegExp(`^${emulator.graphUrl}/v1.0/${name}/delta\\?`),
      );
      expect(first.datasets[name]!.deltaQuery).toMatch(new RegExp(`^/${name}/delta\\?\\$select=id,`));
      expect(outcome(result.outcomes, name)).toMatchObject({ status: 'ok', read: 'full' });
    }
    expect(first.datasets.userSignInActivity!.deltaLink).toBeUndefined();
    const full = await snapshotFromTenant(emulatorConnection(emulator), { datasets: DELTA_ONLY });
    fullRequests = full.stats.requests;
  });

  test('after 1 % of users changed, the next sync fetches only the changes and equals a fresh full read', async () => {
    const users = emulator.stores[0]!.model.graph.collections.users;
    const groups = emulator.stores[0]!.model.graph.collections.groups;
    const ids = users.slice(100, 120).map((u) => u.id);
    for (const id of ids.slice(0, 10))
      await change(emulator, { collection: 'users', id, patch: { department: 'Delta QA', jobTitle: null } });
    for (const id of ids.slice(10, 15)) await change(emulator, { collection: 'users', delete: id });
    for (let i = 0; i < 5; i++)
      await change(emulator, {
        collection: 'users',
        create: {
          displayName: `Delta New ${i}`,
          userPrincipalName: `delta.new.${i}@contoso.test`,
          accountEnabled: true,
          userType: 'Member',
          assignedLicenses: [],
        },
      });
    await change(emulator, {
      collection: 'groups',
      id: groups[3]!.id,
      patch: { description: 'changed by delta test' },
    });
    await change(emulator, { collection: 'groups', delete: groups[4]!.id });

    const delta = await snapshotFromTenant(emulatorConnection(emulator), {
      previous: first,
      datasets: WITH_MEMBERS,
    });
    const fresh = await snapshotFromTenant(emulatorConnection(emulator), { datasets: WITH_MEMBERS });
    expect(outcome(delta.outcomes, 'users')).toMatchObject({ read: 'delta', fetched: 20 });
    expect(outcome(delta.outcomes, 'groups')).toMatchObject({ read: 'delta', fetched: 2 });
    const names = ['users', 'groups', 'groupMembers'];
    expect(content(delta.snapshot, names)).toEqual(content(fresh.snapshot, names));
    expect(delta.snapshot.datasets.users!.items).toHaveLength(USERS);
    expect(delta.snapshot.datasets.users!.deltaLink).not.toBe(first.datasets.users!.deltaLink);

    // The same two datasets alone: one page each instead of every page of both collections.
    const only = await snapshotFromTenant(emulatorConnection(emulator), {
      previous: first,
      datasets: DELTA_ONLY,
    });
    expect(only.stats.requests).toBe(2);
    expect(fullRequests).toBeGreaterThanOrEqual(Math.ceil(USERS / 999) + 1);
    expect(only.stats.requests).toBeLessThan(fullRequests);
    first = delta.snapshot;
  });

  test('a sync with nothing changed fetches nothing but keeps every object', async () => {
    const again = await snapshotFromTenant(emulatorConnection(emulator), {
      previous: first,
      datasets: DELTA_ONLY,
    });
    expect(outcome(again.outcomes, 'users')).toMatchObject({ read: 'delta', fetched: 0 });
    expect(content(again.snapshot, ['users', 'groups'])).toEqual(content(first, ['users', 'groups']));
  });

  test.each([
    [
      'was not read (error)',
      (s: Snapshot) => ({ ...s.datasets.users!, status: 'error' as const, items: [] }),
      'the previous read was error',
    ],
    [
      'has no deltaLink',
      (s: Snapshot) => ({ ...s.datasets.users!, deltaLink: undefined }),
      'the previous snapshot has no deltaLink',
    ],
    [
      'asked for other properties',
      (s: Snapshot) => ({ ...s.datasets.users!, deltaQuery: '/users/delta?$select=id' }),
      'the selected properties changed',
    ],
    [
      'points at another endpoint',
      (s: Snapshot) => ({
        ...s.datasets.users!,
        deltaLink: 'https://graph.microsoft.com/v1.0/users/delta?$deltatoken=x',
      }),
      'the previous deltaLink is for another endpoint',
    ],
  ])('a previous users dataset that %s is read in full', async (_case, edit, reason) => {
    const previous = { ...first, datasets: { ...first.datasets, users: edit(first) } };
    const result = await snapshotFromTenant(emulatorConnection(emulator), { previous, datasets: DELTA_ONLY });
    expect(outcome(result.outcomes, 'users')).toMatchObject({
      read: 'full',
      fullReason: reason,
      fetched: USERS,
    });
    expect(outcome(result.outcomes, 'groups')).toMatchObject({ read: 'delta' });
    expect(result.snapshot.datasets.users!.items).toEqual(first.datasets.users!.items);
  });

  test('a deltaLink Graph does not recognise falls back to a full read, never a partial dataset', async () => {
    const forged = first.datasets.users!.deltaLink!.replace(/deltatoken=.*/, 'deltatoken=forged');
    const previous = {
      ...first,
      datasets: { ...first.datasets, users: { ...first.datasets.users!, deltaLink: forged } },
    };
    const result = await snapshotFromTenant(emulatorConnection(emulator), { previous, datasets: DELTA_ONLY });
    expect(outcome(result.outcomes, 'users')).toMatchObject({
      read: 'full',
      fullReason: expect.stringContaining('refused'),
    });
    expect(result.snapshot.datasets.users!.items).toEqual(first.datasets.users!.items);
  });

  test('an expired delta token (410 Gone) falls back to a full read with identical content', async () => {
    await change(emulator, {
      collection: 'users',
      id: emulator.stores[0]!.model.graph.collections.users[7]!.id,
      patch: { department: 'After expiry' },
    });
    const result = await withExpiredTokens(emulator, () =>
      snapshotFromTenant(emulatorConnection(emulator), { previous: first, datasets: DELTA_ONLY }),
    );
    const fresh = await snapshotFromTenant(emulatorConnection(emulator), { datasets: DELTA_ONLY });
    for (const name of ['users', 'groups'])
      expect(outcome(result.outcomes, name)).toMatchObject({
        read: 'full',
        fullReason: 'the delta token expired (TS_ERR_MS_DELTA_EXPIRED)',
      });
    expect(content(result.snapshot, ['users', 'groups'])).toEqual(
      content(fresh.snapshot, ['users', 'groups']),
    );
    expect(result.snapshot.datasets.users!.deltaLink).toBeDefined();
  });

  test('`snapshot --previous FILE` reads users and groups as a delta and says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-delta-'));
    try {
      const previousFile = path.join(dir, 'previous.json');
      await writeSnapshotFile(previousFile, first);
      const stderr: string[] = [];
      const io: CliIo = {
        stdout: () => {},
        stderr: (t) => stderr.push(t),
        env: {},
        untilStopped: async () => {},
      };
      const out = path.join(dir, 'next.json');
      const connection = { ...emulatorConnection(emulator), caFile: emulator.caFile };
      // a whole-tenant sync again: the sign-in and report limits (10/min, 5/10 s) may make it wait
      expect(await snapshotCommand(connection, out, io, { previous: previousFile })).toBe(0);
      expect(stderr.find((l) => l.trimStart().startsWith('users '))).toMatch(/ok\s+2000 items \(delta\)/);
      expect(stderr.find((l) => l.trimStart().startsWith('userSignInActivity '))).not.toContain('delta');
      const written = JSON.parse(fs.readFileSync(out, 'utf8')) as Snapshot;
      expect(written.datasets.users!.deltaLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/delta\?/);
      fs.writeFileSync(previousFile, '{"format":"tenantscope.snapshot/v1"}');
      await expect(snapshotCommand(connection, out, io, { previous: previousFile })).rejects.toMatchObject({
        code: 'TS_ERR_SNAPSHOT_INVALID',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  test('a previous snapshot of another tenant is refused before any request', async () => {
    const other = { ...first, tenant: { ...first.tenant, tenantId: '11111111-2222-3333-4444-555555555555' } };
    await expect(snapshotFromTenant(emulatorConnection(emulator), { previous: other })).rejects.toMatchObject(
      {
        code: 'TS_ERR_SNAPSHOT_OTHER_TENANT',
      },
    );
  });
});

describe('delta sync against an emulator answering 400 syncStateNotFound for expired tokens', () => {
  let small: RunningEmulator;
  beforeAll(async () => {
    small = await startEmulator({
      tenants: [{ users: 60, profile: 'typical', seed: 'delta-expired' }],
      graph: { expiredDeltaToken: 'syncStateNotFound' },
    });
  });
  afterAll(async () => {
    await small.close();
  });

  test('the expired token falls back to a full read', async () => {
    const first = await snapshotFromTenant(emulatorConnection(small), { datasets: DELTA_ONLY });
    const result = await withExpiredTokens(small, () =>
      snapshotFromTenant(emulatorConnection(small), { previous: first.snapshot, datasets: DELTA_ONLY }),
    );
    expect(outcome(result.outcomes, 'users')).toMatchObject({ read: 'full', fetched: 60 });
    expect(result.snapshot.datasets.users!.items).toEqual(first.snapshot.datasets.users!.items);
  });
});

/**
 * Ages every delta token out of the emulator's change log for the length of `run`, the way the
 * emulator's own delta tests do: the control API has no route for it.
 */
async function withExpiredTokens<T>(emu: RunningEmulator, run: () => Promise<T>): Promise<T> {
  const store = emu.stores[0]!;
  const original = Object.getOwnPropertyDescriptor(store, 'oldestSeq')!;
  Object.defineProperty(store, 'oldestSeq', { value: store.seq + 1, configurable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(store, 'oldestSeq', original);
  }
}
