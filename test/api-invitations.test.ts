import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mailerDepsFor } from '../src/delivery/mailer-deps.ts';
import { type Jobs, startJobs } from '../src/jobs/job-queue.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { type Agent, freshIp, type Harness, openHarness } from './api-harness.ts';
import { linkIn, startTestSmtp, type TestSmtp } from './delivery-smtp.ts';

const PASSWORD = 'invitation suite password 2026';
const NEW_PASSWORD = 'a brand new member password';
const keks = [generateKey()];
let h: Harness;
let smtp: TestSmtp;
let jobs: Jobs | undefined;
let wsA: string;
let wsB: string;
let owner: Agent;
let ownerB: Agent;
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
  const mailer = mailerDepsFor(
    { db: h.database.db, logger, keks },
    { mail: { smtp: smtp.settings(), from: 'Tenantscope <no-reply@ts.test>' } },
  );
  jobs = await startJobs({
    database: h.database,
    logger,
    worker: true,
    sync: { db: h.database.db, clock: h.clock, logger, vault: createVault(keks) },
    email: { mailer },
  });
  wsA = await h.workspace('alpha');
  wsB = await h.workspace('beta');
  await h.person('owner-a@example.com', PASSWORD, [{ workspaceId: wsA, role: 'owner' }]);
  await h.person('owner-b@example.com', PASSWORD, [{ workspaceId: wsB, role: 'owner' }]);
  owner = await h.signIn('owner-a@example.com', PASSWORD);
  ownerB = await h.signIn('owner-b@example.com', PASSWORD);
}, 60_000);
afterAll(async () => {
  await jobs?.stop();
  h?.assertNoSecrets([PASSWORD, NEW_PASSWORD, ...tokens]);
  for (const token of tokens) expect(jobLines.join('')).not.toContain(token);
  await smtp?.close();
  await h?.close();
}, 60_000);

/** Invites and waits for the email; returns the token from the link in it. */
async function invite(
  agent: Agent,
  email: string,
  role = 'admin',
): Promise<{ id: string; token: string; link: string }> {
  const to = email.toLowerCase();
  const before = smtp.received.filter((m) => m.envelopeTo[0] === to).length;
  const res = await agent.request('POST', '/api/invitations', { email, role });
  expect(res.statusCode, res.body).toBe(201);
  const deadline = Date.now() + 20_000;
  let mails = smtp.received.filter((m) => m.envelopeTo[0] === to);
  while (mails.length <= before && Date.now() < deadline) {
    await smtp.waitFor(smtp.received.length + 1, 20_000).catch(() => {});
    mails = smtp.received.filter((m) => m.envelopeTo[0] === to);
  }
  const link = linkIn(mails[mails.length - 1]!.mail, 'invite');
  const token = link.split('/').pop()!;
  tokens.push(token);
  return { id: res.json().id, token, link };
}

const accept = (body: Record<string, unknown>, extra: { cookie?: string; csrf?: string } = {}) =>
  h.inject({
    method: 'POST',
    url: '/api/invitations/accept',
    remoteAddress: freshIp(),
    payload: body,
    ...(extra.cookie ? { cookies: { ts_session: extra.cookie } } : {}),
    ...(extra.csrf ? { headers: { 'x-csrf-token': extra.csrf } } : {}),
  });

