import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CliIo } from '../src/cli/io.ts';
import { run } from '../src/cli/main.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { createScratchDatabase } from './helpers/database.ts';

/** `tenantscope person export|erase` on a tenant connected and synced through the command line. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-cli-rights-'));
const key = Buffer.alloc(32, 7).toString('base64');
let emulator: RunningEmulator;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
let person: { id: string; upn: string };

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

beforeAll(async () => {
  emulator = await startEmulator({ tenants: [{ users: 25, profile: 'typical', seed: 'cli-rights' }] });
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL);
  fs.mkdirSync(path.join(dir, 'data'));
  const u = emulator.stores[0]!.model.graph.collections.users[0]!;
  person = { id: String(u.id), upn: String(u.userPrincipalName) };
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
  ]);
  expect(added.code, added.err).toBe(0);
  expect((await cli(['sync', '--tenant', 'Northwind'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await emulator.close();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tenantscope person', () => {
  test('export writes the document to a file only its owner can read', async () => {
    const file = path.join(dir, 'person.json');
    const r = await cli(['person', 'export', '--tenant', 'Northwind', person.upn, '--out', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/Exported \d+ records about the person from 1 of 1 snapshots of Northwind/);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ format: 'tenantscope.person-export/v1', person: { objectId: person.id } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  test.each([
    [['person', 'export', '--tenant', 'Northwind'], 'name one person'],
    [['person', 'erase', '--tenant', 'Northwind', 'x@y.z'], 'confirm with --yes'],
    [['person', 'export', '--tenant', 'Northwind', 'x@y.z', '--yes'], 'takes no --yes'],
    [['person', 'forget', '--tenant', 'Northwind', 'x@y.z'], "unknown person command 'forget'"],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('tenantscope person erase --tenant');
  });

  test('an unknown person is one error line with its code (exit 1)', async () => {
    const r = await cli(['person', 'export', '--tenant', 'Northwind', 'nobody@nowhere.example']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: .* \(TS_ERR_PERSON_NOT_FOUND\)$/);
  });

  test('erase --yes removes them and says what Entra still holds; a second export finds only the erasure', async () => {
    const r = await cli(['person', 'erase', '--tenant', 'Northwind', person.id, '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Erased the person from Northwind: [1-9]\d* objects removed/);
    expect(r.out).toContain('Microsoft Entra is not touched');
    const again = await cli(['person', 'erase', '--tenant', 'Northwind', person.upn, '--yes']);
    expect(again.out).toContain('had been erased from Northwind before');
    const doc = JSON.parse((await cli(['person', 'export', '--tenant', 'Northwind', person.id])).out);
    expect(doc.person.erasedAt).toEqual(expect.any(String));
    expect(doc.records).toEqual([]);
  });
});
