import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linkTokenHash, newLinkToken } from '../src/auth/password-reset-service.ts';
import { sessionIdOf } from '../src/auth/session-tokens.ts';
import { openSession } from '../src/auth/sign-in-service.ts';
import { base32Decode, hotp, totpStep } from '../src/auth/totp.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { newId } from '../src/platform/ids.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { listAudit } from '../src/workspaces/audit-repo.ts';
import { freshIp, type Harness, openHarness } from './api-harness.ts';

/**
 * The signed-in person's own account: changing the password, new recovery codes, and the list of
 * signed-in devices (src/auth/account-service.ts, src/present/http/account-routes.ts).
 */
const PASSWORD = 'account suite password 7781';
const NEW_PASSWORD = 'account suite renewed passphrase';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

let h: Harness;
let wsA: string;
let wsB: string;
const cookies: string[] = [];
const resetTokens: string[] = [];
const recoveryCodesSeen: string[] = [];

interface Browser {
  ip: string;
  cookie: string;
  csrf: string;
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

/** A signed-in browser: its cookie and CSRF token follow a password change (the cookie is renamed). */
async function signIn(email: string, password = PASSWORD, ua = CHROME_WINDOWS, extra = {}): Promise<Browser> {
  const ip = freshIp();
  const res = await h.inject({
    method: 'POST',
    url: '/api/session',
    remoteAddress: ip,
    headers: { 'user-agent': ua },
    payload: { email, password, ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
  const b: Browser = {
    ip,
    cookie: res.cookies.find((c) => c.name === 'ts_session')!.value,
    csrf: res.json().csrfToken,
    call: (method, url, body, headers = {}) =>
      h.inject({
        method: method as 'GET',
        url,
        remoteAddress: ip,
        cookies: { ts_session: b.cookie },
        headers: { 'x-csrf-token': b.csrf, 'user-agent': ua, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  };
  cookies.push(b.cookie);
  return b;
}

const signInStatus = async (email: string, password: string, extra = {}) => {
  const res = await h.inject({
    method: 'POST',
    url: '/api/session',
    remoteAddress: freshIp(),
    payload: { email, password, ...extra },
  });
  return res.statusCode === 200 ? 200 : res.json().code;
};

async function auditOf(workspaceId: string, action: string) {
  const entries = await withWorkspace(h.database.db, workspaceId, (tx) => listAudit(tx, 500));
  return entries.filter((e) => e.action === action);
}

/** A reset link for the person as the emailed one would be (only its hash is stored). */
async function resetLinkFor(userId: string, email: string): Promise<string> {
  const token = newLinkToken();
  resetTokens.push(token);
  const now = h.clock.now();
  await withSystem(h.database.db, (tx) =>
    tx
      .insertInto('password_resets')
      .values({
        id: newId(),
        token_hash: linkTokenHash(token),
        email_hash: createHash('sha256').update(email).digest('hex'),
        user_id: userId,
        requested_ip: '10.9.9.9',
        created_at: now,
        expires_at: new Date(now.getTime() + 30 * 60_000),
      })
      .execute(),
  );
  return token;
}

/** Turns two-step sign-in on for a signed-in browser; returns the secret. */
async function enrol(b: Browser): Promise<Buffer> {
  const started = await b.call('POST', '/api/me/totp');
  expect(started.statusCode, started.body).toBe(200);
  const secret = base32Decode(started.json().secret);
  const confirmed = await b.call('POST', '/api/me/totp/confirm', {
    code: hotp(secret, totpStep(h.clock.now())),
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  recoveryCodesSeen.push(...confirmed.json().recoveryCodes);
  // the next code is of a later step: the confirming one is spent
  h.clock.advance(30_000);
  return secret;
}
const codeOf = (secret: Buffer) => hotp(secret, totpStep(h.clock.now()));

let patId: string;
beforeAll(async () => {
  h = await openHarness({ keks: [generateKey()] });
  wsA = await h.workspace('acct-a');
  wsB = await h.workspace('acct-b');
  patId = await h.person('pat@example.com', PASSWORD, [
    { workspaceId: wsA, role: 'owner' },
    { workspaceId: wsB, role: 'reports' },
  ]);
  await h.person('olga@example.com', PASSWORD, [{ workspaceId: wsA, role: 'admin' }]);
  await h.person('lee@example.com', PASSWORD, [{ workspaceId: wsA, role: 'reports' }]);
  await h.person('tom@example.com', PASSWORD, [{ workspaceId: wsA, role: 'reports' }]);
  await h.person('rae@example.com', PASSWORD, [{ workspaceId: wsA, role: 'reports' }]);
});
afterAll(async () => {
  h.assertNoSecrets([PASSWORD, NEW_PASSWORD, ...resetTokens, ...cookies.map(sessionIdOf)]);
  await h.close();
});

describe('signed-in devices', () => {
  test('lists the live sessions with a device label and a public id, the current one marked', async () => {
    const chrome = await signIn('olga@example.com', PASSWORD, CHROME_WINDOWS);
    const firefox = await signIn('olga@example.com', PASSWORD, FIREFOX_LINUX);
    await signIn('pat@example.com');
    const res = await chrome.call('GET', '/api/me/sessions');
    expect(res.statusCode, res.body).toBe(200);
    const sessions = res.json().sessions as { id: string; device: string; current: boolean }[];
    expect(sessions.map((s) => [s.device, s.current]).sort()).toEqual([
      ['Chrome on Windows', true],
      ['Firefox on Linux', false],
    ]);
    expect(sessions[0]).toMatchObject({ signedInFrom: expect.any(String), lastSeenAt: expect.any(String) });
    for (const s of sessions) {
      expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(s.id).not.toBe(sessionIdOf(chrome.cookie));
    }
    expect(res.body).not.toContain(chrome.cookie);
    expect(res.body).not.toContain(firefox.cookie);
    // the raw User-Agent is not stored, only the label
    const stored = await withSystem(h.database.db, (tx) => tx.selectFrom('sessions').selectAll().execute());
    expect(JSON.stringify(stored)).not.toContain('Gecko/20100101');
  });

  test('an ended (idle) session is not listed', async () => {
    const idle = await signIn('lee@example.com', PASSWORD, FIREFOX_LINUX);
    h.clock.advance(13 * 3_600_000);
    const fresh = await signIn('lee@example.com', PASSWORD, CHROME_WINDOWS);
    const sessions = (await fresh.call('GET', '/api/me/sessions')).json().sessions;
    expect(sessions.map((s: { device: string }) => s.device)).toEqual(['Chrome on Windows']);
    expect((await idle.call('GET', '/api/me')).statusCode).toBe(401);
  });

  test('ending another of one’s own sessions signs it out, audited with the person and address', async () => {
    const here = await signIn('olga@example.com', PASSWORD, CHROME_WINDOWS);
    const there = await signIn('olga@example.com', PASSWORD, FIREFOX_LINUX);
    const before = (await here.call('GET', '/api/me/sessions')).json().sessions;
    const target = before.find(
      (s: { current: boolean; device: string }) => !s.current && s.device === 'Firefox on Linux',
    );
    const res = await here.call('DELETE', `/api/me/sessions/${target.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await there.call('GET', '/api/me')).json().code).toBe('TS_ERR_UNAUTHENTICATED');
    expect((await here.call('GET', '/api/me')).statusCode).toBe(200);
    const after = (await here.call('GET', '/api/me/sessions')).json().sessions;
    expect(after.map((s: { id: string }) => s.id)).not.toContain(target.id);
    const [entry] = await auditOf(wsA, 'session.ended_elsewhere');
    const olgaId = (await here.call('GET', '/api/me')).json().person.id;
    expect(entry).toMatchObject({ actor: olgaId, ip: here.ip });
    expect(entry!.detail).toEqual({ device: 'Firefox on Linux' });
    // ending it again: it is gone
    expect((await here.call('DELETE', `/api/me/sessions/${target.id}`)).statusCode).toBe(404);
  });

  test('the current session cannot end itself this way; sign-out is for that', async () => {
    const here = await signIn('olga@example.com');
    const mine = (await here.call('GET', '/api/me/sessions'))
      .json()
      .sessions.find((s: { current: boolean }) => s.current);
    const res = await here.call('DELETE', `/api/me/sessions/${mine.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TS_ERR_SESSION_CURRENT' });
    expect((await here.call('GET', '/api/me')).statusCode).toBe(200);
  });

  test('another person’s session id, or an unknown one, is not found and stays signed in', async () => {
    const olga = await signIn('olga@example.com');
    const pat = await signIn('pat@example.com');
    const patsId = (await pat.call('GET', '/api/me/sessions'))
      .json()
      .sessions.find((s: { current: boolean }) => s.current).id;
    const res = await olga.call('DELETE', `/api/me/sessions/${patsId}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('TS_ERR_NOT_FOUND');
    expect((await pat.call('GET', '/api/me')).statusCode).toBe(200);
    expect((await olga.call('DELETE', `/api/me/sessions/${newId()}`)).statusCode).toBe(404);
    expect((await olga.call('DELETE', '/api/me/sessions/not-a-uuid')).json().code).toBe('TS_ERR_VALIDATION');
  });

  test('ending a session without the CSRF token is refused', async () => {
    const here = await signIn('olga@example.com');
    const there = await signIn('olga@example.com', PASSWORD, FIREFOX_LINUX);
    const other = (await here.call('GET', '/api/me/sessions'))
      .json()
      .sessions.find((s: { current: boolean }) => !s.current);
    const res = await here.call('DELETE', `/api/me/sessions/${other.id}`, undefined, { 'x-csrf-token': '' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('TS_ERR_CSRF');
    expect((await there.call('GET', '/api/me')).statusCode).toBe(200);
  });
});

describe('changing the password while signed in', () => {
  test('without the CSRF token is refused, and nothing changes', async () => {
    const pat = await signIn('pat@example.com');
    const res = await pat.call(
      'POST',
      '/api/me/password',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      { 'x-csrf-token': 'forged' },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('TS_ERR_CSRF');
    expect(await signInStatus('pat@example.com', PASSWORD)).toBe(200);
  });

  test.each([
    ['too short', 'short one', 'TS_ERR_PASSWORD_POLICY'],
    ['the same as the current one', PASSWORD, 'TS_ERR_PASSWORD_POLICY'],
  ])('a new password %s is refused with its rule', async (_what, newPassword, code) => {
    const pat = await signIn('pat@example.com');
    const res = await pat.call('POST', '/api/me/password', { currentPassword: PASSWORD, newPassword });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    expect((await pat.call('GET', '/api/me')).statusCode).toBe(200);
  });

  test('a wrong current password is refused, counted and audited as a failed sign-in', async () => {
    const pat = await signIn('pat@example.com');
    const before = (await auditOf(wsA, 'session.sign_in_failed')).length;
    const res = await pat.call('POST', '/api/me/password', {
      currentPassword: 'not my password',
      newPassword: NEW_PASSWORD,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TS_ERR_CURRENT_PASSWORD_WRONG');
    expect((await pat.call('GET', '/api/me')).statusCode).toBe(200);
    expect(await auditOf(wsA, 'session.sign_in_failed')).toHaveLength(before + 1);
    expect(await signInStatus('pat@example.com', PASSWORD)).toBe(200);
  });

  test('succeeds: other sessions end, this one continues under a new cookie, reset links die, a notice is queued, audited', async () => {
    const here = await signIn('pat@example.com', PASSWORD, CHROME_WINDOWS);
    const phone = await signIn('pat@example.com', PASSWORD, FIREFOX_LINUX);
    const link = await resetLinkFor(patId, 'pat@example.com');
    const myId = (await here.call('GET', '/api/me/sessions'))
      .json()
      .sessions.find((s: { current: boolean }) => s.current).id;
    const others = (await here.call('GET', '/api/me/sessions')).json().sessions.length - 1;
    expect(others).toBeGreaterThanOrEqual(1);
    const oldCookie = here.cookie;

    const res = await here.call('POST', '/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().otherSessionsEnded).toBe(others);
    const renamed = res.cookies.find((c) => c.name === 'ts_session');
    expect(renamed?.httpOnly).toBe(true);
    expect(renamed?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(renamed?.value).not.toBe(oldCookie);
    expect(res.json().csrfToken).not.toBe(here.csrf);

    // a copy of the old cookie opens nothing; the new one is the same session (same public id)
    expect((await here.call('GET', '/api/me')).json().code).toBe('TS_ERR_UNAUTHENTICATED');
    here.cookie = renamed!.value;
    here.csrf = res.json().csrfToken;
    cookies.push(here.cookie);
    const now = (await here.call('GET', '/api/me/sessions')).json().sessions;
    expect(now).toEqual([expect.objectContaining({ id: myId, current: true, device: 'Chrome on Windows' })]);
    expect((await phone.call('GET', '/api/me')).json().code).toBe('TS_ERR_UNAUTHENTICATED');
    // the new CSRF token works for writes
    expect((await here.call('PUT', '/api/session/workspace', { workspaceId: wsB })).statusCode).toBe(200);

    expect(await signInStatus('pat@example.com', PASSWORD)).toBe('TS_ERR_SIGNIN_FAILED');
    expect(await signInStatus('pat@example.com', NEW_PASSWORD)).toBe(200);

    const confirm = await h.inject({
      method: 'POST',
      url: '/api/password-reset/confirm',
      remoteAddress: freshIp(),
      payload: { token: link, password: 'someone else chose this' },
    });
    expect(confirm.statusCode).toBe(400);
    expect(confirm.json().code).toBe('TS_ERR_RESET_TOKEN_INVALID');

    const outbox = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('email_outbox').selectAll().where('kind', '=', 'passwordChanged').execute(),
    );
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      to_address: 'pat@example.com',
      workspace_id: null,
      secret_ciphertext: null,
    });
    const content = JSON.stringify(outbox[0]!.content);
    expect(content).toContain('Your password was changed');
    expect(content).toContain('http://127.0.0.1:3000/forgot-password');
    expect(content).not.toContain(NEW_PASSWORD);

    for (const ws of [wsA, wsB]) {
      const [entry] = await auditOf(ws, 'session.password_changed');
      expect(entry).toMatchObject({ actor: patId, ip: here.ip });
      expect(entry!.detail).toMatchObject({ otherSessionsEnded: others, resetLinksCancelled: 1 });
    }
  });

  test('five wrong current passwords lock the account, as at sign-in; the right one then waits too', async () => {
    const lee = await signIn('lee@example.com');
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1)
      codes.push(
        (
          await lee.call('POST', '/api/me/password', {
            currentPassword: `guess ${i}`,
            newPassword: NEW_PASSWORD,
          })
        ).json().code,
      );
    expect(codes).toEqual([...Array(5).fill('TS_ERR_CURRENT_PASSWORD_WRONG'), 'TS_ERR_SIGNIN_LOCKED']);
    const right = await lee.call('POST', '/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('TS_ERR_SIGNIN_LOCKED');
    expect(await signInStatus('lee@example.com', PASSWORD)).toBe('TS_ERR_SIGNIN_LOCKED');
    h.clock.advance(31_000);
    expect(
      (await lee.call('POST', '/api/me/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }))
        .statusCode,
    ).toBe(200);
  });

  test('is rate limited per address like sign-in: the 11th try in a minute is refused', async () => {
    const olga = await signIn('olga@example.com');
    const codes: number[] = [];
    // a too-short new password touches no lockout: only the rate limit can refuse these
    for (let i = 0; i < 11; i += 1)
      codes.push(
        (await olga.call('POST', '/api/me/password', { currentPassword: PASSWORD, newPassword: 'short' }))
          .statusCode,
      );
    expect(codes).toEqual([...Array(10).fill(400), 429]);
  });

  test('a person without a password (Microsoft sign-in only) is told so', async () => {
    const mina = await withSystem(h.database.db, async (tx) => {
      const id = newId();
      await tx
        .insertInto('users')
        .values({ id, email: 'mina@example.com', display_name: null, password_hash: null })
        .execute();
      return id;
    });
    await withWorkspace(h.database.db, wsA, (tx) =>
      tx.insertInto('memberships').values({ workspace_id: wsA, user_id: mina, role: 'reports' }).execute(),
    );
    const opened = await openSession(
      { db: h.database.db, clock: h.clock },
      { id: mina, email: 'mina@example.com', displayName: null },
      { ip: '10.8.8.8' },
    );
    cookies.push(opened.token);
    const me = await h.inject({ method: 'GET', url: '/api/me', cookies: { ts_session: opened.token } });
    const res = await h.inject({
      method: 'POST',
      url: '/api/me/password',
      remoteAddress: '10.8.8.8',
      cookies: { ts_session: opened.token },
      headers: { 'x-csrf-token': me.json().csrfToken },
      payload: { currentPassword: 'anything at all', newPassword: NEW_PASSWORD },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('TS_ERR_PASSWORD_NOT_SET');
  });

  test('with two-step sign-in on, a current code is needed too', async () => {
    const tom = await signIn('tom@example.com');
    const secret = await enrol(tom);
    const change = (extra: object) =>
      tom.call('POST', '/api/me/password', {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
        ...extra,
      });
    expect((await change({})).json().code).toBe('TS_ERR_SECOND_FACTOR_REQUIRED');
    const wrong = codeOf(secret) === '000000' ? '111111' : '000000';
    expect((await change({ totpCode: wrong })).json().code).toBe('TS_ERR_SECOND_FACTOR_INVALID');
    expect(await signInStatus('tom@example.com', PASSWORD, { totpCode: codeOf(secret) })).toBe(200);
    h.clock.advance(30_000);
    const ok = await change({ totpCode: codeOf(secret) });
    expect(ok.statusCode, ok.body).toBe(200);
    // two-step sign-in stays on
    h.clock.advance(30_000);
    expect(await signInStatus('tom@example.com', NEW_PASSWORD)).toBe('TS_ERR_SECOND_FACTOR_REQUIRED');
  });
});

describe('new recovery codes', () => {
  test('are refused when two-step sign-in is off', async () => {
    const olga = await signIn('olga@example.com');
    const res = await olga.call('POST', '/api/me/totp/recovery-codes', { totpCode: '123456' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('TS_ERR_SECOND_FACTOR_STATE');
  });

  test('need a current app code (not a recovery code); the old codes stop working; audited', async () => {
    const rae = await signIn('rae@example.com');
    const secret = await enrol(rae);
    const old = recoveryCodesSeen.slice(-10);
    const renew = (body: object, headers?: Record<string, string>) =>
      rae.call('POST', '/api/me/totp/recovery-codes', body, headers);

    expect((await renew({ totpCode: codeOf(secret) }, { 'x-csrf-token': 'x' })).json().code).toBe(
      'TS_ERR_CSRF',
    );
    expect((await renew({})).json().code).toBe('TS_ERR_VALIDATION');
    expect((await renew({ totpCode: old[0]! })).json().code).toBe('TS_ERR_SECOND_FACTOR_INVALID');
    const wrong = codeOf(secret) === '000000' ? '111111' : '000000';
    expect((await renew({ totpCode: wrong })).json().code).toBe('TS_ERR_SECOND_FACTOR_INVALID');

    const res = await renew({ totpCode: codeOf(secret) });
    expect(res.statusCode, res.body).toBe(200);
    const fresh = res.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    for (const c of fresh) expect(old).not.toContain(c);
    expect((await rae.call('GET', '/api/me/totp')).json()).toEqual({ enabled: true, recoveryCodesLeft: 10 });

    expect(await signInStatus('rae@example.com', PASSWORD, { recoveryCode: old[1]! })).toBe(
      'TS_ERR_SECOND_FACTOR_INVALID',
    );
    expect(await signInStatus('rae@example.com', PASSWORD, { recoveryCode: fresh[0]! })).toBe(200);
    const [entry] = await auditOf(wsA, 'session.totp_recovery_codes_renewed');
    expect(entry).toMatchObject({ ip: rae.ip });
    expect(JSON.stringify(entry)).not.toContain(fresh[1]!);
  });

  test('wrong codes count toward the lockout', async () => {
    const tom = await signIn('tom@example.com', NEW_PASSWORD, CHROME_WINDOWS, {
      recoveryCode: recoveryCodesSeen[0]!,
    });
    h.clock.advance(3_600_000); // a fresh lockout window for tom
    await tom.call('GET', '/api/me');
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1)
      codes.push((await tom.call('POST', '/api/me/totp/recovery-codes', { totpCode: '99999a' })).json().code);
    expect(codes).toEqual([...Array(5).fill('TS_ERR_SECOND_FACTOR_INVALID'), 'TS_ERR_SIGNIN_LOCKED']);
  });
});
