import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type PgliteBridge, startPgliteBridge } from './pglite-bridge.ts';

let db: PGlite;
let bridge: PgliteBridge;
let dir: string;
const pools: pg.Pool[] = [];

const pool = (max: number) => {
  const p = new pg.Pool({ host: dir, port: 5432, user: 'postgres', database: 'postgres', max });
  p.on('error', () => {});
  pools.push(p);
  return p;
};

beforeAll(async () => {
  db = await PGlite.create();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-test-'));
  bridge = await startPgliteBridge(db, path.join(dir, '.s.PGSQL.5432'));
  await db.exec('CREATE TABLE t (id int PRIMARY KEY, label text NOT NULL)');
});
afterAll(async () => {
  for (const p of pools) await p.end();
  await bridge.stop();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('many connections running parameterised queries at once each get their own answers', async () => {
  const p = pool(12);
  // Different statement shapes with parameters: interleaved Parse/Bind from two connections
  // would bind one's parameters to the other's statement and fail or answer wrongly.
  const results = await Promise.all(
    Array.from({ length: 300 }, async (_, i) => {
      if (i % 3 === 0) return (await p.query('SELECT $1::int * 2 AS v', [i])).rows[0].v === i * 2;
      if (i % 3 === 1)
        return (await p.query('SELECT $1::text || $2::text AS v', ['a', String(i)])).rows[0].v === `a${i}`;
      return (await p.query('SELECT length($1::text) AS v, $2::int AS w', ['xyz', i])).rows[0].w === i;
    }),
  );
  expect(results.every(Boolean)).toBe(true);
});

test('transactions on different connections do not see or break each other', async () => {
  const p = pool(6);
  await Promise.all(
    Array.from({ length: 24 }, async (_, i) => {
      const client = await p.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO t (id, label) VALUES ($1, $2)', [i, `row ${i}`]);
        if (i % 4 === 0) await client.query('ROLLBACK');
        else await client.query('COMMIT');
      } finally {
        client.release();
      }
    }),
  );
  const { rows } = await p.query('SELECT count(*)::int AS n FROM t');
  expect(rows[0].n).toBe(18);
});

test('an error inside one transaction leaves the others working', async () => {
  const p = pool(4);
  const failing = (async () => {
    const client = await p.connect();
    try {
      await client.query('BEGIN');
      await expect(client.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  })();
  const others = Promise.all(Array.from({ length: 20 }, (_, i) => p.query('SELECT $1::int AS v', [i])));
  await failing;
  expect((await others).map((r) => r.rows[0].v)).toEqual(Array.from({ length: 20 }, (_, i) => i));
});

test('a client that disconnects inside a transaction is rolled back and frees the database', async () => {
  const quitter = new pg.Client({ host: dir, port: 5432, user: 'postgres', database: 'postgres' });
  quitter.on('error', () => {});
  await quitter.connect();
  await quitter.query('BEGIN');
  await quitter.query("INSERT INTO t (id, label) VALUES (1000, 'never committed')");
  const waiting = pool(2).query('SELECT count(*)::int AS n FROM t WHERE id = 1000');
  await quitter.end();
  expect((await waiting).rows[0].n).toBe(0);
});
