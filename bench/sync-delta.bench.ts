/**
 * Delta sync after 1 % of users changed, on a 100,000-user `typical` emulated tenant: a first
 * full sync writes its snapshot file; 1 % of users are then updated, created or deleted through
 * the emulator's control API; a second sync given that file (reading only its users and groups, as
 * `tenantscope snapshot --previous` does) follows the deltaLinks. Goal: ≤ 5 % of the full sync's requests. Prints; asserts nothing.
 *
 * Run: `npx tsx bench/sync-delta.bench.ts [--users N] [--base-ms 50] [--per-object-ms 0.2] [--all]`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDeltaBasis } from '../src/collect/delta-basis-file.ts';
import type { GraphDataset } from '../src/collect/graph-datasets.ts';
import { writeSnapshotFile } from '../src/collect/snapshot-file.ts';
import { snapshotFromTenant } from '../src/collect/snapshot-from-tenant.ts';
import {
  ALL,
  benchDatasets,
  type ChildResult,
  childEmulator,
  childRole,
  connectionOf,
  control,
  type EmulatorInfo,
  freshWindow,
  LATENCY,
  measured,
  RATE_BOUND,
  reply,
  runChild,
  secs,
  spawnEmulator,
  USERS,
} from './sync-common.ts';

const SELF = fileURLToPath(import.meta.url);
const actor = {
  user: { id: '00000000-0000-0000-0000-0000000000be', userPrincipalName: 'bench@contoso.test' },
};
const deltaOnly = (): GraphDataset[] =>
  benchDatasets().filter((d) => d.name === 'users' || d.name === 'groups');

async function main(): Promise<void> {
  console.log(`delta sync after 1 % of users changed: ${USERS.toLocaleString('en')}-user typical tenant`);
  console.log(
    `  latency model: ${LATENCY.baseMs} ms per request + ${LATENCY.perObjectMs} ms per object returned`,
  );
  console.log(
    `  datasets: ${benchDatasets().length}${ALL ? ' (all)' : ` (without ${Object.keys(RATE_BOUND).join(', ')})`}`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-bench-delta-'));
  const emulator = await spawnEmulator(USERS, 'bench-delta');
  try {
    const { info } = emulator;
    await control(info, 'PUT', '/latency', LATENCY);
    await freshWindow(info);
    console.log('  first (full) sync …');
    const first = await runChild(SELF, 'first', info, { BENCH_FILE: path.join(dir, 'first.json') });
    const changed = await changeUsers(info, first.userIds as string[], first.groupIds as string[]);
    console.log(`  changed through the control API: ${JSON.stringify(changed)}`);
    console.log('  second sync with the first snapshot as previous …');
    const second = await runChild(SELF, 'delta', info, { BENCH_FILE: path.join(dir, 'first.json') });
    report(first, second);
  } finally {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** 1 % of users: 60 % updated, 20 % created, 20 % deleted; and 10 groups updated. */
async function changeUsers(info: EmulatorInfo, userIds: string[], groupIds: string[]) {
  const total = Math.round(USERS / 100);
  const updates = Math.round(total * 0.6);
  const deletes = Math.round(total * 0.2);
  const creates = total - updates - deletes;
  const post = (body: Record<string, unknown>) =>
    control(info, 'POST', `/tenants/${info.tenantId}/changes`, { actor, ...body });
  for (const id of userIds.slice(0, updates))
    await post({ collection: 'users', id, patch: { department: 'Bench', jobTitle: 'Changed' } });
  for (const id of userIds.slice(updates, updates + deletes)) await post({ collection: 'users', delete: id });
  for (let i = 0; i < creates; i++)
    await post({
      collection: 'users',
      create: {
        displayName: `Bench ${i}`,
        userPrincipalName: `bench.${i}@contoso.test`,
        accountEnabled: true,
        userType: 'Member',
      },
    });
  for (const id of groupIds.slice(0, 10))
    await post({ collection: 'groups', id, patch: { description: 'Bench change' } });
  return { updates, deletes, creates, groupUpdates: Math.min(10, groupIds.length) };
}

