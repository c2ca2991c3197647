import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mailerDepsFor } from '../src/delivery/mailer-deps.ts';
import { type Jobs, startJobs } from '../src/jobs/job-queue.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { freshIp, type Harness, openHarness } from './api-harness.ts';
import { linkIn, startTestSmtp, type TestSmtp } from './delivery-smtp.ts';

const PASSWORD = 'reset suite old password';
const NEW_PASSWORD = 'reset suite new password!';
const keks = [generateKey()];
let h: Harness;
let smtp: TestSmtp;
let jobs: Jobs | undefined;
let wsA: string;
let wsB: string;
const tokens: string[] = [];
const jobLines: string[] = [];

beforeAll(async () => {
  smtp = await startTestSmtp();
  h = await openHarness({
    keks,
    emails: { queuePending: async () => (jobs ? jobs.queuePendingEmails() : 0) },
  });
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _e, done) {
        jobLines.push(String(chunk));
        done();
      },
    }),
  });
  jobs = await startJobs({
    database: h.database,
    logger,
    worker: true,
    sync: { db: h.database.db, clock: h.clock, logger, vault: createVault(keks) },
    email: {
      mailer: mailerDepsFor(
        { db: h.database.db, logger, keks },
        { mail: { smtp: smtp.settings(), from: 'Tenantscope <no-reply@ts.test>' } },
      ),
    },
  });
  wsA = await h.workspace('alpha');
  wsB = await h.workspace('beta');
  await h.person('forgetful@example.com', PASSWORD, [
    { workspaceId: wsA, role: 'admin' },
    { workspaceId: wsB, role: 'reports' },
  ]);
}, 60_000);
afterAll(async () => {
  await jobs?.stop();
  h?.assertNoSecrets([PASSWORD, NEW_PASSWORD, ...tokens]);
  for (const token of tokens) expect(jobLines.join('')).not.toContain(token);
  await smtp?.close();
  await h?.close();
}, 60_000);

const ask = (email: string, ip = freshIp()) =>
  h.inject({ method: 'POST', url: '/api/password-reset', remoteAddress: ip, payload: { email } });
const confirm = (token: string, password: string) =>
  h.inject({
    method: 'POST',
    url: '/api/password-reset/confirm',
    remoteAddress: freshIp(),
    payload: { token, password },
  });
const mailsTo = (email: string) => smtp.received.filter((m) => m.envelopeTo[0] === email);

async function waitForMails(email: string, n: number): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  while (mailsTo(email).length < n && Date.now() < deadline)
    await smtp.waitFor(smtp.received.length + 1, 2_000).catch(() => {});
  const links = mailsTo(email).map((m) => linkIn(m.mail, 'reset-password'));
  tokens.push(...links.map((l) => l.split('/').pop()!));
  return links;
}

describe('asking for a link', () => {
  test('a known and an unknown email get the same answer; only the account holder gets an email', async () => {
    const known = await ask('Forgetful@Example.com');
    const unknown = await ask('nobody@example.com');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    const [link] = await waitForMails('forgetful@example.com', 1);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/reset-password\/[A-Za-z0-9_-]{43}$/);
    const mail = mailsTo('forgetful@example.com')[0]!.mail;
    expect(mail.subject).toBe('Tenantscope: Reset your password');
    expect(mail.html).toContain(`href="${link}"`);
    // a decoy row for the unknown email (same work), but no message for it
    const rows = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('password_resets').select(['user_id', 'token_hash']).execute(),
    );
    expect(rows.map((r) => r.user_id === null).sort()).toEqual([false, true]);
    expect(JSON.stringify(rows)).not.toContain(link!.split('/').pop());
    const outbox = await withSystem(h.database.db, (tx) =>
      tx.selectFrom('email_outbox').select('to_address').execute(),
    );
    expect(outbox.map((r) => r.to_address)).toEqual(['forgetful@example.com']);
  });

  test('at most three emails per address typed in 15 minutes, whatever the client address', async () => {
    const before = mailsTo('forgetful@example.com').length;
    const answers = new Set<string>();
    for (let i = 0; i < 4; i++) answers.add((await ask('forgetful@example.com')).body);
    expect(answers.size).toBe(1);
    // one was asked in the test before: two more are sent, the rest change nothing
    await waitForMails('forgetful@example.com', before + 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailsTo('forgetful@example.com').length).toBe(before + 2);
  });

  test('asking is rate limited per client address', async () => {
    const ip = freshIp();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await ask(`stranger${i}@example.com`, ip)).statusCode);
    expect(codes).toEqual([202, 202, 202, 202, 202, 429]);
  });
});

describe('choosing the new password', () => {
  test('ends every session, clears the lockout, audits each workspace, and works once', async () => {
    const session = await h.signIn('forgetful@example.com', PASSWORD);
    // lock the account with wrong guesses
    for (let i = 0; i < 5; i++)
      await h.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: freshIp(),
        payload: { email: 'forgetful@example.com', password: 'wrong guess password' },
      });
    const locked = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      payload: { email: 'forgetful@example.com', password: PASSWORD },
    });
    expect(locked.json().code).toBe('TS_ERR_SIGNIN_LOCKED');

    const links = await waitForMails('forgetful@example.com', 1);
    const token = links[links.length - 1]!.split('/').pop()!;
    const short = await confirm(token, 'short');
    expect(short.json().code).toBe('TS_ERR_PASSWORD_POLICY');
    const done = await confirm(token, NEW_PASSWORD);
    expect(done.statusCode, done.body).toBe(204);

    expect((await session.request('GET', '/api/me')).statusCode).toBe(401);
    const old = await h.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: freshIp(),
      payload: { email: 'forgetful@example.com', password: PASSWORD },
    });
    expect(old.json().code).toBe('TS_ERR_SIGNIN_FAILED');
    await h.signIn('forgetful@example.com', NEW_PASSWORD);

    expect((await confirm(token, NEW_PASSWORD)).json().code).toBe('TS_ERR_RESET_TOKEN_INVALID');
    // the other links sent earlier died with it
    for (const other of links.slice(0, -1))
      expect((await confirm(other.split('/').pop()!, NEW_PASSWORD)).json().code).toBe(
        'TS_ERR_RESET_TOKEN_INVALID',
      );

    for (const ws of [wsA, wsB]) {
      const audit = await withWorkspace(h.database.db, ws, (tx) =>
        tx
          .selectFrom('audit_log')
          .select(['action', 'ip'])
          .where('action', '=', 'session.password_reset')
          .execute(),
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]!.ip).not.toBeNull();
    }
  });

  test('a link older than 30 minutes no longer works', async () => {
    await h.person('slow@example.com', PASSWORD, [{ workspaceId: wsA, role: 'reports' }]);
    await ask('slow@example.com');
    const [link] = await waitForMails('slow@example.com', 1);
    h.clock.advance(31 * 60_000);
    expect((await confirm(link!.split('/').pop()!, NEW_PASSWORD)).json().code).toBe(
      'TS_ERR_RESET_TOKEN_INVALID',
    );
  });

  test('a malformed or unknown token is refused alike', async () => {
    for (const token of ['x', 'C'.repeat(43)])
      expect((await confirm(token, NEW_PASSWORD)).json().code).toBe('TS_ERR_RESET_TOKEN_INVALID');
  });
});
