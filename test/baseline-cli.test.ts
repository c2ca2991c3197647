import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CliIo } from '../src/cli/io.ts';
import { run } from '../src/cli/main.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { adminOf, change, control, tick } from './drift-emulator-harness.ts';
import { createScratchDatabase } from './helpers/database.ts';

/** `tenantscope baseline set|show` and `tenantscope drift timeline` on a synced emulated tenant. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-cli-baseline-'));
const key = Buffer.alloc(32, 7).toString('base64');
const CA = 'identity/conditionalAccess/policies';
let emulator: RunningEmulator;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 30, profile: 'typical', seed: 'cli-baseline' }] });
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL);
  fs.mkdirSync(path.join(dir, 'data'));
});
afterAll(async () => {
  await emulator.close();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  TENANTSCOPE_DATA_DIR: path.join(dir, 'data'),
  TENANTSCOPE_MASTER_KEY: key,
  TENANTSCOPE_EXTRA_CA_FILE: emulator.caFile,
  LOG_LEVEL: 'silent',
  EMU_SECRET: emulator.tenants[0]!.clientSecret,
  ...(scratch ? { DATABASE_URL: scratch.url } : {}),
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: env(),
    untilStopped: async () => {},
  };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('baseline and drift timeline commands', () => {
  test('usage errors exit 2 and name the problem', async () => {
    expect(await cli(['baseline'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('expected `baseline set`'),
    });
    expect(await cli(['baseline', 'show'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('needs --tenant'),
    });
    expect(await cli(['drift', 'timeline', '--tenant', 'x'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--kind KIND and --object ID'),
    });
  });

  test('pin a baseline, change a policy, sync: show lists the change; the timeline has it with its actor', async () => {
    const { ensureDemoWorkspace } = await import('../src/demo/demo-workspace.ts');
    const { openRuntime } = await import('../src/cli/runtime.ts');
    const { loadConfig } = await import('../src/platform/config.ts');
    const runtime = await openRuntime(loadConfig(env()), { migrate: true });
    await ensureDemoWorkspace(runtime.database.db, {
      email: 'owner@example.com',
      password: 'a-long-password-123',
    });
    await runtime.close();
    const t = emulator.tenants[0]!;
    const added = await cli([
      'tenant',
      'add',
      '--name',
      'Northwind',
      '--tenant-id',
      t.tenantId,
      '--client-id',
      t.clientId,
      '--client-secret-env',
      'EMU_SECRET',
      '--authority-host',
      emulator.authorityHost,
      '--graph-url',
      emulator.graphUrl,
      '--arm-url',
      emulator.armUrl,
    ]);
    expect(added.code, added.err).toBe(0);
    expect((await cli(['baseline', 'show', '--tenant', 'Northwind'])).out).toContain('has no baseline');
    expect((await cli(['sync', '--tenant', 'Northwind'])).code).toBe(0);

    const set = await cli(['baseline', 'set', '--tenant', 'Northwind', '--note', 'after onboarding']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/Pinned snapshot [0-9a-f-]{36}/);
    expect(set.out).toContain('0 added, 0 removed, 0 changed since the baseline');

    const policy = emulator.stores[0]!.model.graph.collections[CA]!.find(
      (p) => p.displayName === 'Block legacy authentication',
    )!;
    const actor = adminOf(emulator);
    await tick();
    await change(emulator, 0, { actor, collection: CA, id: policy.id, patch: { state: 'enabled' } });
    await control(emulator, 'POST', '/throttle/reset');
    expect((await cli(['sync', '--tenant', 'Northwind'])).code).toBe(0);

    const shown = await cli(['baseline', 'show', '--tenant', 'Northwind', '--format', 'json']);
    const body = JSON.parse(shown.out);
    expect(body.baseline.note).toBe('after onboarding');
    expect(body.comparison.events).toMatchObject([{ objectId: policy.id, path: 'state', after: 'enabled' }]);
    expect(shown.out).not.toContain(t.clientSecret);

    const timeline = await cli([
      'drift',
      'timeline',
      '--tenant',
      'Northwind',
      '--kind',
      'conditionalAccessPolicy',
      '--object',
      policy.id,
    ]);
    expect(timeline.code, timeline.err).toBe(0);
    const upn = 'user' in actor ? actor.user.userPrincipalName : '';
    expect(timeline.out).toContain(`state: "enabledForReportingButNotEnforced" → "enabled"  by ${upn}`);
  }, 180_000);
});
