import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { base32Decode, hotp, totpStep } from '../src/auth/totp.ts';
import { withSystem, withWorkspace } from '../src/storage/transactions.ts';
import { createWorkspace, upsertMembership } from '../src/workspaces/workspace-repo.ts';
import { linkIn, startTestSmtp, type TestSmtp } from './delivery-smtp.ts';
import { openPage, openWebWorld, screenshot, signIn, type WebWorld } from './web-harness.ts';

/**
 * The account flows in real Chromium against the real API, with every link taken from a real
 * email received by a real SMTP server on loopback: inviting a member, resetting a forgotten
 * password, two-step sign-in. The tests run in order, each building on the one before.
 *
 * Sign-in is rate limited to 10 a minute per address, and every page here comes from 127.0.0.1:
 * the journey posts to /api/session 10 times in all, so it stays within the limit however fast
 * it runs. A new sign-in here needs one taken out elsewhere. (The devices step signs Adam in twice
 * more from the test itself, from other addresses; his changed password is then used by the
 * two-step journey's own sign-ins.)
 */
let world: WebWorld;
let smtp: TestSmtp;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const shots: string[] = [];
const NEW_MEMBER = { email: 'nina@web.test', name: 'Nina Newbie', password: 'nina chooses a long password' };
const NEW_ADMIN_PASSWORD = 'adam resets to this passphrase';
/** what Adam changes it to on /account, signed in; the two-step journey signs in with it */
const CHANGED_ADMIN_PASSWORD = 'adam changed it again while signed in';
let ownerPage: Page;
let adminPage: Page;
/** the invitee's page, signed in by accepting the invitation */
let ninaPage: Page;
/** the new member's link, from the owner's invitation email */
let inviteLink: string;

/** The link in the newest email to `to` after `before` of them had arrived. */
async function linkFromEmail(to: string, path: string, before: number): Promise<string> {
  const mine = () => smtp.received.filter((m) => m.envelopeTo[0] === to);
  const deadline = Date.now() + 20_000;
  while (mine().length <= before && Date.now() < deadline)
    await smtp.waitFor(smtp.received.length + 1, 2_000).catch(() => {});
  const mails = mine();
  expect(mails.length, `an email to ${to}`).toBeGreaterThan(before);
  return linkIn(mails[mails.length - 1]!.mail, path);
}
const emailsTo = (to: string) => smtp.received.filter((m) => m.envelopeTo[0] === to).length;

