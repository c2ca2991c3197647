import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminOf, change, control } from './drift-emulator-harness.ts';
import { makePng } from './helpers/images.ts';
import { fetchInPage, openPage, openWebWorld, screenshot, signIn, type WebWorld } from './web-harness.ts';

/**
 * The web app in real Chromium against the real API: a tenant synced from the emulator and
 * analysed by the pipeline. The tests run in order, each building on the one before (the owner
 * accepts a finding, then a change in the tenant is synced and shows as drift, …).
 */
let world: WebWorld;
let owner: { context: BrowserContext; page: Page };
const pageErrors: string[] = [];
const shots: string[] = [];
const CA = 'identity/conditionalAccess/policies';

beforeAll(async () => {
  world = await openWebWorld();
  owner = await openPage(world, pageErrors);
}, 60_000);

afterAll(async () => {
  await owner?.context.close();
  await world?.close();
  console.log(`screenshots:\n${shots.join('\n')}`);
});

describe('the web app in Chromium', () => {
  test('the page is served under the strict CSP with hashed, long-cached assets', async () => {
    const res = await fetch(`${world.url}/tenants/anything/posture`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<style|style=|<script>(?!<)/);
    const script = /src="(\/assets\/app\.[0-9a-f]{16}\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${world.url}${script}`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect((await asset.text()).length).toBeGreaterThan(1000);
    const missing = await fetch(`${world.url}/api/nothing-here`);
    expect([missing.status, (await missing.json()).code]).toEqual([404, 'TS_ERR_NOT_FOUND']);
  });

  test('the owner signs in and sees the tenant with its findings on the overview', async () => {
    const { page } = owner;
    await page.goto(`${world.url}/`);
    await page.getByLabel('Email').fill(world.people.owner.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('do not match');
    await signIn(page, world.url, world.people.owner);
    const row = page.getByRole('row', { name: /Contoso Web/ });
    await row.waitFor();
    const findings = await row.getByRole('img', { name: /Open findings/ }).getAttribute('aria-label');
    const counts = [...(findings ?? '').matchAll(/(\d+) (critical|high|medium|low)/g)].map((m) =>
      Number(m[1]),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await expect(row.getByText('healthy').count()).resolves.toBe(1);
    shots.push(await screenshot(page, 'overview'));

    // the keyboard alone: the first Tab reaches the skip link; a column sorts with Enter
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    await page.getByRole('button', { name: 'Score' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('columnheader', { name: 'Score' }).getAttribute('aria-sort')).resolves.toBe(
      'ascending',
    );
  });

  test('the owner opens a failing finding, reads its evidence and accepts it with a reason', async () => {
    const { page } = owner;
    await page.getByRole('link', { name: 'Contoso Web' }).click();
    await page.getByRole('heading', { name: 'Posture score' }).waitFor();
    await page.getByRole('img', { name: /Posture score over 1 analysis,/ }).waitFor();
    shots.push(await screenshot(page, 'posture'));
    const first = page.locator('.finding-link').filter({ hasText: 'fail' }).first();
    const title = (await first.locator('.finding-title').textContent())!;
    await first.click();
    await page.getByRole('heading', { name: title, level: 2 }).waitFor();
    await page.getByRole('heading', { name: 'How to fix it' }).waitFor();
    await page.getByRole('heading', { name: /^Evidence/ }).waitFor();
    await page.getByLabel(/Accept the risk: reason/).fill('Compensating control: break-glass review monthly');
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    await page.getByText(/Accepted until .*Compensating control/).waitFor();
    shots.push(await screenshot(page, 'finding'));
    const checkId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const detail = await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/findings/${checkId}`);
    expect(JSON.parse(detail.body).finding).toMatchObject({
      state: 'accepted',
      acceptance: { reason: 'Compensating control: break-glass review monthly' },
    });

    // revoke it: the finding fails again at once; then accept it again for the rest of the journey
    await page.getByRole('button', { name: 'Revoke acceptance' }).click();
    await page.getByText('Not accepted.').waitFor();
    const revoked = await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/findings/${checkId}`);
    expect(JSON.parse(revoked.body).finding.state).toBe('fail');
    await page.getByLabel(/Accept the risk: reason/).fill('Compensating control: break-glass review monthly');
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    await page.getByText(/Accepted until/).waitFor();
  });

  test('a change made in the tenant shows as drift with before, after and who, after "Sync now"', async () => {
    const { page } = owner;
    const policy = world.emulator.stores[0]!.model.graph.collections[CA]!.find(
      (p) => p.state === 'enabledForReportingButNotEnforced',
    )!;
    const admin = adminOf(world.emulator);
    await change(world.emulator, 0, {
      actor: admin,
      collection: CA,
      id: policy.id,
      patch: { state: 'enabled' },
    });
    await control(world.emulator, 'POST', '/throttle/reset');
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText(/Sync queued|already waiting/).waitFor();
    // the page polls the history: a second succeeded run appears without a reload
    await expect
      .poll(() => page.locator('.sync-succeeded').count(), { timeout: 45_000, interval: 500 })
      .toBe(2);
    // the run succeeds when its snapshot is complete; drift is stored by the analysis after it
    await expect
      .poll(
        async () =>
          JSON.parse((await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/syncs`)).body).syncs[0]
            .progress.analysis?.status,
        { timeout: 30_000, interval: 500 },
      )
      .toBe('succeeded');
    await page.getByText('Analysing: findings and drift').waitFor({ state: 'detached' });
    shots.push(await screenshot(page, 'sync'));
    const comparisons = JSON.parse(
      (await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/drift/comparisons`)).body,
    ).comparisons;
    const syncs = JSON.parse(
      (await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/syncs`)).body,
    ).syncs;
    expect(
      comparisons[0].compared,
      JSON.stringify({ notCompared: comparisons[0].notCompared, datasets: syncs[0].progress.datasets }),
    ).toContain('conditionalAccessPolicy');

    await page.getByRole('link', { name: 'Drift', exact: true }).click();
    const event = page
      .locator('.event-link')
      .filter({ hasText: String(policy.displayName) })
      .first();
    await event.click();
    const detail = page.locator('.event-detail');
    await detail.getByRole('heading', { name: 'Before' }).waitFor();
    await expect(detail.locator('.diff-side').first().textContent()).resolves.toContain(
      'enabledForReportingButNotEnforced',
    );
    await expect(detail.locator('.diff-side').nth(1).textContent()).resolves.toContain('enabled');
    const upn = 'user' in admin ? admin.user.userPrincipalName : '';
    await expect(detail.textContent()).resolves.toContain(upn);
    await detail.getByLabel('Decision').selectOption('accepted');
    await detail.getByLabel('Note (optional)').fill('Planned enforcement');
    await detail.getByRole('button', { name: 'Save triage' }).click();
    await detail.getByText('Saved.').waitFor();
    // the triaged change leaves the "to triage" list; its detail stays in view
    await page.getByText(/Nothing to triage/).waitFor();
    await expect(detail.getByText('Saved.').isVisible()).resolves.toBe(true);
    await page.getByLabel('All').check();
    await page.locator('.timeline li').filter({ hasText: 'Accepted (expected change)' }).first().waitFor();
    shots.push(await screenshot(page, 'drift'));
  }, 60_000);

  test('the licences tab shows the inventory, the waste and idle charts and the per-user table', async () => {
    const { page } = owner;
    await page.getByRole('link', { name: 'Licences', exact: true }).click();
    await page.getByRole('heading', { name: /Inventory/ }).waitFor();
    await page.getByRole('heading', { name: 'Waste per month, by reason' }).waitFor();
    await page.getByRole('heading', { name: 'Idle and unused accounts' }).waitFor();
    const users = page.getByRole('region', { name: 'Per user' }).getByRole('row');
    await expect.poll(() => users.count()).toBeGreaterThan(1);
    shots.push(await screenshot(page, 'licences'));
  });

  test('the connect wizard shows the read-only permissions and why, then the registration form', async () => {
    const { page } = owner;
    await page.getByRole('link', { name: 'Connect a tenant' }).first().click();
    await page.getByRole('heading', { name: 'What Tenantscope reads, and why' }).waitFor();
    // the heading is there before the table's data: wait for the rows
    await page.locator('.perm-table tbody th').first().waitFor();
    const permissions = await page.locator('.perm-table tbody th').allTextContents();
    expect(permissions.length).toBeGreaterThan(3);
    for (const p of permissions) expect(p).toMatch(/\.Read/);
    shots.push(await screenshot(page, 'connect'));
    await page.getByRole('button', { name: /next/ }).click();
    await page.getByLabel('Client secret').waitFor();
  });

  test("the owner changes a member's role in the settings, and the audit log records it", async () => {
    const { page } = owner;
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Price book' }).waitFor();
    await page.getByRole('heading', { name: 'Branding' }).waitFor();
    await page.getByLabel(`Role of ${world.people.admin.email}`).selectOption('reports');
    await page.getByText(/Adam Admin is now reports/).waitFor();
    const members = JSON.parse((await fetchInPage(page, 'GET', '/api/members')).body).members as {
      email: string;
      role: string;
    }[];
    expect(members.find((m) => m.email === world.people.admin.email)?.role).toBe('reports');
    await page.getByLabel('Price, row 1', { exact: true }).fill('7.5');
    await page.getByRole('button', { name: 'Save price book' }).click();
    await page.getByText('Price book saved.').waitFor();
    const book = JSON.parse((await fetchInPage(page, 'GET', '/api/price-book')).body);
    expect([book.saved, book.book.entries[0].pricePerMonth]).toEqual([true, 7.5]);
    await page.getByLabel('Price, row 1', { exact: true }).fill('seven');
    await page.getByRole('button', { name: 'Save price book' }).click();
    await page.getByText(/Row 1 .*: the price must be a number/).waitFor();

    await page.getByLabel('Snapshots (days)').fill('5');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Snapshots: give a whole number of days from 7 to 3650.').waitFor();
    await page.getByLabel('Snapshots (days)').fill('30');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText(/Saved\. The next purge/).waitFor();
    const retention = JSON.parse((await fetchInPage(page, 'GET', '/api/retention')).body);
    expect(retention.policy.snapshots).toBe(30);
    await page.getByRole('button', { name: 'Purge now' }).click();
    await page.getByText('Purge done: nothing was due.').waitFor();
    await page.getByText(/Last purge .*: nothing was due\./).waitFor();

    // branding: name and colour, a logo uploaded and shown (through GET /api/branding/logo, under the CSP)
    await page.getByLabel('Name on reports').fill('Contoso IT');
    await page.getByLabel('Accent colour', { exact: true }).fill('#AA3300');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Branding saved.').waitFor();
    await page.locator('input[type="file"]').setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: makePng(120, 40),
    });
    await page.getByText('Logo uploaded.').waitFor();
    const logo = page.getByRole('img', { name: 'Contoso IT logo' });
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(120);
    await expect(
      page.locator('.report-bar').evaluate((el) => getComputedStyle(el).backgroundColor),
    ).resolves.toBe('rgb(170, 51, 0)');
    shots.push(await screenshot(page, 'settings'));

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'member.role_changed' }).waitFor();
    await page.getByRole('cell', { name: 'finding.accepted' }).first().waitFor();
    await page.getByRole('cell', { name: 'finding.acceptance_revoked' }).waitFor();
    await page.getByRole('cell', { name: 'price_book.saved' }).waitFor();
    await page.getByRole('cell', { name: 'retention.changed' }).waitFor();
    await page.getByRole('cell', { name: 'branding.logo_uploaded' }).waitFor();
    await expect(page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).resolves.toContain(
      'format=csv',
    );
    shots.push(await screenshot(page, 'audit'));
  });

  test('the owner signs out and is back at the sign-in page', async () => {
    const { page } = owner;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await fetchInPage(page, 'GET', '/api/tenants')).status).toBe(401);
  });

  test('a reports member sees no admin action, gets "Not allowed" on admin pages, and 403 from admin APIs', async () => {
    // a tablet in dark mode
    const { context, page } = await openPage(world, pageErrors, {
      viewport: { width: 768, height: 1000 },
      colorScheme: 'dark',
    });
    await signIn(page, world.url, world.people.reader);
    await expect(page.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe(
      'rgb(15, 20, 27)',
    );
    await page.getByRole('row', { name: /Contoso Web/ }).waitFor();
    // a tablet: nothing wider than the window
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    shots.push(await screenshot(page, 'overview-tablet-reports'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    // a tablet folds the navigation behind "Menu"
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Tenants',
      'Findings',
      'Licence book',
      'Standards',
    ]);
    await expect(page.getByRole('link', { name: 'Connect a tenant' }).count()).resolves.toBe(0);

    for (const path of ['/settings', '/audit', '/connect']) {
      await page.goto(`${world.url}${path}`);
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    }
    shots.push(await screenshot(page, 'not-allowed'));

    await page.goto(`${world.url}/tenants/${world.tenant.id}/sync`);
    await page.getByRole('heading', { name: 'Syncs' }).waitFor();
    await expect(page.getByRole('button', { name: 'Sync now' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Posture', exact: true }).click();
    await page.locator('.finding-link').first().click();
    await page.getByText('Accepting a finding needs the admin role.').waitFor();
    await expect(page.getByRole('button', { name: 'Accept', exact: true }).count()).resolves.toBe(0);
    shots.push(await screenshot(page, 'finding-tablet-dark-reports'));

    const checks = [
      ['GET', '/api/members', undefined],
      ['GET', '/api/audit', undefined],
      ['PATCH', `/api/members/${world.people.reader.id}`, { role: 'owner' }],
      ['POST', `/api/tenants/${world.tenant.id}/sync`, undefined],
      ['PUT', '/api/price-book', { format: 'tenantscope.prices/v1', currency: 'EUR', entries: [] }],
      ['PUT', '/api/branding', { footerText: 'not mine to change' }],
      ['DELETE', '/api/branding/logo', undefined],
    ] as const;
    for (const [method, url, body] of checks) {
      const res = await fetchInPage(page, method, url, body);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(JSON.parse(res.body).code).toBe('TS_ERR_FORBIDDEN');
    }
    await context.close();
  });

  test('no script error or CSP violation in any page, and the server logged no warning', () => {
    expect(pageErrors).toEqual([]);
    expect(world.warnings).toEqual([]);
  });
});
