import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readDeltaBasis } from './delta-basis-file.ts';
import { deltaBasis } from './delta-read.ts';
import { writeSnapshotFile } from './snapshot-file.ts';
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot-types.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-basis-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = '2026-11-01T00:00:00.000Z';
/** Items shaped to trip a line reader: a last property that is an array, strings holding `]}`. */
const snapshot: Snapshot = {
  format: SNAPSHOT_FORMAT,
  tenant: { tenantId: '11111111-1111-1111-1111-111111111111', displayName: 'Contoso', cloud: 'global' },
  collectedAt: at,
  completedAt: at,
  datasets: {
    organization: { status: 'ok', collectedAt: at, items: [{ id: 'o', verifiedDomains: [{ name: 'x' }] }] },
    users: {
      status: 'ok',
      collectedAt: at,
      items: [
        { id: 'u1', assignedLicenses: [{ skuId: 's', disabledPlans: [] }] },
        { id: 'u2', displayName: 'ends with ]}' },
        { id: 'u3', assignedLicenses: [] },
      ],
      deltaLink: 'https://graph.microsoft.com/v1.0/users/delta?$deltatoken=abc',
      deltaQuery: '/users/delta?$select=id,displayName,assignedLicenses',
    },
    groupMembers: { status: 'ok', collectedAt: at, items: [{ parentId: 'g1', items: [{ id: 'u1' }] }] },
    groups: { status: 'ok', collectedAt: at, items: [] },
    signIns: {
      status: 'notLicensed',
      collectedAt: at,
      items: [],
      error: { code: 'TS_ERR_MS_LICENCE_MISSING', message: 'needs P1' },
    },
  },
};

async function written(name: string, content: Snapshot | string): Promise<string> {
  const file = path.join(dir, name);
  if (typeof content === 'string') fs.writeFileSync(file, content);
  else await writeSnapshotFile(file, content);
  return file;
}

describe('reading the basis of a delta sync from a snapshot file', () => {
  test('a file written by Tenantscope yields its tenant, users and groups exactly', async () => {
    expect(await readDeltaBasis(await written('ours.json', snapshot))).toEqual(deltaBasis(snapshot));
  });

  test('a pretty-printed file (another layout) is read whole, with the same result', async () => {
    const file = await written('pretty.json', JSON.stringify(snapshot, null, 2));
    expect(await readDeltaBasis(file)).toEqual(deltaBasis(snapshot));
  });

  test('a file cut short is refused as a malformed snapshot, not read as fewer users', async () => {
    const whole = fs.readFileSync(await written('whole.json', snapshot), 'utf8');
    const cut = await written('cut.json', whole.slice(0, whole.indexOf('"u2"')));
    await expect(readDeltaBasis(cut)).rejects.toMatchObject({ code: 'TS_ERR_SNAPSHOT_INVALID' });
  });

  test('a users dataset that breaks the schema is refused, naming it', async () => {
    const users = { ...snapshot.datasets.users!, status: 'fine' } as unknown as Snapshot['datasets'][string];
    const file = await written('bad.json', { ...snapshot, datasets: { ...snapshot.datasets, users } });
    await expect(readDeltaBasis(file)).rejects.toThrow(/datasets\.users\.status/);
  });

  test('the datasets a delta sync does not use are skipped line by line, not parsed', async () => {
    const whole = fs.readFileSync(await written('skip.json', snapshot), 'utf8');
    const file = await written('skip.json', whole.replace('{"parentId":"g1"', '{"parentId":g1'));
    expect(await readDeltaBasis(file)).toEqual(deltaBasis(snapshot));
  });

  test('a missing file gets the file error', async () => {
    await expect(readDeltaBasis(path.join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'TS_ERR_FILE_UNREADABLE',
    });
  });
});
