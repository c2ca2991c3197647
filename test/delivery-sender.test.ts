import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInvitation, listInvitations, revokeInvitation } from '../src/auth/invitation-service.ts';
import { DEFAULT_BRANDING } from '../src/branding/branding-fns.ts';
import { saveBrandingFields } from '../src/branding/branding-repo.ts';
import { type EmailToSend, enqueueEmail } from '../src/delivery/outbox.ts';
import {
  type AttemptResult,
  attemptEmail,
  createTransport,
  type MailerDeps,
  markNotConfigured,
} from '../src/delivery/outbox-sender.ts';
import { type Jobs, startJobs } from '../src/jobs/job-queue.ts';
import { manualClock } from '../src/platform/clock.ts';
import { generateKey } from '../src/platform/crypto.ts';
import { createLogger } from '../src/platform/logger.ts';
import type { Database } from '../src/storage/database.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createVault } from '../src/tenants/credential-vault.ts';
import { createPerson, createWorkspace, upsertMembership } from '../src/workspaces/workspace-repo.ts';
import { startTestSmtp, type TestSmtp } from './delivery-smtp.ts';
import { openTestDatabase } from './helpers/database.ts';

const LINK = 'https://ts.example/reset-password/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const SMTP_PASSWORD = 'smtp-password-never-logged';
const keks = [generateKey()];
let database: Database;
let smtp: TestSmtp;
let ws: string;
const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
const lines: string[] = [];
const logger = createLogger({
  level: 'info',
  secretValues: [SMTP_PASSWORD],
  destination: new Writable({
    write(chunk, _e, done) {
      lines.push(String(chunk));
      done();
    },
  }),
});

const mailer = (over: Partial<MailerDeps> = {}): MailerDeps => ({
  db: database.db,
  clock,
  logger,
  smtp: smtp.settings(),
  from: 'Tenantscope <no-reply@ts.example>',
  keks,
  ...over,
});

const systemEmail = (over: Partial<EmailToSend> = {}): EmailToSend => ({
  workspaceId: null,
  kind: 'passwordReset',
  to: 'Person@Example.com',
  content: {
    subject: 'Reset your password',
    heading: 'Reset',
    paragraphs: ['Hello.'],
    actionLabel: 'Reset it',
  },
  action: { url: LINK, secret: true },
  ...over,
});

const enqueueSystem = (email: EmailToSend) =>
  withSystem(database.db, (tx) => enqueueEmail(tx, email, keks, clock.now())) as Promise<string>;

const row = (id: string) =>
  withSystem(database.db, (tx) =>
    tx.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );

beforeAll(async () => {
  database = await openTestDatabase();
  smtp = await startTestSmtp();
  ws = (await withSystem(database.db, (tx) => createWorkspace(tx, { slug: 'mailing', name: 'Mailing' }))).id;
});
afterAll(async () => {
  await smtp?.close();
  await database?.close();
  const all = lines.join('');
  expect(all).not.toContain(SMTP_PASSWORD);
  expect(all).not.toContain(LINK);
});

