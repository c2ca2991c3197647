/** `tenantscope licences` over real snapshot files written the way `tenantscope snapshot` writes them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { licencesCommand } from '../src/cli/commands/licences.ts';
import type { CliIo } from '../src/cli/io.ts';
import { writeSnapshotFile } from '../src/collect/snapshot-file.ts';
import { generateTenant } from '../src/emulator/generator/index.ts';
import { modelToSnapshot } from './licences-helpers.ts';

let dir: string;
const file = (name: string) => path.join(dir, name);

function bufferIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    untilStopped: () => Promise.resolve(),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

async function run(...argv: string[]) {
  const b = bufferIo();
  const code = await licencesCommand(argv, b.io);
  return { code, stdout: b.out(), stderr: b.err() };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'licences-cli-'));
  const neglected = generateTenant({ users: 120, profile: 'neglected', seed: 'cli', name: 'Northwind' });
  const later = generateTenant({
    users: 120,
    profile: 'neglected',
    seed: 'cli',
    name: 'Northwind',
    asOf: '2026-12-01T00:00:00Z',
  });
  const free = generateTenant({
    users: 60,
    profile: 'typical',
    seed: 'cli2',
    name: 'Fabrikam',
    entraPlan: 'free',
  });
  await writeSnapshotFile(file('northwind.json'), modelToSnapshot(neglected));
  await writeSnapshotFile(file('northwind-dec.json'), modelToSnapshot(later));
  await writeSnapshotFile(file('fabrikam.json'), modelToSnapshot(free));
  fs.writeFileSync(
    file('prices.json'),
    JSON.stringify({
      format: 'tenantscope.prices/v1',
      currency: 'USD',
      entries: [{ skuPartNumber: 'ENTERPRISEPACK', pricePerMonth: 23, term: 'annual' }],
    }),
  );
  fs.writeFileSync(
    file('bad-prices.json'),
    JSON.stringify({
      format: 'tenantscope.prices/v1',
      currency: 'USD',
      entries: [{ skuPartNumber: 'X', pricePerMonth: -5, term: 'annual' }],
    }),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tenantscope licences', () => {
  test('prints a Markdown summary of one snapshot by default', async () => {
    const r = await run('--snapshot', file('northwind.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## Northwind');
    expect(r.stdout).toMatch(/Idle more than 30 \/ 60 \/ 90 days: \d+ \/ \d+ \/ \d+/);
    expect(r.stdout).toContain('Office 365 E3');
  });

  test('several tenants make a book, with totals per currency; a tenant without P1 cannot tell', async () => {
    const r = await run(
      '--snapshot',
      file('northwind.json'),
      '--snapshot',
      file('fabrikam.json'),
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.book.tenants.map((t: { displayName: string }) => t.displayName)).toEqual([
      'Fabrikam',
      'Northwind',
    ]);
    expect(out.book.tenants[0].idle).toBeNull();
    expect(out.book.totals).toEqual([
      expect.objectContaining({ currency: 'USD', tenants: 2, tenantsWithoutSignInData: 1 }),
    ]);
    expect(out.tenants[0].findings.idle.status).toBe('cannotTell');
  });

  test('two snapshots of one tenant make a trend, oldest first, and the book uses the latest', async () => {
    const r = await run(
      '--snapshot',
      file('northwind-dec.json'),
      '--snapshot',
      file('northwind.json'),
      '--format',
      'json',
    );
    const out = JSON.parse(r.stdout);
    const [rows] = Object.values(out.trend) as { collectedAt: string }[][];
    expect(rows!.map((x) => x.collectedAt)).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    expect(out.book.tenants).toHaveLength(1);
    expect(out.book.tenants[0].collectedAt).toBe('2026-12-01T00:00:00.000Z');
  });

  test('a price book with missing prices shows the gap in the CSV and the summary', async () => {
    const csv = await run(
      '--snapshot',
      file('northwind.json'),
      '--prices',
      file('prices.json'),
      '--format',
      'csv',
    );
    expect(csv.code).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe(
      'tenantId,tenant,reason,possible,skuPartNumber,units,userPrincipalName,department,viaGroups,pricePerMonth,term,monthly,currency',
    );
    expect(lines.some((l) => /,AAD_PREMIUM,.*,,,,USD$/.test(l))).toBe(true);
    const md = await run('--snapshot', file('northwind.json'), '--prices', file('prices.json'));
    expect(md.stdout).toMatch(/units unpriced/);
    expect(md.stdout).toContain('No price for: AAD_PREMIUM');
  });

  test('--out writes the result to a file and prints nothing', async () => {
    const r = await run(
      '--snapshot',
      file('northwind.json'),
      '--format',
      'csv',
      '--table',
      'book',
      '--out',
      file('book.csv'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(file('book.csv'), 'utf8')).toMatch(/^tenantId,displayName,collectedAt,currency/);
  });

  test('a bad price file fails with its code and the path of the problem', async () => {
    const r = await run('--snapshot', file('northwind.json'), '--prices', file('bad-prices.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('entries[0].pricePerMonth must not be negative');
    expect(r.stderr).toContain('TS_ERR_PRICE_BOOK_INVALID');
  });

  test('a missing snapshot file fails with TS_ERR_FILE_UNREADABLE', async () => {
    const r = await run('--snapshot', file('nope.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*nope\.json: ENOENT.*TS_ERR_FILE_UNREADABLE/);
  });

  test.each([
    { argv: [], message: 'licences needs at least one --snapshot FILE' },
    { argv: ['--snapshot', 'x', '--format', 'xml'], message: "--format must be md, json or csv, got 'xml'" },
    { argv: ['--snapshot', 'x', '--table', 'users'], message: '--table goes with --format csv' },
    { argv: ['--snapshot', 'x', '--idle-days', '0'], message: '--idle-days must be a whole number' },
    { argv: ['--snapshot', 'x', '--colour'], message: "Unknown option '--colour'" },
  ])('a wrong command line prints one error and the usage, exit 2: $message', async ({ argv, message }) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toContain(`error: ${message}`);
    expect(r.stderr).toContain('tenantscope licences --snapshot FILE');
  });
});
