import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signIn } from '../src/auth/sign-in-service.ts';
import { ensureDemoWorkspace } from '../src/demo/demo-workspace.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp } from '../src/present/http/app.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { listAudit } from '../src/workspaces/audit-repo.ts';
import { freshIp, type Harness, openHarness } from './api-harness.ts';

const DEMO_PASSWORD = 'demo-owner-password-4711';
const PASSWORD = 'correct horse battery staple';
let h: Harness;
let demoWorkspaceId: string;
let otherWorkspaceId: string;

beforeAll(async () => {
  h = await openHarness();
  const demo = await ensureDemoWorkspace(h.database.db, {
    email: 'Owner@Demo.Tenantscope.Test',
    password: DEMO_PASSWORD,
  });
  demoWorkspaceId = demo.workspace.id;
  otherWorkspaceId = await h.workspace('second');
  await h.person('two@example.com', PASSWORD, [
    { workspaceId: demoWorkspaceId, role: 'reports' },
    { workspaceId: otherWorkspaceId, role: 'admin' },
  ]);
  await h.person('victim@example.com', PASSWORD, [{ workspaceId: demoWorkspaceId, role: 'admin' }]);
});
afterAll(async () => {
  h.assertNoSecrets([DEMO_PASSWORD, PASSWORD]);
  await h.close();
});

const auditActions = async (workspaceId: string) =>
  (await withWorkspace(h.database.db, workspaceId, (tx) => listAudit(tx, 500))).map((e) => ({
    action: e.action,
    actor: e.actor,
    ip: e.ip,
  }));

describe('signing in and out', () => {
  test('the demo owner signs in with the demo email and password, and gets an HTTP-only SameSite cookie', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      payload: { email: 'owner@demo.tenantscope.test', password: DEMO_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'ts_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const body = res.json();
    expect(body.person.email).toBe('owner@demo.tenantscope.test');
    expect(body.workspace).toMatchObject({ id: demoWorkspaceId, slug: 'demo', role: 'owner' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt) - h.clock.now().getTime()).toBe(12 * 3_600_000);
  });

  test('the session is stored only as the SHA-256 of the cookie', async () => {
    const agent = await h.signIn('owner@demo.tenantscope.test', DEMO_PASSWORD);
    const ids = await withSystem(h.database.db, (tx) => tx.selectFrom('sessions').select('id').execute());
    const hashed = createHash('sha256').update(agent.cookie).digest('hex');
    expect(ids.map((r) => r.id)).toContain(hashed);
    expect(ids.map((r) => r.id)).not.toContain(agent.cookie);
  });

  test('over TLS the cookie is Secure and uses the __Host- prefix', async () => {
    const app = await buildApp({
      config: { tls: true, publicUrl: 'https://scope.example.com' },
      database: h.database,
      logger: createLogger({ level: 'silent' }),
      clock: h.clock,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      payload: { email: 'owner@demo.tenantscope.test', password: DEMO_PASSWORD },
    });
    await app.close();
    const cookie = res.cookies.find((c) => c.name === '__Host-ts_session')!;
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, path: '/' });
  });

  test('GET /api/me names the person, their workspaces and their role in the chosen one', async () => {
    const agent = await h.signIn('two@example.com', PASSWORD);
    const res = await agent.request('GET', '/api/me');
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(me.workspace).toMatchObject({ id: demoWorkspaceId, role: 'reports' });
    expect(me.workspaces.map((w: { slug: string; role: string }) => `${w.slug}:${w.role}`)).toEqual([
      'demo:reports',
      'second:admin',
    ]);
    expect(me.csrfToken).toBe(agent.csrfToken);
  });

  test('a person switches to another workspace they belong to, and their role follows', async () => {
    const agent = await h.signIn('two@example.com', PASSWORD);
    const res = await agent.request('PUT', '/api/session/workspace', { workspaceId: otherWorkspaceId });
    expect(res.statusCode).toBe(200);
    expect(res.json().workspace).toMatchObject({ slug: 'second', role: 'admin' });
    expect((await agent.request('GET', '/api/members')).statusCode).toBe(200);
    expect(await auditActions(otherWorkspaceId)).toContainEqual({
      action: 'session.workspace_selected',
      actor: agent.personId,
      ip: agent.ip,
    });
  });

  test('sign-out deletes the session: the same cookie is refused afterwards', async () => {
    const agent = await h.signIn('two@example.com', PASSWORD);
    const out = await agent.request('DELETE', '/api/session');
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'ts_session')?.value).toBe('');
    const after = await agent.request('GET', '/api/me');
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'TS_ERR_UNAUTHENTICATED' });
    const actions = await auditActions(demoWorkspaceId);
    expect(actions).toContainEqual({ action: 'session.signed_in', actor: agent.personId, ip: agent.ip });
    expect(actions).toContainEqual({ action: 'session.signed_out', actor: agent.personId, ip: agent.ip });
  });

  test('signing in again from the same browser replaces its previous session', async () => {
    const first = await h.signIn('two@example.com', PASSWORD);
    const second = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: first.ip,
      cookies: { ts_session: first.cookie },
      payload: { email: 'two@example.com', password: PASSWORD },
    });
    expect(second.statusCode).toBe(200);
    expect((await first.request('GET', '/api/me')).statusCode).toBe(401);
  });

  test('a wrong password and an unknown email get the same answer', async () => {
    const wrong = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      payload: { email: 'two@example.com', password: 'not it' },
    });
    const unknown = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      payload: { email: 'nobody@example.com', password: 'not it' },
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        code: 'TS_ERR_SIGNIN_FAILED',
        message: 'the email or the password is wrong',
      });
      expect(res.cookies).toEqual([]);
    }
  });

  test('requests without a session, or with a made-up one, are refused with 401', async () => {
    expect((await h.inject({ url: '/api/me' })).json()).toMatchObject({
      statusCode: 401,
      code: 'TS_ERR_UNAUTHENTICATED',
    });
    const forged = await h.inject({ url: '/api/me', cookies: { ts_session: 'A'.repeat(43) } });
    expect(forged.statusCode).toBe(401);
  });
});