describe('one attempt', () => {
  test('a sealed message arrives once, with its link, and records the Message-ID', async () => {
    const id = await enqueueSystem(systemEmail());
    const stored = await row(id);
    // the link is sealed: neither the content nor any column holds it in clear
    expect(JSON.stringify(stored)).not.toContain(LINK);
    expect(stored.secret_ciphertext).toMatch(/^v1\./);
    const transport = createTransport(smtp.settings());
    const before = smtp.received.length;
    const result = await attemptEmail(mailer(), transport, id, false);
    expect(result.outcome).toBe('sent');
    const [got] = (await smtp.waitFor(before + 1)).slice(before);
    expect(got!.envelopeTo).toEqual(['person@example.com']);
    expect(got!.mail.subject).toBe('Tenantscope: Reset your password');
    expect(got!.mail.text).toContain(LINK);
    expect(got!.mail.html).toContain(`href="${LINK}"`);
    expect(got!.mail.headers.get('auto-submitted')).toBe('auto-generated');
    const sent = await row(id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, detail: null });
    expect(sent.smtp_message_id).toBe(got!.mail.messageId);
    expect(sent.smtp_message_id).toBe(`<${id}@ts.example>`);
    expect(sent.smtp_response).toContain('queued as test-');
    // a retried job finds it sent and sends nothing
    expect((await attemptEmail(mailer(), transport, id, false)).outcome).toBe('skipped');
    expect(smtp.received.length).toBe(before + 1);
    transport.close();
  });

  test('451 is retried (the row says why), 550 fails at once, the last attempt gives up', async () => {
    const transport = createTransport(smtp.settings());
    const id = await enqueueSystem(systemEmail());
    smtp.refuseNext(1, 451);
    const first = await attemptEmail(mailer(), transport, id, false);
    expect(first).toMatchObject({ outcome: 'retry' });
    expect(await row(id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect((await row(id)).detail).toMatch(/^attempt 1 failed, will retry: .*451/);
    expect((await attemptEmail(mailer(), transport, id, false)).outcome).toBe('sent');
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });

    const bounced = await enqueueSystem(systemEmail());
    smtp.refuseNext(1, 550);
    expect((await attemptEmail(mailer(), transport, bounced, false)).outcome).toBe('failed');
    expect(await row(bounced)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row(bounced)).detail).toMatch(/550/);

    const last = await enqueueSystem(systemEmail());
    smtp.refuseNext(1, 451);
    expect((await attemptEmail(mailer(), transport, last, true)).outcome).toBe('failed');
    expect((await row(last)).status).toBe('failed');
    transport.close();
  });

  test('a message whose link expired is not sent', async () => {
    const id = await enqueueSystem(systemEmail({ expiresAt: new Date(clock.now().getTime() + 60_000) }));
    clock.advance(120_000);
    const before = smtp.received.length;
    const result = await attemptEmail(mailer(), createTransport(smtp.settings()), id, false);
    expect(result.outcome).toBe('expired');
    expect((await row(id)).status).toBe('expired');
    expect(smtp.received.length).toBe(before);
  });

  test('a claim left by a process that died mid-send is not sent again', async () => {
    const id = await enqueueSystem(systemEmail());
    await withSystem(database.db, (tx) =>
      tx
        .updateTable('email_outbox')
        .set({ status: 'sending', claimed_at: clock.now() })
        .where('id', '=', id)
        .execute(),
    );
    const transport = createTransport(smtp.settings());
    expect((await attemptEmail(mailer(), transport, id, false)).outcome).toBe('skipped');
    expect((await row(id)).status).toBe('sending'); // another worker may still be at it
    clock.advance(11 * 60_000);
    const before = smtp.received.length;
    expect((await attemptEmail(mailer(), transport, id, false)).outcome).toBe('skipped');
    expect(await row(id)).toMatchObject({ status: 'failed' });
    expect((await row(id)).detail).toMatch(/outcome is unknown/);
    expect(smtp.received.length).toBe(before);
  });

  test('a link sealed under a key no longer loaded fails closed, unsent', async () => {
    const id = await enqueueSystem(systemEmail());
    const result = await attemptEmail(
      mailer({ keks: [generateKey()] }),
      createTransport(smtp.settings()),
      id,
      false,
    );
    expect(result.outcome).toBe('failed');
    expect((await row(id)).detail).toMatch(/cannot be written out/);
  });

  test('a workspace message without a secret keeps its link in the content; a duplicate key is dropped', async () => {
    const email: EmailToSend = {
      workspaceId: ws,
      kind: 'credentialExpiring',
      to: 'owner@example.com',
      content: { subject: 'Expiring', heading: 'Expiring', paragraphs: ['Soon.'], actionLabel: 'Open' },
      action: { url: 'https://ts.example/tenants', secret: false },
      dedupeKey: 'credentialExpiring:t:k:30:owner@example.com',
    };
    const first = await withWorkspace(database.db, ws, (tx) => enqueueEmail(tx, email));
    const second = await withWorkspace(database.db, ws, (tx) => enqueueEmail(tx, email));
    expect(first).toBeTruthy();
    expect(second).toBeNull();
    expect((await row(first!)).content).toMatchObject({ actionUrl: 'https://ts.example/tenants' });
  });

  test("a workspace's branded sender name is the From name of its emails, quoted; the address stays", async () => {
    const branded = (
      await withSystem(database.db, (tx) => createWorkspace(tx, { slug: 'branded-mail', name: 'Branded' }))
    ).id;
    const name = 'Contoso "IT", Ünïcode <ops@evil.example>';
    await withWorkspace(database.db, branded, (tx) =>
      saveBrandingFields(tx, branded, { ...DEFAULT_BRANDING, senderName: name }, 'test', clock.now()),
    );
    const id = (await withWorkspace(database.db, branded, (tx) =>
      enqueueEmail(tx, {
        workspaceId: branded,
        kind: 'driftAlert',
        to: 'owner@example.com',
        content: { subject: 'Drift', heading: 'Drift', paragraphs: ['Changed.'] },
      }),
    ))!;
    const transport = createTransport(smtp.settings());
    const before = smtp.received.length;
    expect((await attemptEmail(mailer(), transport, id, false)).outcome).toBe('sent');
    const [got] = (await smtp.waitFor(before + 1)).slice(before);
    expect(got!.mail.from?.value).toEqual([{ name, address: 'no-reply@ts.example' }]);
    // one From header, on one line (folded lines start with white space), naming one mailbox
    const fromLines = got!.raw
      .split('\r\n\r\n')[0]!
      .split('\r\n')
      .filter((l) => /^from:/i.test(l));
    expect(fromLines).toHaveLength(1);
    expect(got!.envelopeTo).toEqual(['owner@example.com']);

    // a message of no workspace (a password reset) keeps the configured From
    const reset = await enqueueSystem(systemEmail());
    expect((await attemptEmail(mailer(), transport, reset, false)).outcome).toBe('sent');
    const [plain] = (await smtp.waitFor(before + 2)).slice(before + 1);
    expect(plain!.mail.from?.value).toEqual([{ name: 'Tenantscope', address: 'no-reply@ts.example' }]);
    transport.close();
  });

  test.each([
    'two@example.com, three@example.com',
    'x@example.com\r\nBcc: y@example.com',
    'Name <x@example.com>',
    'no-at-sign',
  ])('the recipient %j is refused before anything is stored', async (to) => {
    await expect(enqueueSystem(systemEmail({ to }))).rejects.toMatchObject({ code: 'TS_ERR_VALIDATION' });
  });

  test('the application role sees no system message (a password reset), and cannot read password_resets', async () => {
    await enqueueSystem(systemEmail());
    const seen = await withWorkspace(database.db, ws, (tx) =>
      sql<{ n: string }>`SELECT count(*)::text AS n FROM email_outbox WHERE workspace_id IS NULL`.execute(tx),
    );
    expect(seen.rows[0]!.n).toBe('0');
    const denied = await withWorkspace(database.db, ws, (tx) =>
      sql`SELECT count(*) FROM password_resets`.execute(tx),
    ).catch((e: Error) => e);
    expect(String(denied)).toMatch(/permission denied/);
  });

  test('a wrong SMTP login is retried, and the password shows nowhere', async () => {
    const guarded = await startTestSmtp({ login: { user: 'mailer', password: 'right-password-123' } });
    try {
      const settings = guarded.settings({ user: 'mailer', password: SMTP_PASSWORD });
      const id = await enqueueSystem(systemEmail());
      const result = await attemptEmail(mailer({ smtp: settings }), createTransport(settings), id, false);
      expect(result.outcome).toBe('retry');
      const stored = await row(id);
      expect(stored.detail).toMatch(/EAUTH/);
      expect(JSON.stringify(stored)).not.toContain(SMTP_PASSWORD);
      const good = guarded.settings({ user: 'mailer', password: 'right-password-123' });
      expect((await attemptEmail(mailer({ smtp: good }), createTransport(good), id, false)).outcome).toBe(
        'sent',
      );
      expect(guarded.received).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });
});

