import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startDemo } from '../src/cli/commands/demo.ts';
import { loadConfig } from '../src/platform/config.ts';
import { withWorkspace } from '../src/storage/transactions.ts';
import { createScratchDatabase } from './helpers/database.ts';

const BIN = new URL('../bin/tenantscope.js', import.meta.url).pathname;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-kill-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Starts `tenantscope demo` as its own process; `syncing` resolves once its worker starts a sync. */
function startDemoProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'demo', '--port', '0'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TENANTSCOPE_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const syncing = new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += String(chunk);
      if (log.includes('tenant sync started')) resolve();
    });
    child.stdout.resume();
    child.once('exit', (code) => reject(new Error(`demo exited early with ${code}`)));
  });
  return { child, syncing };
}

describe('a worker killed mid-sync', () => {
  test('kill -9 during the first sync, then a restart, leaves complete snapshots and no partial one', async () => {
    const scratch = process.env.DATABASE_URL
      ? await createScratchDatabase(process.env.DATABASE_URL)
      : undefined;
    const env: Record<string, string> = scratch ? { DATABASE_URL: scratch.url } : {};
    try {
      const first = startDemoProcess(env);
      await first.syncing;
      await new Promise((r) => setTimeout(r, 1_000)); // a second into reading Contoso (a 1,000-user tenant)
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));

      const demo = await startDemo(
        loadConfig({ TENANTSCOPE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }),
        { host: '127.0.0.1', port: 0 },
      );
      try {
        const read = () =>
          withWorkspace(demo.runtime.database.db, demo.workspaceId, async (tx) => ({
            snapshots: await tx.selectFrom('snapshots').select(['tenant_id', 'status']).execute(),
            chunksOfUnfinished: await tx
              .selectFrom('snapshot_chunks')
              .select('seq')
              .where(
                'snapshot_id',
                'in',
                tx.selectFrom('snapshots').select('id').where('status', '!=', 'complete'),
              )
              .execute(),
            running: await tx.selectFrom('sync_runs').select('id').where('status', '=', 'running').execute(),
          }));
        const deadline = Date.now() + 90_000;
        let state = await read();
        while (Date.now() < deadline) {
          state = await read();
          const complete = new Set(
            state.snapshots.filter((s) => s.status === 'complete').map((s) => s.tenant_id),
          );
          if (complete.size === demo.tenants.length && state.running.length === 0) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        const complete = state.snapshots.filter((s) => s.status === 'complete');
        expect(new Set(complete.map((s) => s.tenant_id)).size).toBe(2);
        expect(state.snapshots.filter((s) => s.status === 'collecting')).toEqual([]);
        // the kill did land mid-sync: that snapshot was found unfinished and abandoned on restart
        expect(state.snapshots.filter((s) => s.status === 'abandoned').length).toBeGreaterThan(0);
        expect(state.chunksOfUnfinished).toEqual([]);
        expect(state.running).toEqual([]);
      } finally {
        await demo.close();
      }
    } finally {
      await scratch?.drop();
    }
  }, 150_000);
});
