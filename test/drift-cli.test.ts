import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { driftCommand } from '../src/cli/commands/drift.ts';
import type { CliIo } from '../src/cli/io.ts';
import { caPolicy, failed, ok, snapshot, T0, T1 } from './drift-helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-drift-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: unknown) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

const audit = {
  id: 'Directory_1',
  result: 'success',
  activityDisplayName: 'Update conditional access policy',
  activityDateTime: '2026-11-20T12:00:00.000Z',
  operationType: 'Update',
  initiatedBy: { app: null, user: { id: 'u-admin', userPrincipalName: 'admin@contoso.com' } },
  targetResources: [{ id: caPolicy().id, modifiedProperties: [] }],
};
const A = file(
  'a.json',
  snapshot({ conditionalAccessPolicies: ok([caPolicy()]), namedLocations: ok([]) }, T0),
);
const B = file(
  'b.json',
  snapshot(
    {
      conditionalAccessPolicies: ok([caPolicy({ state: 'enabled' })]),
      namedLocations: failed('error'),
      directoryAudits: ok([audit]),
    },
    T1,
  ),
);
const OTHER = file('other.json', snapshot({}, T1, 'another-tenant'));
const STANDARD = file('std.json', {
  format: 'tenantscope.standard/v1',
  name: 'Baseline',
  rules: [
    {
      id: 'ca-on',
      objectKind: 'conditionalAccessPolicy',
      match: 'all',
      expect: { state: { equals: 'enabled' } },
    },
  ],
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    untilStopped: async () => {},
  };
  const code = await driftCommand(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('tenantscope drift', () => {
  test('json output holds the events with their actor and what was not compared', async () => {
    const r = await run(['--from', A, '--to', B, '--format', 'json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.drift.events).toMatchObject([
      { path: 'state', after: 'enabled', attribution: { actor: { userPrincipalName: 'admin@contoso.com' } } },
    ]);
    expect(body.drift.notCompared).toContainEqual(
      expect.objectContaining({ dataset: 'namedLocations', fromStatus: 'ok', toStatus: 'error' }),
    );
  });

  test('markdown names the change, the actor and the part not compared', async () => {
    const r = await run(['--from', A, '--to', B]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## Not compared');
    expect(r.stdout).toContain('**namedLocations**');
    expect(r.stdout).toMatch(
      /\| high \| Require MFA for all users \| changed \| `state` "?enabledForReportingButNotEnforced"? → "?enabled"? \| admin@contoso.com/,
    );
  });

  test('--standard adds the deviations; --out writes a file and says so on stderr', async () => {
    const out = path.join(dir, 'report.json');
    const r = await run(['--from', A, '--to', B, '--standard', STANDARD, '--format', 'json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Wrote ${out}`);
    const body = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(body.standard.results).toMatchObject([{ ruleId: 'ca-on', status: 'pass' }]);
    expect(body.drift.events).toHaveLength(1);
  });

  test('--standard alone compares one snapshot with the standard', async () => {
    const r = await run(['--to', A, '--standard', STANDARD, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      standard: expect.objectContaining({ summary: expect.objectContaining({ deviation: 1 }) }),
    });
  });

  test.each<[string, string[], string]>([
    ['no --to', ['--from', A], 'drift needs --to FILE'],
    ['neither --from nor --standard', ['--to', B], 'drift needs --from FILE, --standard FILE, or both'],
    ['an unknown flag', ['--from', A, '--to', B, '--colour'], "Unknown option '--colour'"],
    ['a bad format', ['--from', A, '--to', B, '--format', 'pdf'], '--format must be md or json'],
  ])('%s is a usage error (exit 2) with the usage', async (_name, argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${message}`);
    expect(r.stderr).toContain('Usage: tenantscope drift');
  });

  test.each<[string, () => string[], string]>([
    [
      'a missing snapshot file',
      () => ['--from', path.join(dir, 'nope.json'), '--to', B],
      'TS_ERR_FILE_UNREADABLE',
    ],
    [
      'a file that is not a snapshot',
      () => ['--from', file('bad.json', '{"format":"x"}'), '--to', B],
      'TS_ERR_SNAPSHOT_INVALID',
    ],
    ['snapshots of two tenants', () => ['--from', A, '--to', OTHER], 'TS_ERR_DRIFT_SNAPSHOTS_MISMATCHED'],
    ['--from newer than --to', () => ['--from', B, '--to', A], 'TS_ERR_DRIFT_SNAPSHOTS_MISMATCHED'],
    [
      'a malformed standard',
      () => ['--to', B, '--standard', file('s.json', '{"format":"tenantscope.standard/v1"}')],
      'TS_ERR_STANDARD_INVALID',
    ],
  ])('%s fails with one error line and its code (exit 1)', async (_name, argv, code) => {
    const r = await run(argv());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: .*\\(${code}\\)$`));
    expect(r.stdout).toBe('');
  });
});
