import { describe, expect, test } from 'vitest';
import { parseEmulatorArgs, runEmulatorCommand, USAGE } from './emulator-cli.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) },
  };
}

describe('tenantscope emulator flags', () => {
  test('valid flags parse', () => {
    expect(
      parseEmulatorArgs(['--users', '200', '--profile', 'neglected', '--seed', 'x', '--print-json']),
    ).toEqual({
      users: 200,
      profile: 'neglected',
      seed: 'x',
      port: 0,
      printJson: true,
    });
  });

  test.each([
    [['--bogus']],
    [['--users', 'many']],
    [['--users', '5']],
    [['--profile', 'chaotic']],
    [['--port', '70000']],
    [['stray']],
  ])('%j exits 2 with one error line and the usage', async (argv) => {
    const t = io();
    expect(await runEmulatorCommand(argv, t.io)).toBe(2);
    const lines = t.err.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tenantscope emulator: /);
    expect(lines[1]).toBe(USAGE);
    expect(t.out).toEqual([]);
  });
});

describe('--print-json', () => {
  test('prints one JSON line with everything a client needs', async () => {
    const { startEmulator } = await import('./index.ts');
    const { fixtureTenant } = await import('./server/test-fixtures.ts');
    const { describeEmulator } = await import('./emulator-cli.ts');
    const emu = await startEmulator({ tenants: [fixtureTenant()], latency: { baseMs: 0, perObjectMs: 0 } });
    try {
      const line = describeEmulator(emu, true);
      expect(line.endsWith('\n')).toBe(true);
      expect(line.trimEnd().split('\n')).toHaveLength(1);
      const parsed = JSON.parse(line) as Record<string, string>;
      expect(Object.keys(parsed).sort()).toEqual(
        [
          'armUrl',
          'authorityHost',
          'caFile',
          'clientId',
          'clientSecret',
          'controlToken',
          'controlUrl',
          'graphUrl',
          'tenantId',
        ].sort(),
      );
      expect(parsed.authorityHost).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(parsed.tenantId).toBe(emu.tenants[0]!.tenantId);
    } finally {
      await emu.close();
    }
  });
});

describe('runEmulatorCommand', () => {
  test('starts a generated tenant whose printed credentials get a token, and stops when told', async () => {
    const { trustingFetch } = await import('./server/test-clients.ts');
    const out: string[] = [];
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let printed: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      printed = resolve;
    });
    const running = runEmulatorCommand(
      ['--users', '20', '--profile', 'hardened', '--seed', 'cli', '--print-json'],
      {
        stdout: (s) => {
          out.push(s);
          printed();
        },
        stderr: (s) => out.push(`ERR ${s}`),
        untilStopped: () => stopped,
      },
    );
    await ready;
    const info = JSON.parse(out.join('')) as Record<string, string>;
    const { readFileSync } = await import('node:fs');
    const f = trustingFetch(readFileSync(info.caFile!, 'utf8'));
    const res = await f(`${info.authorityHost}/${info.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: info.clientId!,
        client_secret: info.clientSecret!,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    expect(res.status).toBe(200);
    stop();
    expect(await running).toBe(0);
  });
});
