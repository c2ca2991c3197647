import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningDemo, startDemo } from '../src/cli/commands/demo.ts';
import { trustingFetch } from '../src/emulator/server/test-clients.ts';
import { loadConfig } from '../src/platform/config.ts';
import { verifyPassword } from '../src/platform/passwords.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { findPersonByEmail } from '../src/workspaces/workspace-repo.ts';
import { submitSignIn } from './connect-helpers.ts';
import { createScratchDatabase } from './helpers/database.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantscope-demo-'));
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

beforeAll(async () => {
  if (process.env.DATABASE_URL) scratch = await createScratchDatabase(process.env.DATABASE_URL);
});
afterAll(async () => {
  await scratch?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function demoConfig(extra: Record<string, string> = {}) {
  return loadConfig({
    TENANTSCOPE_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    ...extra,
  });
}

describe('tenantscope demo', () => {
  test('started twice on the same data leaves one demo workspace and one owner; the password shows once', async () => {
    const first = await startDemo(demoConfig(), { host: '127.0.0.1', port: 0 });
    const password = first.newPassword;
    const health = await fetch(`${first.url}/readyz`).then((r) => r.json());
    await first.close();
    expect(health).toMatchObject({ status: 'ready' });
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);

    const second = await startDemo(demoConfig(), { host: '127.0.0.1', port: 0 });
    try {
      expect(second.newPassword).toBeUndefined();
      const counts = await withSystem(second.runtime.database.db, async (tx) => ({
        workspaces: (await tx.selectFrom('workspaces').select('id').where('slug', '=', 'demo').execute())
          .length,
        people: (await tx.selectFrom('users').select('id').execute()).length,
        memberships: (await tx.selectFrom('memberships').select('role').execute()).map((m) => m.role),
      }));
      expect(counts).toEqual({ workspaces: 1, people: 1, memberships: ['owner'] });
      const owner = await withSystem(second.runtime.database.db, (tx) =>
        findPersonByEmail(tx, second.ownerEmail),
      );
      expect(await verifyPassword(owner!.passwordHash!, password!)).toBe(true);
    } finally {
      await second.close();
    }
  });

  test('the demo tenants are connected and their first syncs complete within a minute', async () => {
    const demo = await startDemo(demoConfig(), { host: '127.0.0.1', port: 0 });
    try {
      expect(demo.tenants.map((t) => t.displayName)).toEqual(['Contoso', 'Fabrikam']);
      const deadline = Date.now() + 60_000;
      let done: { tenant_id: string; status: string }[] = [];
      while (Date.now() < deadline) {
        done = await withWorkspace(demo.runtime.database.db, demo.workspaceId, (tx) =>
          tx
            .selectFrom('snapshots')
            .select(['tenant_id', 'status'])
            .where('status', '=', 'complete')
            .execute(),
        );
        if (new Set(done.map((d) => d.tenant_id)).size === 2) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(new Set(done.map((d) => d.tenant_id))).toEqual(new Set(demo.tenants.map((t) => t.id)));
    } finally {
      await demo.close();
    }
  }, 90_000);

  test('TENANTSCOPE_DEMO_EMAIL and TENANTSCOPE_DEMO_PASSWORD fix the owner credentials, and a new password replaces the old', async () => {
    const demo = await startDemo(
      demoConfig({
        TENANTSCOPE_DEMO_EMAIL: 'Lead@Example.com',
        TENANTSCOPE_DEMO_PASSWORD: 'a-long-chosen-password',
      }),
      {
        host: '127.0.0.1',
        port: 0,
      },
    );
    try {
      expect(demo.ownerEmail).toBe('lead@example.com');
      expect(demo.newPassword).toBe('a-long-chosen-password');
      const owner = await withSystem(demo.runtime.database.db, (tx) =>
        findPersonByEmail(tx, 'lead@example.com'),
      );
      expect(await verifyPassword(owner!.passwordHash!, 'a-long-chosen-password')).toBe(true);
      await linkAndSignInWithMicrosoft(demo, 'a-long-chosen-password');
    } finally {
      await demo.close();
    }
    const again = await startDemo(
      demoConfig({
        TENANTSCOPE_DEMO_EMAIL: 'lead@example.com',
        TENANTSCOPE_DEMO_PASSWORD: 'a-long-chosen-password',
      }),
      {
        host: '127.0.0.1',
        port: 0,
      },
    );
    await again.close();
    expect(again.newPassword).toBeUndefined(); // unchanged, so not printed again
  }, 90_000);

  test('the embedded data dir cannot be opened by two processes at once', async () => {
    if (scratch) return expect(scratch.url).toContain('ts_test_'); // PostgreSQL runs: the lock guards only the embedded database
    const first = await startDemo(demoConfig(), { host: '127.0.0.1', port: 0 });
    try {
      fs.writeFileSync(path.join(dataDir, 'tenantscope.pid'), '1\n'); // pid 1 is always alive
      const error = await startDemo(demoConfig(), { host: '127.0.0.1', port: 0 }).catch(
        (e: { code?: string }) => e,
      );
      expect(error).toMatchObject({ code: 'TS_ERR_DATA_DIR_LOCKED' });
    } finally {
      await first.close();
      fs.rmSync(path.join(dataDir, 'tenantscope.pid'), { force: true });
    }
  });
});

/**
 * Sign-in with Microsoft as `npm start` offers it, over real HTTP: the owner signs in with the
 * password, links the emulated administrator the start-up lines name, and then signs in with
 * Microsoft alone. The demo's public URL says port 3000 while this one listens elsewhere, so the
 * redirect back is followed to the address the server really has.
 */
async function linkAndSignInWithMicrosoft(demo: RunningDemo, password: string): Promise<void> {
  const user = demo.microsoftUser!;
  expect(user.upn).toMatch(/@/);
  const ca = fs.readFileSync(demo.runtime.config.extraCaFile!, 'utf8');
  const microsoft = trustingFetch(ca);
  const jar = new Map<string, string>();
  const send = async (method: string, url: string, body?: unknown, csrf?: string) => {
    const res = await fetch(`${demo.url}${url}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (value) jar.set(name!, value);
      else jar.delete(name!);
    }
    return res;
  };
  const atMicrosoft = async (url: string) => {
    const back = await submitSignIn(microsoft, url, { username: user.upn, password: user.password });
    return `${back.location!.pathname}${back.location!.search}`;
  };
  expect(await (await send('GET', '/api/session/options')).json()).toEqual({
    password: true,
    microsoft: true,
  });

  const signedIn = await send('POST', '/api/session', { email: demo.ownerEmail, password });
  const csrf = ((await signedIn.json()) as { csrfToken: string }).csrfToken;
  const started = await send('POST', '/api/me/microsoft', { password }, csrf);
  expect(started.status).toBe(200);
  const linked = await send('GET', await atMicrosoft(((await started.json()) as { url: string }).url));
  expect(linked.headers.get('location')).toBe('/settings?microsoft=linked');

  jar.clear();
  const start = await send('GET', '/api/session/microsoft');
  expect(start.status).toBe(302);
  const back = await send('GET', await atMicrosoft(start.headers.get('location')!));
  expect(back.headers.get('location')).toBe('/');
  const me = (await (await send('GET', '/api/me')).json()) as { person: { email: string } };
  expect(me.person.email).toBe(demo.ownerEmail);
}
