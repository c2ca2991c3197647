import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseCsv } from './csv.ts';
import { readSnapshotFile, validateSnapshot, writeSnapshotFile } from './snapshot-file.ts';
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot-types.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-snap-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const snapshot: Snapshot = {
  format: SNAPSHOT_FORMAT,
  tenant: { tenantId: '11111111-1111-1111-1111-111111111111', displayName: 'Contoso', cloud: 'global' },
  collectedAt: '2026-11-01T00:00:00.000Z',
  completedAt: '2026-11-01T00:01:00.000Z',
  datasets: {
    users: {
      status: 'ok',
      collectedAt: '2026-11-01T00:00:10.000Z',
      items: [{ id: 'u1', displayName: 'Ada "the" Admin' }, { id: 'u2' }],
      deltaLink: 'https://graph.microsoft.com/v1.0/users/delta?$deltatoken=oEcOySpF_hWYmTIUZBOIfPzcwisr',
      deltaQuery: '/users/delta?$select=id,displayName',
    },
    signIns: {
      status: 'notLicensed',
      collectedAt: '2026-11-01T00:00:11.000Z',
      items: [],
      error: { code: 'TS_ERR_MS_LICENCE_MISSING', message: 'needs P1' },
    },
    empty: { status: 'ok', collectedAt: '2026-11-01T00:00:12.000Z', items: [] },
  },
};

function problem(document: unknown): string {
  try {
    validateSnapshot(document, 'snap.json');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the snapshot to be refused');
}

describe('snapshot files', () => {
  test('a written snapshot reads back identical', async () => {
    const file = path.join(dir, 'round-trip.json');
    await writeSnapshotFile(file, snapshot);
    expect(readSnapshotFile(file)).toEqual(snapshot);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  });

  test.each([
    [
      { ...snapshot, format: 'tenantscope.snapshot/v0' },
      'snap.json: format must be "tenantscope.snapshot/v1"',
    ],
    [{ ...snapshot, collectedAt: 'yesterday' }, 'snap.json: collectedAt must be an ISO 8601 date-time'],
    [
      { ...snapshot, datasets: { users: { ...snapshot.datasets.users, status: 'fine' } } },
      'snap.json: datasets.users.status',
    ],
    [
      { ...snapshot, datasets: { users: { ...snapshot.datasets.users, items: 'many' } } },
      'snap.json: datasets.users.items must be array',
    ],
    [
      { ...snapshot, datasets: { users: { ...snapshot.datasets.users, status: 'error' } } },
      'snap.json: datasets.users.items a dataset that is not ok must have no items',
    ],
    [{ ...snapshot, tenant: {} }, 'snap.json: tenant.tenantId must be string'],
    [
      {
        ...snapshot,
        datasets: { users: { ...snapshot.datasets.users, deltaLink: 'http://graph.test/v1.0/users/delta' } },
      },
      'snap.json: datasets.users.deltaLink must be an https:// URL',
    ],
    [
      { ...snapshot, datasets: { users: { ...snapshot.datasets.users, deltaQuery: 'users/delta' } } },
      'snap.json: datasets.users.deltaQuery must be a path starting with /',
    ],
    [[], 'snap.json: (top level) must be object'],
  ])('a malformed snapshot is refused naming the path of the problem (%#)', (document, message) => {
    expect(problem(document)).toContain(message);
  });

  test('bad JSON and a missing file get their own clear errors', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"format": ');
    expect(() => readSnapshotFile(bad)).toThrow(/bad\.json: not valid JSON/);
    expect(() => readSnapshotFile(path.join(dir, 'missing.json'))).toThrow(
      /cannot read .*missing\.json: ENOENT/,
    );
  });
});

describe('usage-report CSV', () => {
  test.each([
    ['\uFEFFa,b\r\n1,2\r\n', [{ a: '1', b: '2' }]],
    ['a,b\n"x, y","say ""hi"""\n', [{ a: 'x, y', b: 'say "hi"' }]],
    ['a,b\n1\n', [{ a: '1', b: '' }]],
    ['a,b\n', []],
    ['', []],
  ])('%j parses', (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });
});
