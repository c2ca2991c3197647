import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checksDocIsCurrent } from '../src/analyse/posture/generate-checks-doc.ts';
import { snapshotFromModel } from '../src/analyse/posture/testing/tenant-snapshot.ts';
import { checksCommand } from '../src/cli/commands/checks.ts';
import { scanCommand } from '../src/cli/commands/scan.ts';
import type { CliIo } from '../src/cli/io.ts';
import { writeSnapshotFile } from '../src/collect/snapshot-file.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { escapeHtml } from '../src/present/reports/html.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-scan-'));
const snapshotFile = path.join(dir, 'neglected.json');
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    untilStopped: async () => {},
  };
  return { cli, out, err };
};

beforeAll(async () => {
  await writeSnapshotFile(
    snapshotFile,
    snapshotFromModel(generateTenant({ users: 60, profile: 'neglected', seed: 'cli' })),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tenantscope scan', () => {
  test('writes a documented JSON report to stdout, with progress on stderr only', async () => {
    const { cli, out, err } = io();
    expect(await scanCommand(['--snapshot', snapshotFile], cli)).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.format).toBe('tenantscope.scan/v1');
    expect(report.results.length).toBeGreaterThanOrEqual(300);
    expect(report.results[0]).toHaveProperty('remediation.portal');
    expect(err.join('\n')).toMatch(/Evaluating \d+ checks/);
  });

  test.each([
    ['html', /^<!doctype html>/, /<script>/],
    ['md', /^# Security posture/, /\| area \| score/],
    ['sarif', /"version": "2.1.0"/, /"ruleId": "ca-mfa-all-users"/],
  ])('--format %s writes the file given by --out', async (format, start, inside) => {
    const out = path.join(dir, `report.${format}`);
    const { cli } = io();
    expect(await scanCommand(['--snapshot', snapshotFile, '--format', format, '--out', out], cli)).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toMatch(start);
    expect(text).toMatch(inside);
  });

  test('the HTML report is self-contained: no external script, style or fetch', async () => {
    const text = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(text).not.toMatch(/<(script|link)[^>]+(src|href)=/i);
    expect(text).not.toMatch(/fetch\(|XMLHttpRequest|innerHTML/);
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('--fail-on high exits 3 when a high or critical check fails; accepted findings do not count', async () => {
    expect(
      await scanCommand(
        ['--snapshot', snapshotFile, '--fail-on', 'high', '--out', path.join(dir, 'r.json')],
        io().cli,
      ),
    ).toBe(3);
  });

  test('a malformed snapshot file is refused naming the path of the problem', async () => {
    const bad = path.join(dir, 'bad.json');
    const doc = JSON.parse(fs.readFileSync(snapshotFile, 'utf8'));
    doc.datasets.users.status = 'maybe';
    fs.writeFileSync(bad, JSON.stringify(doc));
    const { cli, err } = io();
    expect(await scanCommand(['--snapshot', bad], cli)).toBe(1);
    expect(err.join('\n')).toMatch(/datasets\.users\.status.*TS_ERR_SNAPSHOT_INVALID/);
  });

  test('a bad settings file is refused with its own code and the JSON path', async () => {
    const settings = path.join(dir, 'settings.json');
    fs.writeFileSync(
      settings,
      JSON.stringify({
        acceptedFindings: [{ checkId: 'x', reason: 'r', acceptedBy: 'me', expiresAt: 'soon' }],
      }),
    );
    const { cli, err } = io();
    expect(await scanCommand(['--snapshot', snapshotFile, '--settings', settings], cli)).toBe(1);
    expect(err.join('\n')).toMatch(/acceptedFindings\.0\.expiresAt.*TS_ERR_POSTURE_SETTINGS_INVALID/);
  });

  test.each([
    [['--snapshot', 'x.json', '--format', 'pdf'], /--format must be one of/],
    [['--snapshot', 'x.json', '--fail-on', 'severe'], /--fail-on must be one of/],
    [[], /give --snapshot FILE or the connection options/],
    [['--snapshot', 'x.json', '--tenant-id', 't'], /not both/],
    [['--snapshot', 'x.json', '--bogus'], /Unknown option/],
  ])('usage problems exit 2 with one error line and the usage: %j', async (argv, message) => {
    const { cli, err } = io();
    expect(await scanCommand(argv, cli)).toBe(2);
    expect(err[0]).toMatch(/^error: /);
    expect(err[0]).toMatch(message);
    expect(err[1]).toMatch(/^usage: tenantscope scan/);
  });
});

describe('tenantscope checks list', () => {
  test('--format json prints every check with its metadata and no function', async () => {
    const { cli, out } = io();
    expect(await checksCommand(['list', '--format', 'json'], cli)).toBe(0);
    const checks = JSON.parse(out.join(''));
    expect(checks.length).toBeGreaterThanOrEqual(300);
    expect(checks.find((c: { id: string }) => c.id === 'ca-mfa-all-users')).toMatchObject({
      severity: 'critical',
      minLicence: 'P1',
      frameworks: { scuba: ['MS.AAD.3.2v2'] },
    });
  });
  test('a wrong subcommand is a usage error', async () => {
    expect(await checksCommand(['show'], io().cli)).toBe(2);
  });
  test('docs/checks.md is generated from the code and current (npx tsx src/analyse/posture/generate-checks-doc.ts)', () => {
    expect(checksDocIsCurrent()).toBe(true);
  });
});