describe('lockout and rate limits', () => {
  test('five wrong passwords lock the account for 30 s, even against the right password, then it opens', async () => {
    const attempt = (password: string) =>
      h.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: freshIp(),
        payload: { email: 'victim@example.com', password },
      });
    for (let i = 0; i < 5; i++) expect((await attempt('guess')).json().code).toBe('TS_ERR_SIGNIN_FAILED');
    const locked = await attempt(PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'TS_ERR_SIGNIN_LOCKED' });
    expect(locked.headers['retry-after']).toBe('30');
    h.clock.advance(31_000);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    const failures = (await auditActions(demoWorkspaceId)).filter(
      (a) => a.action === 'session.sign_in_failed',
    );
    expect(failures.length).toBeGreaterThanOrEqual(5);
    expect(failures.every((f) => f.ip?.startsWith('10.0.'))).toBe(true);
  });

  test('the lock doubles with each further failure', async () => {
    const ip = freshIp;
    const attempt = (password: string) =>
      signIn(
        { db: h.database.db, clock: h.clock },
        { email: 'ladder@example.com', password, ip: ip() },
      ).catch((e: { code: string; retryAfterSeconds?: number }) => e);
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 8; i++) {
      await attempt('x');
      const locked = (await attempt('x')) as { code: string; retryAfterSeconds?: number };
      waits.push(locked.retryAfterSeconds);
      h.clock.advance((locked.retryAfterSeconds ?? 0) * 1000);
    }
    // failures 1-4 open; the 5th locks 30 s, then 60, 120, 240 (each "locked" probe is refused, not counted)
    expect(waits).toEqual([undefined, undefined, 30, 60, 120, 240, 480, 900]);
  });

  test('twenty failures from one address lock that address for every account', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++)
      await signIn(
        { db: h.database.db, clock: h.clock },
        { email: `spray${i}@example.com`, password: 'x', ip },
      ).catch(() => {});
    const error = await signIn(
      { db: h.database.db, clock: h.clock },
      { email: 'two@example.com', password: PASSWORD, ip },
    ).catch((e: { code: string }) => e);
    expect(error).toMatchObject({ code: 'TS_ERR_SIGNIN_LOCKED' });
    const elsewhere = await signIn(
      { db: h.database.db, clock: h.clock },
      { email: 'two@example.com', password: PASSWORD, ip: freshIp() },
    );
    expect(elsewhere.person.email).toBe('two@example.com');
  });

  test('more than 10 sign-in requests a minute from one address are rate limited', async () => {
    const ip = freshIp();
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await h.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: ip,
        payload: { email: `rate${i}@example.com`, password: 'x' },
      });
      codes.push(res.json().code);
    }
    expect(codes.slice(0, 10).every((c) => c === 'TS_ERR_SIGNIN_FAILED')).toBe(true);
    expect(codes[10]).toBe('TS_ERR_RATE_LIMITED');
  });
});

