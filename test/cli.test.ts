import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('../bin/tenantscope.js', import.meta.url).pathname;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-cli-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  const { PATH, HOME } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH, HOME, ...env },
      cwd: scratch,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('tenantscope command line', () => {
  test('--help lists the commands', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['demo', 'serve', 'migrate', 'config check', 'emulator', 'version'])
      expect(result.stdout).toContain(command);
  });

  test('version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect((await cli(['version'])).stdout.trim()).toBe(`tenantscope ${pkg.version}`);
  });

  test.each([
    [['frobnicate'], "error: unknown command 'frobnicate'"],
    [['serve', '--colour'], "error: Unknown option '--colour'"],
    [['serve', '--port', 'abc'], "error: --port must be a number from 0 to 65535, got 'abc'"],
    [['config'], 'error: expected `tenantscope config check`'],
    [[], 'error: no command given'],
  ])('%j is a usage error: one line, the usage, exit code 2', async (args, firstLine) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(firstLine);
    expect(result.stderr).toContain('Usage: tenantscope <command>');
  });

  test('config check masks secrets', async () => {
    const key = Buffer.alloc(32, 3).toString('base64');
    const result = await cli(['config', 'check'], {
      TENANTSCOPE_MASTER_KEY: key,
      DATABASE_URL: 'postgres://u:hunter2-hunter2@db/x',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('TENANTSCOPE_MASTER_KEY');
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).not.toContain('hunter2-hunter2');
  });

  const file = path.join(scratch, 'a-file');
  fs.writeFileSync(file, 'not a folder');
  const badKeyFile = path.join(scratch, 'short.key');
  fs.writeFileSync(badKeyFile, Buffer.alloc(8).toString('base64'));

  test.each([
    [
      'a malformed DATABASE_URL',
      { DATABASE_URL: 'postgres//missing-colon' },
      'DATABASE_URL',
      'TS_ERR_CONFIG_INVALID',
    ],
    [
      'an unreachable database',
      { DATABASE_URL: 'postgres://nobody:pw-123456@127.0.0.1:1/none' },
      'DATABASE_URL',
      'TS_ERR_DATABASE_UNREACHABLE',
    ],
    [
      'an unwritable data dir',
      { TENANTSCOPE_DATA_DIR: path.join(file, 'data') },
      'TENANTSCOPE_DATA_DIR',
      'TS_ERR_DATA_DIR_UNWRITABLE',
    ],
    [
      'a master key of the wrong length',
      { TENANTSCOPE_MASTER_KEY: Buffer.alloc(31).toString('base64') },
      'TENANTSCOPE_MASTER_KEY',
      'TS_ERR_CONFIG_INVALID',
    ],
    [
      'a key file of the wrong length',
      { TENANTSCOPE_MASTER_KEY_FILE: badKeyFile },
      'TENANTSCOPE_MASTER_KEY_FILE',
      'TS_ERR_MASTER_KEY_INVALID',
    ],
    [
      'production without a key',
      { NODE_ENV: 'production' },
      'NODE_ENV=production',
      'TS_ERR_MASTER_KEY_MISSING',
    ],
  ])('%s: one line naming the setting, exit code 1, nothing written', async (_name, env, setting, code) => {
    const dataDir = path.join(scratch, `data-${code}-${setting}`);
    const result = await cli(['serve', '--port', '0'], { TENANTSCOPE_DATA_DIR: dataDir, ...env });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(setting);
    expect(lines[0]).toContain(code);
    expect(result.stderr).not.toContain('pw-123456');
    if (!('TENANTSCOPE_DATA_DIR' in env)) expect(fs.existsSync(dataDir)).toBe(false);
  });
});
