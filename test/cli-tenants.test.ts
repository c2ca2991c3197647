import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CliIo } from '../src/cli/io.ts';
import { run } from '../src/cli/main.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { createScratchDatabase } from './helpers/database.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-cli-tenants-'));
const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('base64');
let emulator: RunningEmulator;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 60, profile: 'typical', seed: 'cli-tenants' }] });
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL);
  // `tenant add` needs a workspace: the demo workspace is the usual first one
  fs.mkdirSync(path.join(dir, 'data'));
});
afterAll(async () => {
  await emulator.close();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], key = keyA) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {
      TENANTSCOPE_DATA_DIR: path.join(dir, 'data'),
      TENANTSCOPE_MASTER_KEY: key,
      TENANTSCOPE_EXTRA_CA_FILE: emulator.caFile,
      LOG_LEVEL: 'silent',
      EMU_SECRET: emulator.tenants[0]!.clientSecret,
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    },
    untilStopped: async () => {},
  };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tenant and sync commands', () => {
  test('tenant add without a workspace explains what to do', async () => {
    const t = emulator.tenants[0]!;
    const r = await cli([
      'tenant',
      'add',
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
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no workspace exists yet');
  });

  test('add, list, sync, rotate the key-encryption key, sync again', async () => {
    // make the demo workspace the way `npm start` does, without keeping a server running
    const { ensureDemoWorkspace } = await import('../src/demo/demo-workspace.ts');
    const { openRuntime } = await import('../src/cli/runtime.ts');
    const { loadConfig } = await import('../src/platform/config.ts');
    const env = {
      TENANTSCOPE_DATA_DIR: path.join(dir, 'data'),
      TENANTSCOPE_MASTER_KEY: keyA,
      LOG_LEVEL: 'silent',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    };
    const runtime = await openRuntime(loadConfig(env), { migrate: true });
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
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toContain('Connected Northwind');

    const listed = await cli(['tenant', 'list', '--format', 'json']);
    const tenants = JSON.parse(listed.out);
    expect(tenants).toHaveLength(1);
    expect(tenants[0]).toMatchObject({
      displayName: 'Northwind',
      microsoftTenantId: t.tenantId,
      status: 'connected',
    });
    expect(listed.out).not.toContain(t.clientSecret);

    const synced = await cli(['sync', '--tenant', 'northwind']);
    expect(synced.code).toBe(0);
    expect(synced.out).toMatch(/Synced Northwind: snapshot [0-9a-f-]{36}/);
    expect(synced.err).toContain('users');

    const previous = path.join(dir, 'previous.key');
    fs.writeFileSync(previous, keyA);
    const rotated = await cli(['keys', 'rotate', '--previous-key-file', previous], keyB);
    expect(rotated.out).toContain('Re-wrapped 1 tenant data key');

    expect((await cli(['sync', '--tenant', 'Northwind'], keyB)).code).toBe(0);
    const withOldKey = await cli(['sync', '--tenant', 'Northwind'], keyA);
    expect(withOldKey.code).toBe(1);
    expect(withOldKey.err).toContain('TS_ERR_DECRYPT_FAILED');
  }, 120_000);

  test('sync of an unknown tenant is a clear error', async () => {
    const r = await cli(['sync', '--tenant', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no tenant 'nobody'");
  });
});