describe('inviting a new person', () => {
  test('the email names the workspace and the role, and its link makes an account that can sign in', async () => {
    const { link, token, id } = await invite(owner, 'New.Person@Example.com', 'admin');
    expect(link).toBe(`http://127.0.0.1:3000/invite/${token}`);
    const mail = smtp.received.find((m) => m.envelopeTo[0] === 'new.person@example.com')!.mail;
    expect(mail.subject).toBe('Tenantscope: You are invited to Workspace alpha');
    expect(mail.text).toContain('Role: admin');
    expect(mail.html).toContain(`href="${link}"`);

    // the owner sees it pending, its email sent; nothing secret in the list
    // (the row is marked sent just after the SMTP server's answer: wait for it)
    let list = await owner.request('GET', '/api/invitations');
    for (let i = 0; i < 50 && list.json().invitations[0]?.emailStatus !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      list = await owner.request('GET', '/api/invitations');
    }
    expect(list.json().invitations).toEqual([
      expect.objectContaining({ id, email: 'new.person@example.com', role: 'admin', emailStatus: 'sent' }),
    ]);
    // only the hash is stored
    const stored = await withWorkspace(h.database.db, wsA, (tx) =>
      tx.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const short = await accept({ token, password: 'too short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().code).toBe('TS_ERR_PASSWORD_POLICY');
    const ok = await accept({ token, password: NEW_PASSWORD, displayName: 'New Person' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      person: { email: 'new.person@example.com', displayName: 'New Person' },
      workspace: { id: wsA, slug: 'alpha' },
      role: 'admin',
      newAccount: true,
    });
    const newcomer = await h.signIn('new.person@example.com', NEW_PASSWORD);
    expect((await newcomer.request('GET', '/api/me')).json().workspace).toMatchObject({
      id: wsA,
      role: 'admin',
    });

    // single use; the pending list is empty again
    const again = await accept({ token, password: NEW_PASSWORD });
    expect(again.json().code).toBe('TS_ERR_INVITATION_INVALID');
    expect((await owner.request('GET', '/api/invitations')).json().invitations).toEqual([]);

    const audit = (await owner.request('GET', '/api/audit')).json().entries as {
      action: string;
      ip: string | null;
    }[];
    const actions = audit.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.accepted']));
    expect(audit.find((e) => e.action === 'invitation.created')?.ip).toBe(owner.ip);
  });

  test('inviting again replaces the pending invitation: the first link stops working', async () => {
    const first = await invite(owner, 'twice@example.com');
    const second = await invite(owner, 'twice@example.com', 'reports');
    const pending = (await owner.request('GET', '/api/invitations')).json().invitations;
    expect(pending.map((i: { id: string }) => i.id)).toEqual([second.id]);
    expect((await accept({ token: first.token, password: NEW_PASSWORD })).json().code).toBe(
      'TS_ERR_INVITATION_INVALID',
    );
    const ok = await accept({ token: second.token, password: NEW_PASSWORD });
    expect(ok.json()).toMatchObject({ role: 'reports', newAccount: true });
  });

  test('a revoked invitation cannot be accepted, and another workspace cannot revoke it', async () => {
    const { id, token } = await invite(owner, 'revoked@example.com');
    const fromB = await ownerB.request('DELETE', `/api/invitations/${id}`);
    expect(fromB.statusCode).toBe(404);
    expect((await ownerB.request('GET', '/api/invitations')).json().invitations).toEqual([]);
    expect((await owner.request('DELETE', `/api/invitations/${id}`)).statusCode).toBe(204);
    expect((await owner.request('DELETE', `/api/invitations/${id}`)).statusCode).toBe(404);
    expect((await accept({ token, password: NEW_PASSWORD })).json().code).toBe('TS_ERR_INVITATION_INVALID');
  });

  test('an expired invitation cannot be accepted', async () => {
    const { id, token } = await invite(owner, 'late@example.com');
    await withSystem(h.database.db, (tx) =>
      tx
        .updateTable('invitations')
        .set({ expires_at: new Date(h.clock.now().getTime() - 1000) })
        .where('id', '=', id)
        .execute(),
    );
    expect((await accept({ token, password: NEW_PASSWORD })).json().code).toBe('TS_ERR_INVITATION_INVALID');
  });

  test('a malformed or unknown token is refused alike', async () => {
    for (const token of ['x', 'A'.repeat(43), "' OR 1=1 --"])
      expect((await accept({ token, password: NEW_PASSWORD })).json().code).toBe('TS_ERR_INVITATION_INVALID');
  });

  test('a member cannot be invited again', async () => {
    const res = await owner.request('POST', '/api/invitations', {
      email: 'owner-a@example.com',
      role: 'reports',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('TS_ERR_ALREADY_MEMBER');
  });
});

describe('inviting someone who already has an account', () => {
  test('neither signed in nor a password: refused; a wrong password counts as a failed sign-in', async () => {
    const { token } = await invite(owner, 'owner-b@example.com', 'reports');
    const bare = await accept({ token });
    expect(bare.statusCode).toBe(401);
    expect(bare.json().code).toBe('TS_ERR_INVITATION_SIGN_IN_REQUIRED');
    const wrong = await accept({ token, password: 'not the password at all' });
    expect(wrong.json().code).toBe('TS_ERR_SIGNIN_FAILED');
    const counted = await withSystem(h.database.db, (tx) =>
      tx
        .selectFrom('sign_in_throttle')
        .select('failures')
        .where('key', '=', 'account:owner-b@example.com')
        .executeTakeFirst(),
    );
    expect(counted?.failures).toBe(1);
    // the session of another person is no proof
    const other = await accept({ token }, { cookie: owner.cookie, csrf: owner.csrfToken });
    expect(other.json().code).toBe('TS_ERR_INVITATION_SIGN_IN_REQUIRED');
    // that person's own session is, with its CSRF token (and only with it)
    const noCsrf = await accept({ token }, { cookie: ownerB.cookie });
    expect(noCsrf.json().code).toBe('TS_ERR_INVITATION_SIGN_IN_REQUIRED');
    const ok = await accept({ token }, { cookie: ownerB.cookie, csrf: ownerB.csrfToken });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ newAccount: false, role: 'reports', workspace: { id: wsA } });
    const me = (await ownerB.request('GET', '/api/me')).json();
    expect(me.workspaces.map((w: { id: string; role: string }) => [w.id, w.role])).toEqual(
      expect.arrayContaining([
        [wsB, 'owner'],
        [wsA, 'reports'],
      ]),
    );
    // the invitation did not change the password
    await h.signIn('owner-b@example.com', PASSWORD);
  });

  test("that account's password is proof too", async () => {
    await h.person('solo@example.com', PASSWORD, []);
    const { token } = await invite(owner, 'solo@example.com', 'reports');
    const ok = await accept({ token, password: PASSWORD });
    expect(ok.json()).toMatchObject({ newAccount: false, person: { email: 'solo@example.com' } });
  });
});

describe('limits', () => {
  test('accepting is rate limited per address', async () => {
    const ip = freshIp();
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push(
        (
          await h.inject({
            method: 'POST',
            url: '/api/invitations/accept',
            remoteAddress: ip,
            payload: { token: 'B'.repeat(43), password: NEW_PASSWORD },
          })
        ).statusCode,
      );
    expect(codes.slice(0, 10).every((c) => c === 400)).toBe(true);
    expect(codes[10]).toBe(429);
  });

  test('an admin may not invite; nothing is stored or sent', async () => {
    await h.person('admin-a@example.com', PASSWORD, [{ workspaceId: wsA, role: 'admin' }]);
    const admin = await h.signIn('admin-a@example.com', PASSWORD);
    const before = smtp.received.length;
    const res = await admin.request('POST', '/api/invitations', {
      email: 'sneaky@example.com',
      role: 'owner',
    });
    expect(res.statusCode).toBe(403);
    const rows = await withWorkspace(h.database.db, wsA, (tx) =>
      tx.selectFrom('invitations').select('id').where('email', '=', 'sneaky@example.com').execute(),
    );
    expect(rows).toEqual([]);
    expect(smtp.received.length).toBe(before);
  });
});
