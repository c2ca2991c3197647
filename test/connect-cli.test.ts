import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CliIo } from '../src/cli/io.ts';
import { run } from '../src/cli/main.ts';
import { openRuntime } from '../src/cli/runtime.ts';
import { ensureDemoWorkspace } from '../src/demo/demo-workspace.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { trustingFetch } from '../src/emulator/server/test-clients.ts';
import { loadConfig } from '../src/platform/config.ts';
import { submitSignIn } from './connect-helpers.ts';
import { createScratchDatabase } from './helpers/database.ts';

/**
 * `tenant add --admin-consent` in its two steps, `tenant arm`, and `tenant purge`, against the
 * emulator: the printed URL is answered with plain HTTP, and the address it redirects to is
 * pasted back with --redirect-url, as a person would.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-connect-cli-'));
let emulator: RunningEmulator;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 40, profile: 'typical', seed: 'connect-cli' }] });
  emulator.stores[0]!.model.clients[0]!.consented = false;
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL);
  fs.mkdirSync(path.join(dir, 'data'));
  env = {
    TENANTSCOPE_DATA_DIR: path.join(dir, 'data'),
    TENANTSCOPE_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
    TENANTSCOPE_EXTRA_CA_FILE: emulator.caFile,
    TENANTSCOPE_APP_CLIENT_ID: emulator.tenants[0]!.clientId,
    TENANTSCOPE_APP_CLIENT_SECRET: emulator.tenants[0]!.clientSecret,
    PORT: '3000',
    LOG_LEVEL: 'silent',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  };
  const runtime = await openRuntime(loadConfig(env), { migrate: true });
  await ensureDemoWorkspace(runtime.database.db, {
    email: 'owner@example.com',
    password: 'a-long-password-123',
  });
  await runtime.close();
});
afterAll(async () => {
  await emulator.close();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    untilStopped: async () => {},
  };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const emulatorFlags = () => [
  '--authority-host',
  emulator.authorityHost,
  '--graph-url',
  emulator.graphUrl,
  '--arm-url',
  emulator.armUrl,
];
const user = () => emulator.stores[0]!.model.signInUsers[0]!;

describe('connecting from the command line', () => {
  test('admin consent: print the URL, accept, paste the redirect', async () => {
    const t = emulator.tenants[0]!;
    const first = await cli([
      'tenant',
      'add',
      '--admin-consent',
      '--tenant-id',
      t.tenantId,
      ...emulatorFlags(),
    ]);
    expect(first.code, first.err).toBe(0);
    const url = new URL(first.out.trim());
    expect(url.pathname).toBe(`/${t.tenantId}/v2.0/adminconsent`);
    expect(first.err).toContain('--redirect-url');
    const back = await submitSignIn(trustingFetch(emulator.caPem), url.toString(), {
      ...Object.fromEntries(url.searchParams),
      username: user().userPrincipalName,
      password: user().password,
      action: 'accept',
    });
    expect(back.location!.origin).toBe('http://127.0.0.1:3000');
    const second = await cli([
      'tenant',
      'add',
      '--admin-consent',
      '--redirect-url',
      back.location!.toString(),
    ]);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/^Connected .+ by admin consent/);
    const replay = await cli([
      'tenant',
      'add',
      '--admin-consent',
      '--redirect-url',
      back.location!.toString(),
    ]);
    expect(replay.code).toBe(1);
    expect(replay.err).toContain('TS_ERR_CONNECT_STATE');
    const list = await cli(['tenant', 'list', '--format', 'json']);
    expect(JSON.parse(list.out)).toMatchObject([
      { microsoftTenantId: t.tenantId, connectionKind: 'consent' },
    ]);
  });

  test('delegated ARM: sign in, paste the redirect, then choose the reads', async () => {
    const t = emulator.tenants[0]!;
    const first = await cli(['tenant', 'arm', '--tenant', t.tenantId, '--sign-in']);
    expect(first.code, first.err).toBe(0);
    const back = await submitSignIn(trustingFetch(emulator.caPem), first.out.trim(), {
      username: user().userPrincipalName,
      password: user().password,
    });
    const second = await cli(['tenant', 'arm', '--redirect-url', back.location!.toString()]);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(
      `${emulator.stores[0]!.model.arm.subscriptions.length} subscriptions visible`,
    );
    const off = await cli(['tenant', 'arm', '--tenant', t.tenantId, '--reads', 'off']);
    expect(off.out).toContain('off');
    const bad = await cli(['tenant', 'arm', '--tenant', t.tenantId, '--reads', 'sometimes']);
    expect(bad.code).toBe(2);
  });

  test('purge needs --yes, then removes the tenant', async () => {
    const t = emulator.tenants[0]!;
    const unconfirmed = await cli(['tenant', 'purge', '--tenant', t.tenantId]);
    expect(unconfirmed.code).toBe(2);
    const purged = await cli(['tenant', 'purge', '--tenant', t.tenantId, '--yes']);
    expect(purged.code, purged.err).toBe(0);
    expect(purged.out).toMatch(/^Purged /);
    expect(JSON.parse((await cli(['tenant', 'list', '--format', 'json'])).out)).toEqual([]);
  });
});