describe('invitation emails in the outbox', () => {
  test('revoking or replacing an invitation withdraws its unsent email; without SMTP the list says why it waits', async () => {
    const owner = await withSystem(database.db, (tx) =>
      createPerson(tx, { email: 'owner@mailing.example', passwordHash: 'x' }),
    );
    await withWorkspace(database.db, ws, (tx) => upsertMembership(tx, ws, owner.id, 'owner'));
    const deps = { db: database.db, clock, keks, publicUrl: 'https://ts.example' };
    const by = { workspaceId: ws, personId: owner.id, ip: '127.0.0.1' };
    const first = await createInvitation(deps, by, { email: 'guest@example.com', role: 'reports' });
    const second = await createInvitation(deps, by, { email: 'guest@example.com', role: 'admin' });
    const states = () =>
      withWorkspace(database.db, ws, (tx) =>
        tx
          .selectFrom('email_outbox')
          .select(['ref', 'status'])
          .where('kind', '=', 'invitation')
          .orderBy('created_at')
          .execute(),
      );
    expect(await states()).toEqual([
      { ref: `invitation:${first.id}`, status: 'cancelled' },
      { ref: `invitation:${second.id}`, status: 'pending' },
    ]);
    // the sweep of a server without SMTP marks it; the owner's list shows it
    await markNotConfigured(database.db);
    const listed = await withWorkspace(database.db, ws, (tx) => listInvitations(tx, clock.now()));
    expect(listed.map((i) => [i.id, i.emailStatus, i.emailDetail])).toEqual([
      [second.id, 'pending', 'delivery not configured'],
    ]);
    await withWorkspace(database.db, ws, (tx) => revokeInvitation(tx, by, second.id, clock.now()));
    expect((await states()).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    // a cancelled message is never sent
    const rows = await withWorkspace(database.db, ws, (tx) =>
      tx.selectFrom('email_outbox').select('id').where('kind', '=', 'invitation').execute(),
    );
    const before = smtp.received.length;
    for (const r of rows)
      expect((await attemptEmail(mailer(), createTransport(smtp.settings()), r.id, false)).outcome).toBe(
        'skipped',
      );
    expect(smtp.received.length).toBe(before);
  });
});

describe('through the job queue', () => {
  let jobs: Jobs | undefined;
  afterAll(async () => {
    await jobs?.stop();
  });

  test('a refused message is retried with backoff by pg-boss and sent exactly once', async () => {
    const outcomes: AttemptResult['outcome'][] = [];
    // earlier tests left messages waiting: withdraw them so this one is alone in the queue
    await withSystem(database.db, (tx) =>
      tx.updateTable('email_outbox').set({ status: 'cancelled' }).where('status', '=', 'pending').execute(),
    );
    jobs = await startJobs({
      database,
      logger,
      worker: true,
      sync: { db: database.db, clock, logger, vault: createVault(keks) },
      email: {
        mailer: mailer({ clock: manualClock(new Date()) }),
        retry: { limit: 3, delaySeconds: 1 },
        onAttempt: (r) => outcomes.push(r.outcome),
      },
    });
    const id = await enqueueSystem(systemEmail({ to: 'queued@example.com' }));
    smtp.refuseNext(1, 421);
    expect(await jobs.queuePendingEmails()).toBe(1);
    expect((await row(id)).status).not.toBe('pending');
    const deadline = Date.now() + 30_000;
    while ((await row(id)).status !== 'sent' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(outcomes).toEqual(['retry', 'sent']);
    expect(smtp.received.filter((m) => m.envelopeTo[0] === 'queued@example.com')).toHaveLength(1);
    // queueing again finds nothing pending
    expect(await jobs.queuePendingEmails()).toBe(0);
  }, 45_000);
});

describe('without an SMTP server', () => {
  test('one warning at start; messages wait with "delivery not configured"', async () => {
    const warnings: string[] = [];
    const quiet = createLogger({
      level: 'warn',
      destination: new Writable({
        write(chunk, _e, done) {
          warnings.push(String(chunk));
          done();
        },
      }),
    });
    const own = await openTestDatabase();
    try {
      const jobs = await startJobs({
        database: own,
        logger: quiet,
        worker: false,
        email: { mailer: { ...mailer(), db: own.db, logger: quiet, smtp: undefined } },
      });
      const id = await withSystem(own.db, (tx) => enqueueEmail(tx, systemEmail(), keks));
      expect(await jobs.queuePendingEmails()).toBe(0);
      expect(await jobs.queuePendingEmails()).toBe(0);
      const stored = await withSystem(own.db, (tx) =>
        tx
          .selectFrom('email_outbox')
          .select(['status', 'detail'])
          .where('id', '=', id!)
          .executeTakeFirstOrThrow(),
      );
      expect(stored).toEqual({ status: 'pending', detail: 'delivery not configured' });
      await jobs.stop();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/email delivery is not configured \(TENANTSCOPE_SMTP_URL\)/);
    } finally {
      await own.close();
    }
  }, 30_000);
});