function report(first: ChildResult, second: ChildResult): void {
  const d = second.phases as Record<string, { wallMs: number; requests: number; throttled: number }>;
  const row = (label: string, a: string, b: string, ratio: string) =>
    console.log(`  ${label.padEnd(34)} ${a.padStart(12)} ${b.padStart(12)} ${ratio.padStart(10)}`);
  console.log('');
  row('', 'full sync', 'delta sync', 'delta/full');
  const pct = (a: number, b: number) => `${((100 * b) / a).toFixed(1)} %`;
  row(
    'users + groups: requests',
    String(d.fullUsersGroups!.requests),
    String(d.deltaUsersGroups!.requests),
    pct(d.fullUsersGroups!.requests, d.deltaUsersGroups!.requests),
  );
  row(
    'users + groups: wall time',
    secs(d.fullUsersGroups!.wallMs),
    secs(d.deltaUsersGroups!.wallMs),
    pct(d.fullUsersGroups!.wallMs, d.deltaUsersGroups!.wallMs),
  );
  row(
    'whole sync: requests',
    String(first.requests),
    String(second.requests),
    pct(first.requests, second.requests),
  );
  row('whole sync: wall time', secs(first.wallMs), secs(second.wallMs), pct(first.wallMs, second.wallMs));
  row('whole sync: 429 received', String(first.throttled), String(second.throttled), '');
  row('peak RSS (delta: with previous loaded)', `${first.peakRssMb} MB`, `${second.peakRssMb} MB`, '');
  const fetched = (second.outcomes ?? [])
    .filter((o) => o.read)
    .map((o) => `${o.name}: ${o.read}, ${o.fetched} entries fetched, ${o.itemCount} items`);
  console.log(`\n  ${fetched.join('\n  ')}`);
  console.log(
    `  goal ≤ 5 % of the full sync's requests: users + groups ${pct(d.fullUsersGroups!.requests, d.deltaUsersGroups!.requests)}, whole sync ${pct(first.requests, second.requests)} (the rest is not delta-capable: group members, apps, policies, logs, reports)`,
  );
}

/** Child: the first full sync; writes the snapshot file the second sync resumes from. */
async function firstSync(): Promise<void> {
  const m = await measured(() =>
    snapshotFromTenant(connectionOf(childEmulator()), { datasets: benchDatasets() }),
  );
  const { snapshot, stats } = m.value;
  await writeSnapshotFile(process.env.BENCH_FILE!, snapshot);
  const ids = (name: string) => ((snapshot.datasets[name]?.items ?? []) as { id: string }[]).map((u) => u.id);
  // spread the changes over the directory rather than its first pages
  const users = ids('users').filter((_, i) => i % 50 === 7);
  reply({
    wallMs: m.wallMs,
    requests: stats.requests,
    throttled: stats.throttled,
    retries: stats.retries,
    peakRssMb: m.peakRssMb,
    startRssMb: m.startRssMb,
    userIds: users,
    groupIds: ids('groups').slice(0, 10),
  });
}

/**
 * Child: what `tenantscope snapshot --previous FILE` does (read the file, sync with it), measured;
 * then users + groups alone, by delta and in full, for their own request counts. Throttle
 * buckets are emptied before each phase, as a day between syncs would.
 */
async function deltaSync(): Promise<void> {
  const info = childEmulator();
  await freshWindow(info);
  const m = await measured(async () => {
    const previous = await readDeltaBasis(process.env.BENCH_FILE!);
    return snapshotFromTenant(connectionOf(info), { previous, datasets: benchDatasets() });
  });
  const previous = await readDeltaBasis(process.env.BENCH_FILE!);
  const phase = async (withPrevious: boolean) => {
    await freshWindow(info);
    const t0 = performance.now();
    const r = await snapshotFromTenant(connectionOf(info), {
      datasets: deltaOnly(),
      ...(withPrevious ? { previous } : {}),
    });
    return { wallMs: performance.now() - t0, requests: r.stats.requests, throttled: r.stats.throttled };
  };
  const { stats, outcomes } = m.value;
  reply({
    wallMs: m.wallMs,
    requests: stats.requests,
    throttled: stats.throttled,
    retries: stats.retries,
    peakRssMb: m.peakRssMb,
    startRssMb: m.startRssMb,
    outcomes: outcomes.map(({ name, status, itemCount, read, fetched }) => ({
      name,
      status,
      itemCount,
      ...(read ? { read, fetched } : {}),
    })),
    phases: { deltaUsersGroups: await phase(true), fullUsersGroups: await phase(false) },
  });
}

const role = childRole();
if (role === 'first') await firstSync();
else if (role === 'delta') await deltaSync();
else await main();