async function newPage(): Promise<Page> {
  const { context, page } = await openPage(world, pageErrors, {
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  contexts.push(context);
  return page;
}

function apiInPage(page: Page, method: string, url: string) {
  return page.evaluate(
    async ({ method, url }) => {
      const me = await fetch('/api/me').then((r) => r.json());
      const res = await fetch(url, { method, headers: { 'x-csrf-token': me.csrfToken } });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, url },
  );
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  world = await openWebWorld({ smtp: smtp.settings() });
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await world?.close();
  await smtp?.close();
  console.log(`screenshots:\n${shots.join('\n')}`);
});

describe('account flows in Chromium', () => {
  test('the emailed links’ pages are served without a session; /api stays JSON', async () => {
    for (const path of ['/forgot-password', '/reset-password/x', '/invite/x', '/account']) {
      const res = await fetch(`${world.url}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
      ]);
    }
    const api = await fetch(`${world.url}/api/invite/x`);
    expect([api.status, (await api.json()).code]).toEqual([404, 'TS_ERR_NOT_FOUND']);
  });

  test('the owner invites a new member and sees the email sent; a revoked invitation’s link is dead', async () => {
    ownerPage = await newPage();
    const page = ownerPage;
    await signIn(page, world.url, world.people.owner);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Invitations' }).waitFor();
    await page.getByText('No invitation is waiting for an answer.').waitFor();

    await page.getByLabel('Email to invite').fill(NEW_MEMBER.email);
    await page.getByLabel('Role', { exact: true }).selectOption('reports');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(`Invited ${NEW_MEMBER.email} as reports.`).waitFor();
    const link = await linkFromEmail(NEW_MEMBER.email, 'invite', 0);
    expect(link.startsWith(`${world.url}/invite/`)).toBe(true);
    // the page re-reads the list while the email is on its way
    const row = page.getByRole('row', { name: new RegExp(NEW_MEMBER.email) });
    await row.getByText('email sent').waitFor({ timeout: 20_000 });
    await expect(row.getByRole('cell').first().textContent()).resolves.toBe('reports');

    await page.getByLabel('Email to invite').fill('gone@web.test');
    await page.getByLabel('Role', { exact: true }).selectOption('admin');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const goneLink = await linkFromEmail('gone@web.test', 'invite', 0);
    await page.getByText('Pending (2 invitations)').waitFor();
    shots.push(await screenshot(page, 'settings-invitations'));
    await page.getByRole('button', { name: 'Revoke the invitation to gone@web.test' }).click();
    await page.getByText('The invitation to gone@web.test is revoked').waitFor();
    await page.getByText('Pending (1 invitation)').waitFor();
    const listed = await apiInPage(page, 'GET', '/api/invitations');
    expect(listed.body.invitations.map((i: { email: string }) => i.email)).toEqual([NEW_MEMBER.email]);

    const stranger = await newPage();
    await stranger.goto(goneLink);
    await stranger.getByRole('heading', { name: 'This invitation does not work any more' }).waitFor();
    await stranger.getByText(/used already, has expired, or was revoked/).waitFor();
    shots.push(await screenshot(stranger, 'invite-invalid'));
    inviteLink = link;
  });

  test('the invitee opens the emailed link, chooses a password and lands in the workspace as reports', async () => {
    const page = await newPage();
    ninaPage = page;
    await page.goto(inviteLink);
    await page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await page.getByLabel('Your name').fill(NEW_MEMBER.name);
    await page.getByLabel('New password', { exact: true }).fill('too short');
    await page.getByLabel('New password again').fill('too short');
    await page.getByRole('button', { name: 'Create my account and join' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'The password is too short: 9 of at least 12 characters.',
    );
    await page.getByLabel('New password', { exact: true }).fill(NEW_MEMBER.password);
    await page.getByLabel('New password again').fill(NEW_MEMBER.password);
    shots.push(await screenshot(page, 'invite'));
    await page.getByRole('button', { name: 'Create my account and join' }).click();

    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('link', { name: `Your account: ${NEW_MEMBER.name} · reports` }).waitFor();
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
    ).resolves.toEqual(['Tenants', 'Findings', 'Licence book', 'Standards']);
    await page.getByRole('row', { name: /Contoso Web/ }).waitFor();
    const me = await apiInPage(page, 'GET', '/api/me');
    expect(me.body.workspace).toMatchObject({ id: world.workspaceId, role: 'reports' });

    // the owner's list is empty again, and the new member is listed
    await ownerPage.reload();
    await ownerPage.getByText('No invitation is waiting for an answer.').waitFor();
    await ownerPage.getByRole('row', { name: new RegExp(NEW_MEMBER.name) }).waitFor();
  });

  test('a forgotten password: the emailed link sets a new one, the old one is refused', async () => {
    adminPage = await newPage();
    const page = adminPage;
    const { email, password } = world.people.admin;
    await page.goto(`${world.url}/`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('Email').fill(email);
    shots.push(await screenshot(page, 'forgot-password'));
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText(/If an account uses this email, a link .* is on its way/).waitFor();
    const link = await linkFromEmail(email, 'reset-password', 0);
    expect(link.startsWith(`${world.url}/reset-password/`)).toBe(true);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByText('At least 12 characters.', { exact: false }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(NEW_ADMIN_PASSWORD);
    await page.getByLabel('New password again').fill(`${NEW_ADMIN_PASSWORD}!`);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The two passwords are not the same.');
    shots.push(await screenshot(page, 'reset-password'));
    await page.getByLabel('New password again').fill(NEW_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText('Your password is changed').waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('do not match');
    await signIn(page, world.url, { email, password: NEW_ADMIN_PASSWORD });

    // the link worked once
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(NEW_ADMIN_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByRole('heading', { name: 'This link does not work any more' }).waitFor();
    await expect(page.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).resolves.toBe(
      '/forgot-password',
    );
    expect(emailsTo(email)).toBe(1);
  });

  test('signed-in devices and a password change in /account: other devices are signed out', async () => {
    const page = adminPage;
    const { email } = world.people.admin;
    // two more sessions of Adam's, signed in from other machines (not from 127.0.0.1: the
    // browser's own sign-ins stay within their rate limit)
    const elsewhere: Record<string, string> = {};
    for (const [ip, ua] of [
      ['10.20.0.1', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'],
      [
        '10.20.0.2',
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      ],
    ] as const) {
      const res = await world.app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: ip,
        headers: { 'user-agent': ua },
        payload: { email, password: NEW_ADMIN_PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      elsewhere[ip] = res.cookies.find((c) => c.name === 'ts_session')!.value;
    }
    const stillIn = async (ip: string) =>
      (await world.app.inject({ url: '/api/me', remoteAddress: ip, cookies: { ts_session: elsewhere[ip]! } }))
        .statusCode;

    await page.goto(`${world.url}/account`);
    const devices = page.getByRole('table', { name: 'Signed-in devices' });
    await devices.getByRole('row', { name: /Safari on iPhone/ }).waitFor();
    await expect(devices.getByRole('row').count()).resolves.toBe(4);
    // this browser first, marked, with nothing to press
    const mine = devices.getByRole('row').nth(1);
    await expect(mine.textContent()).resolves.toContain('this device');
    await expect(mine.getByRole('button').count()).resolves.toBe(0);
    await devices
      .getByRole('row', { name: /Firefox on Linux/ })
      .getByText('10.20.0.1')
      .waitFor();
    shots.push(await screenshot(page, 'account-devices'));

    // the keyboard reaches "Sign out" on the iPhone's row
    const signOutPhone = devices.getByRole('button', { name: /^Sign out Safari on iPhone/ });
    await signOutPhone.focus();
    await page.keyboard.press('Enter');
    await page.getByText(/^Signed out Safari on iPhone/).waitFor();
    await devices.getByRole('row', { name: /Safari on iPhone/ }).waitFor({ state: 'detached' });
    expect(await stillIn('10.20.0.2')).toBe(401);
    expect(await stillIn('10.20.0.1')).toBe(200);

    // changing the password: checked in the page first, then by the server
    const card = page.getByRole('region', { name: 'Change password' });
    await card.getByLabel('Current password').fill(NEW_ADMIN_PASSWORD);
    await card.getByLabel('New password', { exact: true }).fill(CHANGED_ADMIN_PASSWORD);
    await card.getByLabel('New password again').fill(`${CHANGED_ADMIN_PASSWORD}?`);
    await card.getByRole('button', { name: 'Change password' }).click();
    await expect(card.getByRole('alert').textContent()).resolves.toBe('The two passwords are not the same.');
    await card.getByLabel('Current password').fill('not my password at all');
    await card.getByLabel('New password again').fill(CHANGED_ADMIN_PASSWORD);
    await card.getByRole('button', { name: 'Change password' }).click();
    await expect(card.getByRole('alert').textContent()).resolves.toContain('The current password is wrong.');
    await card.getByLabel('Current password').fill(NEW_ADMIN_PASSWORD);
    await card.getByRole('button', { name: 'Change password' }).click();
    await card
      .getByText(
        'Your password is changed. The one other signed-in device was signed out. An email tells you about the change.',
      )
      .waitFor();
    await expect(card.getByLabel('Current password').inputValue()).resolves.toBe('');
    expect(await stillIn('10.20.0.1')).toBe(401);
    await page.getByText('Only this device is signed in.').waitFor();
    await expect(devices.getByRole('row').count()).resolves.toBe(2);
    shots.push(await screenshot(page, 'account-password-changed'));

    // this page goes on under its new cookie and CSRF token: a write works
    const write = await page.evaluate(async () => {
      const me = await fetch('/api/me').then((r) => r.json());
      const res = await fetch('/api/session/workspace', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ workspaceId: me.workspace.id }),
      });
      return res.status;
    });
    expect(write).toBe(200);
    // and a notice went out by email
    const isNotice = (m: (typeof smtp.received)[number]) =>
      m.envelopeTo[0] === email && m.mail.subject === 'Tenantscope: Your password was changed';
    const deadline = Date.now() + 20_000;
    while (!smtp.received.some(isNotice) && Date.now() < deadline)
      await smtp.waitFor(smtp.received.length + 1, 2_000).catch(() => {});
    expect(smtp.received.filter(isNotice)).toHaveLength(1);
  });

  test('two-step sign-in: enrolled in /account, then asked at sign-in; a wrong code is refused, a recovery code works once', async () => {
    const page = adminPage;
    const { email } = world.people.admin;
    await page.goto(`${world.url}/`);
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText(email, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).waitFor();
    shots.push(await screenshot(page, 'account'));

    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await page.getByRole('img', { name: 'QR code of the two-step sign-in key' }).waitFor();
    const shown = (await page.locator('#totp-secret').textContent())!;
    expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secretText = shown.replace(/\s/g, '');
    const uri = await page
      .getByRole('link', { name: 'Open in an authenticator app on this device' })
      .getAttribute('href');
    expect(uri).toContain(`secret=${secretText}`);
    const secret = base32Decode(secretText);
    shots.push(await screenshot(page, 'account-totp-enrol'));

    const confirmStep = totpStep(new Date());
    await page.getByLabel('Code from the app').fill(hotp(secret, confirmStep));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor();
    const codes = await list.getByRole('listitem').allTextContents();
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    shots.push(await screenshot(page, 'account-recovery-codes'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download as text' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('tenantscope-recovery-codes.txt');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text).toContain(`Tenantscope recovery codes for ${email}`);
    for (const c of codes) expect(text).toContain(`\n${c}\n`);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(codes.join('\n'));
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 recovery codes are left.').waitFor();

    // signing in now asks for the code, without typing the password again
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(CHANGED_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const box = page.getByLabel('Enter the 6-digit code from your authenticator app');
    await box.waitFor();
    await expect(box.getAttribute('inputmode')).resolves.toBe('numeric');
    await expect(box.getAttribute('autocomplete')).resolves.toBe('one-time-code');
    await expect(page.getByLabel('Password').count()).resolves.toBe(0);
    await expect(page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).resolves.toBe(
      'one-time-code',
    );
    shots.push(await screenshot(page, 'signin-code'));

    const now = totpStep(new Date());
    const valid = new Set([now - 1, now, now + 1].map((s) => hotp(secret, s)));
    const wrong = ['000000', '111111', '222222'].find((c) => !valid.has(c))!;
    await box.fill(wrong);
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'That code is wrong or was already used. Codes change every 30 seconds, and each recovery code works once.',
    );
    // a code is accepted once: the step after the one confirmed at enrolment, or the current one
    await box.fill(hotp(secret, Math.max(totpStep(new Date()), confirmStep + 1)));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(CHANGED_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Enter one of your recovery codes').fill(codes[0]!);
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // the used recovery code is spent: it cannot turn two-step sign-in off; an unused one can
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.getByText('9 recovery codes are left.').waitFor();
    await page.getByRole('button', { name: 'Turn off…' }).click();
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Enter one of your recovery codes').fill(codes[0]!);
    await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('wrong or was already used');
    await page.getByLabel('Enter one of your recovery codes').fill(codes[1]!);
    await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await page.getByText('Two-step sign-in is off').waitFor();
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).waitFor();
    expect((await apiInPage(page, 'GET', '/api/me/totp')).body).toEqual({
      enabled: false,
      recoveryCodesLeft: 0,
    });
  }, 60_000);

  test('new recovery codes from the two-step card, with a code from the app: shown once, the old ones stop working', async () => {
    const page = ninaPage;
    await page.goto(`${world.url}/account`);
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    const secret = base32Decode((await page.locator('#totp-secret').textContent())!.replace(/\s/g, ''));
    const confirmStep = totpStep(new Date());
    await page.getByLabel('Code from the app').fill(hotp(secret, confirmStep));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    const shown = page.getByRole('list', { name: 'Recovery codes' });
    await shown.waitFor();
    const first = await shown.getByRole('listitem').allTextContents();
    expect(first).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved them' }).click();

    await page.getByRole('button', { name: 'New recovery codes…' }).click();
    // the box has focus: the keyboard goes straight on
    await expect(page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).resolves.toBe(
      'one-time-code',
    );
    const now = totpStep(new Date());
    const valid = new Set([now - 1, now, now + 1, confirmStep + 1].map((step) => hotp(secret, step)));
    await page.keyboard.type(['000000', '111111', '222222'].find((c) => !valid.has(c))!);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('wrong or was already used');
    // a code is accepted once: the step after the one that turned it on
    await page.getByLabel('Code from the app').fill(hotp(secret, confirmStep + 1));
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.getByText('New recovery codes are made: the earlier ones no longer work.').waitFor();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor();
    const fresh = await list.getByRole('listitem').allTextContents();
    expect(fresh).toHaveLength(10);
    for (const c of fresh) expect(first).not.toContain(c);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download as text' }).click(),
    ]);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    for (const c of fresh) expect(text).toContain(`\n${c}\n`);
    shots.push(await screenshot(page, 'account-new-recovery-codes'));
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 recovery codes are left.').waitFor();

    // an old code no longer turns two-step sign-in off; a new one does
    const off = (recoveryCode: string) =>
      page.evaluate(async (code) => {
        const me = await fetch('/api/me').then((r) => r.json());
        const res = await fetch('/api/me/totp', {
          method: 'DELETE',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ recoveryCode: code }),
        });
        return res.status;
      }, recoveryCode);
    expect(await off(first[0]!)).toBe(401);
    expect(await off(fresh[0]!)).toBe(204);
  });

  test('an account that exists joins another workspace: signed in with a button, signed out after signing in', async () => {
    const { owner, admin, reader } = world.people;
    const other = await withSystem(world.database.db, (tx) =>
      createWorkspace(tx, { slug: 'fabrikam-partners', name: 'Fabrikam Partners' }),
    );
    await withWorkspace(world.database.db, other.id, (tx) =>
      upsertMembership(tx, other.id, owner.id, 'owner'),
    );

    // the owner works in the new workspace and invites two people who have accounts
    await ownerPage.reload();
    // the switch answers, then the page goes to the overview: wait, or a click on Settings is undone
    const switched = ownerPage.waitForResponse((r) => r.url().endsWith('/api/session/workspace') && r.ok());
    await ownerPage.getByLabel('Workspace').selectOption({ label: 'Fabrikam Partners (owner)' });
    await switched;
    await ownerPage.waitForURL(`${world.url}/`);
    await ownerPage.getByRole('link', { name: 'Settings' }).click();
    await ownerPage.getByRole('heading', { name: 'Settings · Fabrikam Partners' }).waitFor();
    const links: string[] = [];
    for (const [who, role] of [
      [admin, 'admin'],
      [reader, 'reports'],
    ] as const) {
      const before = emailsTo(who.email);
      await ownerPage.getByLabel('Email to invite').fill(who.email);
      await ownerPage.getByLabel('Role', { exact: true }).selectOption(role);
      await ownerPage.getByRole('button', { name: 'Send invitation' }).click();
      await ownerPage.getByText(`Invited ${who.email} as ${role}.`).waitFor();
      links.push(await linkFromEmail(who.email, 'invite', before));
    }

    // Adam is signed in (from the journey before): one button
    await adminPage.goto(links[0]!);
    await adminPage.getByText(`You are signed in as ${admin.email}`).waitFor();
    await adminPage.getByRole('button', { name: 'Accept the invitation' }).click();
    await adminPage.waitForURL(`${world.url}/`);
    await expect(adminPage.getByLabel('Workspace').inputValue()).resolves.toBe(other.id);
    const adam = await apiInPage(adminPage, 'GET', '/api/me');
    expect(adam.body.workspace).toMatchObject({ id: other.id, role: 'admin' });

    // Rita is not signed in: she signs in first and comes back to the invitation
    const page = await newPage();
    await page.goto(links[1]!);
    await page.getByText('This email already has a Tenantscope account.').waitFor();
    await page.getByRole('link', { name: 'Sign in to accept' }).click();
    await page.getByText('Sign in to the account the invitation was sent to').waitFor();
    await page.getByLabel('Email').fill(reader.email);
    await page.getByLabel('Password').fill(reader.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`You are signed in as ${reader.email}`).waitFor();
    expect(new URL(page.url()).pathname).toBe(new URL(links[1]!).pathname);
    shots.push(await screenshot(page, 'invite-signed-in'));
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.waitForURL(`${world.url}/`);
    await expect(page.getByLabel('Workspace').inputValue()).resolves.toBe(other.id);
    const rita = await apiInPage(page, 'GET', '/api/me');
    expect(rita.body.workspace).toMatchObject({ id: other.id, name: 'Fabrikam Partners', role: 'reports' });
    expect(rita.body.workspaces).toHaveLength(2);
  });

  test('no script error or CSP violation in any page, and the server logged no warning', () => {
    expect(pageErrors).toEqual([]);
    expect(world.warnings).toEqual([]);
  });
});
