import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { base32Decode, hotp, totpStep } from '../src/auth/totp.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { listAudit } from '../src/workspaces/audit-repo.ts';
import { type Agent, freshIp, type Harness, openHarness } from './api-harness.ts';

const PASSWORD = 'two-step password 9931';
let h: Harness;
let workspaceId: string;
let secret: Buffer;
let secretText: string;
let recoveryCodes: string[];

const codeNow = () => hotp(secret, totpStep(h.clock.now()));
const signInRaw = (email: string, extra: Record<string, string> = {}, ip = freshIp()) =>
  h.inject({
    method: 'POST',
    url: '/api/session',
    remoteAddress: ip,
    payload: { email, password: PASSWORD, ...extra },
  });

beforeAll(async () => {
  h = await openHarness({ keks: [generateKey()] });
  workspaceId = await h.workspace('two-step');
  await h.person('ann@example.com', PASSWORD, [{ workspaceId, role: 'owner' }]);
  await h.person('lock@example.com', PASSWORD, [{ workspaceId, role: 'admin' }]);
});
afterAll(async () => {
  h.assertNoSecrets([PASSWORD]);
  await h.close();
});

async function enrol(agent: Agent): Promise<void> {
  const started = await agent.request('POST', '/api/me/totp');
  expect(started.statusCode, started.body).toBe(200);
  secretText = started.json().secret;
  secret = base32Decode(secretText);
  expect(started.json().otpauthUri).toContain(`secret=${secretText}`);
}

describe('enrolling an authenticator app', () => {
  let ann: Agent;
  beforeAll(async () => {
    ann = await h.signIn('ann@example.com', PASSWORD);
  });

  test('is off until a code from the app confirms it', async () => {
    expect((await ann.request('GET', '/api/me/totp')).json()).toEqual({
      enabled: false,
      recoveryCodesLeft: 0,
    });
    await enrol(ann);
    // Started but unconfirmed: sign-in still needs only the password.
    expect((await signInRaw('ann@example.com')).statusCode).toBe(200);

    const wrong = await ann.request('POST', '/api/me/totp/confirm', {
      code: codeNow() === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('TS_ERR_SECOND_FACTOR_INVALID');

    const confirmed = await ann.request('POST', '/api/me/totp/confirm', { code: codeNow() });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    recoveryCodes = confirmed.json().recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect((await ann.request('GET', '/api/me/totp')).json()).toEqual({
      enabled: true,
      recoveryCodesLeft: 10,
    });
    expect((await ann.request('POST', '/api/me/totp')).json().code).toBe('TS_ERR_SECOND_FACTOR_STATE');
  });

  test('the secret is sealed: the database holds neither it nor the recovery codes', async () => {
    const rows = await withSystem(h.database.db, async (tx) => ({
      totp: await tx.selectFrom('user_totp').selectAll().execute(),
      codes: await tx.selectFrom('user_recovery_codes').selectAll().execute(),
    }));
    const stored = JSON.stringify(rows);
    expect(rows.totp).toHaveLength(1);
    expect(stored).not.toContain(secretText);
    expect(stored).not.toContain(secret.toString('hex'));
    expect(stored).not.toContain(secret.toString('base64url'));
    for (const code of recoveryCodes) expect(stored).not.toContain(code.replace('-', ''));
  });

  test('turning it on is in the audit log', async () => {
    const actions = (await withWorkspace(h.database.db, workspaceId, (tx) => listAudit(tx, 100))).map(
      (e) => e.action,
    );
    expect(actions).toContain('session.totp_enrolment_started');
    expect(actions).toContain('session.totp_enabled');
  });
});

describe('signing in with two-step sign-in on', () => {
  test('a right password alone asks for the code, and does not count as a failure', async () => {
    const res = await signInRaw('ann@example.com');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TS_ERR_SECOND_FACTOR_REQUIRED');
    expect(res.cookies.find((c) => c.name === 'ts_session')).toBeUndefined();
  });

  test('the code that confirmed enrolment cannot be used again; the next one signs in', async () => {
    const replay = await signInRaw('ann@example.com', { totpCode: codeNow() });
    expect(replay.json().code).toBe('TS_ERR_SECOND_FACTOR_INVALID');
    h.clock.advance(30_000);
    const res = await signInRaw('ann@example.com', { totpCode: codeNow() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.cookies.find((c) => c.name === 'ts_session')?.value).toBeTruthy();
  });

  test('a wrong password with a right code still fails as a wrong password', async () => {
    h.clock.advance(30_000);
    const res = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      payload: { email: 'ann@example.com', password: 'not it', totpCode: codeNow() },
    });
    expect(res.json().code).toBe('TS_ERR_SIGNIN_FAILED');
  });

  test('a recovery code works once, in any spelling', async () => {
    const code = recoveryCodes[0]!;
    const first = await signInRaw('ann@example.com', { recoveryCode: ` ${code.toUpperCase()} ` });
    expect(first.statusCode, first.body).toBe(200);
    const again = await signInRaw('ann@example.com', { recoveryCode: code });
    expect(again.json().code).toBe('TS_ERR_SECOND_FACTOR_INVALID');
  });

  test('turning it off needs a current code, then the password alone signs in again', async () => {
    h.clock.advance(30_000);
    const ann = await (async () => {
      const res = await signInRaw('ann@example.com', { totpCode: codeNow() });
      const cookie = res.cookies.find((c) => c.name === 'ts_session')!.value;
      return { cookie, csrf: res.json().csrfToken as string };
    })();
    const off = (payload: object) =>
      h.inject({
        method: 'DELETE',
        url: '/api/me/totp',
        remoteAddress: freshIp(),
        cookies: { ts_session: ann.cookie },
        headers: { 'x-csrf-token': ann.csrf },
        payload,
      });
    expect((await off({})).json().code).toBe('TS_ERR_SECOND_FACTOR_REQUIRED');
    expect((await off({ recoveryCode: recoveryCodes[0]! })).json().code).toBe('TS_ERR_SECOND_FACTOR_INVALID');
    expect((await off({ recoveryCode: recoveryCodes[1]! })).statusCode).toBe(204);
    expect((await signInRaw('ann@example.com')).statusCode).toBe(200);
  });
});

describe('guessing codes', () => {
  test('wrong codes count toward the account lockout like wrong passwords', async () => {
    const lock = await h.signIn('lock@example.com', PASSWORD);
    await enrol(lock);
    expect((await lock.request('POST', '/api/me/totp/confirm', { code: codeNow() })).statusCode).toBe(200);
    const wrong = codeNow() === '123456' ? '654321' : '123456';
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1)
      codes.push((await signInRaw('lock@example.com', { totpCode: wrong })).json().code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('TS_ERR_SECOND_FACTOR_INVALID'));
    expect(codes[5]).toBe('TS_ERR_SIGNIN_LOCKED');
  });
});

test('without the key-encryption key, enrolment fails closed with a clear code', async () => {
  const bare = await openHarness();
  try {
    const ws = await bare.workspace('no-keys');
    await bare.person('nokey@example.com', PASSWORD, [{ workspaceId: ws, role: 'owner' }]);
    const agent = await bare.signIn('nokey@example.com', PASSWORD);
    const res = await agent.request('POST', '/api/me/totp');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('TS_ERR_MASTER_KEY_MISSING');
  } finally {
    await bare.close();
  }
});