describe('CSRF', () => {
  test('a state-changing request without the CSRF token is refused, and changes nothing', async () => {
    const agent = await h.signIn('two@example.com', PASSWORD);
    for (const headers of [{ 'x-csrf-token': '' }, { 'x-csrf-token': 'A'.repeat(43) }]) {
      const res = await h.inject({
        method: 'DELETE',
        url: '/api/session',
        remoteAddress: agent.ip,
        cookies: { ts_session: agent.cookie },
        headers,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'TS_ERR_CSRF' });
    }
    expect((await agent.request('GET', '/api/me')).statusCode).toBe(200);
  });

  test("another session's CSRF token does not work", async () => {
    const a = await h.signIn('two@example.com', PASSWORD);
    const b = await h.signIn('two@example.com', PASSWORD);
    const res = await a.request('DELETE', '/api/session', undefined, { 'x-csrf-token': b.csrfToken });
    expect(res.json()).toMatchObject({ code: 'TS_ERR_CSRF' });
  });

  test('a sign-in posted from another site is refused (login CSRF)', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      headers: { origin: 'https://evil.example' },
      payload: { email: 'two@example.com', password: PASSWORD },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'TS_ERR_CSRF' });
    expect(res.cookies).toEqual([]);
  });

  test('the same request from our own origin is accepted', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      headers: { origin: 'http://127.0.0.1:3000' },
      payload: { email: 'two@example.com', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('session lifetime', () => {
  test('a session idle for 12 hours has ended', async () => {
    const agent = await h.signIn('two@example.com', PASSWORD);
    h.clock.advance(12 * 3_600_000 - 60_000);
    expect((await agent.request('GET', '/api/me')).statusCode).toBe(200);
    h.clock.advance(12 * 3_600_000 - 60_000);
    expect((await agent.request('GET', '/api/me')).statusCode).toBe(200);
    h.clock.advance(12 * 3_600_000 + 1);
    const res = await agent.request('GET', '/api/me');
    expect(res.statusCode).toBe(401);
    expect(res.cookies.find((c) => c.name === 'ts_session')?.value).toBe('');
  });

  test('a session in daily use ends 7 days after sign-in', async () => {
    const agent = await h.signIn('two@example.com', PASSWORD);
    for (let hours = 6; hours < 7 * 24; hours += 6) {
      h.clock.advance(6 * 3_600_000);
      expect((await agent.request('GET', '/api/me')).statusCode, `after ${hours} h`).toBe(200);
    }
    h.clock.advance(6 * 3_600_000);
    expect((await agent.request('GET', '/api/me')).statusCode).toBe(401);
  });
});

describe('storage of sign-in state', () => {
  test.each(['sessions', 'sign_in_throttle'])('the application role cannot read %s at all', async (table) => {
    const error = await withWorkspace(h.database.db, demoWorkspaceId, (tx) =>
      sql`SELECT count(*) FROM ${sql.table(table)}`.execute(tx),
    ).catch((e: Error) => e);
    expect(String(error)).toMatch(/permission denied/);
  });
});
