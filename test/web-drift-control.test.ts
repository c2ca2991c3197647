import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyWebhook } from '../src/alerts/webhook-sign.ts';
import { adminOf, change, control } from './drift-emulator-harness.ts';
import { fetchInPage, openPage, openWebWorld, screenshot, signIn, type WebWorld } from './web-harness.ts';

/**
 * The drift-control pages in real Chromium against the real API: an admin creates an alert rule
 * whose webhook reaches a receiver on loopback that checks every signature, pins a baseline, a
 * change made in the emulated tenant is synced and shows against the baseline (and is delivered
 * by the job queue to the webhook), a standard is created, assigned and evaluated, with an
 * override; a `reports` member can read standards but change nothing. The tests run in order.
 */
let world: WebWorld;
let admin: { context: BrowserContext; page: Page };
const pageErrors: string[] = [];
const shots: string[] = [];
const CA = 'identity/conditionalAccess/policies';

let receiver: http.Server;
let receiverUrl: string;
/** the signing secret, as the page showed it once; the receiver checks each request with it */
let secret = '';
const received: { verified: boolean; body: Record<string, unknown> }[] = [];

function startReceiver(): Promise<void> {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const verified =
        secret !== '' &&
        verifyWebhook(
          secret,
          String(req.headers['x-tenantscope-timestamp']),
          raw,
          String(req.headers['x-tenantscope-signature']),
        );
      received.push({ verified, body: JSON.parse(raw) });
      res.statusCode = verified ? 200 : 401;
      res.end();
    });
  });
  return new Promise((resolve) => {
    receiver.listen(0, '127.0.0.1', () => {
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tenantscope`;
      resolve();
    });
  });
}

beforeAll(async () => {
  [world] = await Promise.all([openWebWorld(), startReceiver()]);
  admin = await openPage(world, pageErrors);
  await signIn(admin.page, world.url, world.people.admin);
}, 60_000);

afterAll(async () => {
  await admin?.context.close();
  await world?.close();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  console.log(`screenshots:\n${shots.join('\n')}`);
});

describe('baselines, standards and alert rules in Chromium', () => {
  test('the new pages are client routes: the server answers them with the app, and the API keeps its 404', async () => {
    for (const path of ['/standards', '/standards/new', '/standards/abc/edit', '/alerts']) {
      const res = await fetch(`${world.url}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
      ]);
    }
    const missing = await fetch(`${world.url}/api/standards-nothing`);
    expect(missing.status).toBe(404);
  });

  test('the admin creates an alert rule with a webhook; the signing secret is shown once, then never again', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByText('No alert rule yet').waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Name', { exact: true }).fill('CA changes');
    await page.getByLabel('Conditional Access policy').check();
    // a plain-http address elsewhere is refused in the page, before any request
    await page.getByLabel('Webhook URL').fill('http://hooks.example.com/tenantscope');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('alert').getByText('must start with https://').waitFor();
    // a private address passes the page's light check; the server's SSRF guard refuses it in words
    await page.getByLabel('Webhook URL').fill('https://10.1.2.3/hook');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page
      .getByRole('alert')
      .getByText(/private, link-local or reserved/)
      .waitFor();
    await page.getByLabel('Webhook URL').fill(receiverUrl);
    shots.push(await screenshot(page, 'alert-rule-form'));
    await page.getByRole('button', { name: 'Create rule' }).click();

    const panel = page.getByRole('region', { name: /Signing secret of “CA changes”/ });
    await panel.getByText('will not show it again').waitFor();
    secret = await panel.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    shots.push(await screenshot(page, 'alerts-secret-once'));
    const row = page.getByRole('row', { name: /CA changes/ });
    await expect(row.textContent()).resolves.toContain(
      'High-severity changes to Conditional Access policy in every tenant',
    );
    const listed = await fetchInPage(page, 'GET', '/api/alert-rules');
    expect(listed.body).not.toContain(secret);
    expect(JSON.parse(listed.body).rules[0].webhook).toEqual({ url: receiverUrl, secretSet: true });

    await page.getByRole('button', { name: 'I have stored it' }).click();
    await expect(page.getByRole('region', { name: /Signing secret of/ }).count()).resolves.toBe(0);
    await page.reload();
    await page.getByRole('row', { name: /CA changes/ }).waitFor();
    expect(await page.content()).not.toContain(secret);
    // editing keeps the stored secret unless asked: no secret field, nothing shown after saving
    await page.getByRole('button', { name: 'Edit CA changes' }).click();
    await page.getByLabel(/Replace the signing secret/).waitFor();
    await expect(page.getByLabel('Signing secret', { exact: true }).count()).resolves.toBe(0);
    await page.getByLabel('Notify about').selectOption({ label: 'High- and medium-severity changes' });
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Rule “CA changes” saved.').waitFor();
    await expect(page.getByRole('region', { name: /Signing secret of/ }).count()).resolves.toBe(0);
  });

  test('“Send a test” reaches the receiver signed, and the delivery log says it was delivered', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Send a test to CA changes' }).click();
    await page.getByText('Test to CA changes delivered (HTTP 200).').waitFor();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      verified: true,
      body: { type: 'test', rule: { name: 'CA changes' } },
    });
    const log = page.getByRole('region', { name: 'Delivery log' });
    const entry = log.getByRole('row').filter({ hasText: 'Test' });
    await entry.getByText('delivered', { exact: true }).waitFor();
    await expect(entry.textContent()).resolves.toContain('Delivered after 1 attempt (HTTP 200).');
    shots.push(await screenshot(page, 'alerts'));
  });

  test('the admin pins the latest snapshot as the baseline: nothing has changed since', async () => {
    const { page } = admin;
    await page.goto(`${world.url}/tenants/${world.tenant.id}/baseline`);
    await page.getByText('No baseline pinned. A baseline is').waitFor();
    await page.getByLabel('Note (optional)').fill('after onboarding, signed off by the customer');
    await page.getByRole('button', { name: 'Pin the latest snapshot as baseline' }).click();
    await page.getByText(/^Pinned the snapshot read /).waitFor();
    await page.getByText('No change since the baseline.').waitFor();
    const facts = page.getByRole('region', { name: 'Pinned baseline' });
    await expect(facts.textContent()).resolves.toMatch(
      /by you.*after onboarding, signed off by the customer/,
    );
    const api = JSON.parse((await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/baseline`)).body);
    expect(api.baseline).toMatchObject({
      pinnedBy: world.people.admin.id,
      note: 'after onboarding, signed off by the customer',
    });
  });

  test('a change made in the tenant is synced and shows against the baseline with before and after; the webhook hears of it', async () => {
    const { page } = admin;
    const policy = world.emulator.stores[0]!.model.graph.collections[CA]!.find(
      (p) => p.state === 'enabledForReportingButNotEnforced',
    )!;
    await change(world.emulator, 0, {
      actor: adminOf(world.emulator),
      collection: CA,
      id: policy.id,
      patch: { state: 'enabled' },
    });
    await control(world.emulator, 'POST', '/throttle/reset');
    await page.getByRole('link', { name: 'Sync', exact: true }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => page.locator('.sync-succeeded').count(), { timeout: 90_000, interval: 500 })
      .toBe(2)
      .catch(async (e) => {
        const syncs = await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/syncs`);
        throw new Error(`${e}\n${syncs.body.slice(0, 3000)}\n${world.warnings.join('\n')}`);
      });

    // the run reads "succeeded" once the snapshot is stored; its analysis (and the comparison
    // with the baseline) follows just after
    await expect
      .poll(
        async () => {
          const res = await fetchInPage(page, 'GET', `/api/tenants/${world.tenant.id}/baseline/comparison`);
          return JSON.parse(res.body).comparison?.events.length ?? 0;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    await page.getByRole('link', { name: 'Baseline', exact: true }).click();
    const since = page.getByRole('region', { name: 'Changes since the baseline' });
    await since.getByText(/^1 change since the baseline: 1 changed\.$/).waitFor();
    const area = since.locator('details.area').filter({ hasText: 'Sign-in and access' });
    const item = area.locator('details.change').filter({ hasText: String(policy.displayName) });
    await item.locator(':scope > summary').click();
    await item.getByRole('heading', { name: 'Baseline' }).waitFor();
    await expect(item.locator('.diff-side').first().textContent()).resolves.toContain(
      'enabledForReportingButNotEnforced',
    );
    await expect(item.locator('.diff-side').nth(1).textContent()).resolves.toMatch(/Now"?enabled/);
    shots.push(await screenshot(page, 'baseline'));

    // the sync's analysis recorded a notification for the rule; the job queue delivers it
    await world.jobs.queuePendingAlerts();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    const log = page.getByRole('region', { name: 'Delivery log' });
    await expect
      .poll(
        async () => {
          await log.getByRole('button', { name: 'Refresh' }).click();
          return log
            .getByRole('row')
            .filter({ hasText: '1 change in Contoso Web' })
            .textContent({ timeout: 1000 })
            .catch(() => '');
        },
        { timeout: 45_000, interval: 1000 },
      )
      .toContain('delivered');
    const drift = received.find((r) => r.body.type === 'drift.events');
    expect(drift).toMatchObject({
      verified: true,
      body: {
        totalEvents: 1,
        events: [{ objectKind: 'conditionalAccessPolicy', objectId: policy.id, after: 'enabled' }],
      },
    });
  }, 120_000);

  test('the admin writes a standard from rows and a common rule; mistakes are named in words', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Standards' }).click();
    await page.getByText('No standard yet.').waitFor();
    await page.getByRole('link', { name: 'New standard' }).click();
    await page.getByLabel('Name', { exact: true }).fill('MSP standard 2026');
    await page
      .getByLabel('Title, rule 1', { exact: true })
      .fill('Only admins and guest inviters invite guests');
    await page
      .getByLabel('Kind of setting, rule 1', { exact: true })
      .selectOption({ label: 'Authorization policy (guest and user settings)' });
    await page.getByLabel('Setting, rule 1, expect, row 1', { exact: true }).fill('allowInvitesFrom');
    await page.getByLabel('Comparison, rule 1, expect, row 1', { exact: true }).selectOption('oneOf');
    await page.getByRole('button', { name: 'Save standard' }).click();
    await page
      .getByRole('alert')
      .getByText(
        'Rule 1 (“Only admins and guest inviters invite guests”), expect, row 1 (allowInvitesFrom): give at least one value.',
      )
      .waitFor();
    await page
      .getByLabel('Value, rule 1, expect, row 1', { exact: true })
      .fill('adminsAndGuestInviters, none');
    await page
      .getByLabel('Common rule')
      .selectOption({ label: 'SharePoint shares only with existing guests, or not at all' });
    await page.getByRole('button', { name: 'Add rule' }).click();
    await expect(
      page.getByLabel('Setting, rule 2, expect, row 1', { exact: true }).inputValue(),
    ).resolves.toBe('sharingCapability');

    // an empty rule written from the tenant's current settings: search, then "Use"
    await page.getByLabel('Common rule').selectOption({ label: 'An empty rule' });
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('button', { name: 'Take values from a tenant, rule 3' }).click();
    const picker = page.getByRole('region', { name: 'Take values from a tenant, rule 3' });
    await expect(
      picker.getByRole('heading', { level: 3 }).evaluate((h) => h === document.activeElement),
    ).resolves.toBe(true);
    await picker.getByLabel('Tenant to take values from, rule 3').selectOption({ label: 'Contoso Web' });
    await picker.getByLabel('Kind of setting to browse, rule 3').selectOption({ label: 'Security defaults' });
    await picker.getByLabel('Search settings, rule 3').fill('no such setting anywhere');
    // Enter searches; it does not submit (and save) the standard
    await picker.getByLabel('Search settings, rule 3').press('Enter');
    await picker.getByText('No setting matches “no such setting anywhere” in Security defaults.').waitFor();
    await picker.getByLabel('Search settings, rule 3').fill('isEnabled');
    await picker.getByLabel('Search settings, rule 3').press('Enter');
    const current = JSON.parse(
      (
        await fetchInPage(
          page,
          'GET',
          `/api/tenants/${world.tenant.id}/settings?kind=securityDefaults&q=isEnabled`,
        )
      ).body,
    ).settings[0];
    await picker.getByRole('button', { name: 'Use isEnabled of Security defaults' }).click();
    await picker.getByText(`Added “isEnabled = ${current.value}” to rule 3, expected settings.`).waitFor();
    await expect(page.getByLabel('Kind of setting, rule 3', { exact: true }).inputValue()).resolves.toBe(
      'securityDefaults',
    );
    await expect(
      page.getByLabel('Setting, rule 3, expect, row 1', { exact: true }).inputValue(),
    ).resolves.toBe('isEnabled');
    await expect(page.getByLabel('Value, rule 3, expect, row 1', { exact: true }).inputValue()).resolves.toBe(
      String(current.value),
    );
    shots.push(await screenshot(page, 'standard-editor-picker'));
    await picker.getByRole('button', { name: 'Close, rule 3' }).click();
    await page.getByLabel('Title, rule 3', { exact: true }).fill('Security defaults as in Contoso Web');
    shots.push(await screenshot(page, 'standard-editor'));
    await page.getByRole('button', { name: 'Save standard' }).click();
    await page.getByRole('heading', { name: 'MSP standard 2026', level: 1 }).waitFor();
    await page.getByText('Only admins and guest inviters invite guests').waitFor();
    await page.getByText('SharePoint sharing settings: sharingCapability is one of').waitFor();
  });

  test('assigned to the tenant and evaluated, the standard shows where the tenant deviates', async () => {
    const { page } = admin;
    await page.getByLabel('Assign a tenant').selectOption({ label: 'Contoso Web' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByText('Contoso Web now follows MSP standard 2026.').waitFor();
    await page.getByRole('button', { name: 'Evaluate now' }).click();
    await page.getByText('Evaluated 1 tenant: 1 tenant deviates.').waitFor();
    const card = page.getByRole('region', { name: 'Contoso Web' });
    // rule 3 was taken from this tenant's settings: it holds
    await card.getByText('2 rules deviate').waitFor();
    await expect(card.getByRole('row').filter({ hasText: 'isEnabled' }).count()).resolves.toBe(0);
    const invites = card.getByRole('row').filter({ hasText: 'allowInvitesFrom' });
    await expect(invites.textContent()).resolves.toMatch(
      /is one of “adminsAndGuestInviters”, “none”.*adminsGuestInvitersAndAllMembers/,
    );
    const sharing = card.getByRole('row').filter({ hasText: 'sharingCapability' });
    await expect(sharing.textContent()).resolves.toContain('externalUserAndGuestSharing');
    shots.push(await screenshot(page, 'standard'));
  });

  test('a per-tenant override skips a rule with a reason; evaluated again, only the other rule deviates', async () => {
    const { page } = admin;
    const card = page.getByRole('region', { name: 'Contoso Web' });
    await card.getByRole('button', { name: 'Overrides for Contoso Web' }).click();
    const sharing = card.getByRole('group', {
      name: 'SharePoint shares only with existing guests, or not at all',
    });
    await sharing.getByLabel('Skip for this tenant').check();
    await card.getByRole('button', { name: 'Save overrides for Contoso Web' }).click();
    await card
      .getByRole('alert')
      .getByText(/say why this tenant differs/)
      .waitFor();
    await sharing.getByLabel(/^Reason/).fill('partner portal, contract 2026-04');
    shots.push(await screenshot(page, 'standard-overrides'));
    await card.getByRole('button', { name: 'Save overrides for Contoso Web' }).click();
    await page.getByText('Overrides for Contoso Web saved.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Evaluate now' }).click();
    await page.getByText('Evaluated 1 tenant: 1 tenant deviates.').waitFor();
    const refreshed = page.getByRole('region', { name: 'Contoso Web' });
    await refreshed.getByText('1 rule deviates; 1 rule skipped by an override').waitFor();
    await refreshed.getByText('partner portal, contract 2026-04').waitFor();
    await expect(refreshed.getByText('1 override').count()).resolves.toBe(1);
    const std = JSON.parse((await fetchInPage(page, 'GET', '/api/standards')).body).standards[0];
    expect(std.tenants[0].overrides).toEqual({
      'sharepoint-sharing-limited': { skip: true, reason: 'partner portal, contract 2026-04' },
    });
  });

  test('a reports member reads standards and the baseline, but cannot open /alerts or change anything', async () => {
    const { context, page } = await openPage(world, pageErrors, { viewport: { width: 768, height: 1000 } });
    await signIn(page, world.url, world.people.reader);
    const nav = page.getByRole('navigation', { name: 'Main' });
    // a tablet folds the navigation behind "Menu"
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Tenants',
      'Findings',
      'Licence book',
      'Standards',
    ]);

    for (const path of ['/alerts', '/standards/new']) {
      await page.goto(`${world.url}${path}`);
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    }
    shots.push(await screenshot(page, 'alerts-not-allowed-reports'));

    await page.goto(`${world.url}/standards`);
    await page.getByRole('link', { name: 'MSP standard 2026' }).click();
    await page.getByRole('region', { name: 'Contoso Web' }).getByText('1 rule deviates').waitFor();
    await page.getByText('Assigning tenants and overrides need the admin role.').waitFor();
    for (const name of ['Evaluate now', 'Delete', 'Overrides for Contoso Web'])
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Edit', exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'New standard' }).count()).resolves.toBe(0);

    await page.goto(`${world.url}/tenants/${world.tenant.id}/baseline`);
    await page.getByText('Pinning, comparing and unpinning a baseline need the admin role.').waitFor();
    await page.getByText(/^1 change since the baseline/).waitFor();
    await expect(page.getByRole('button', { name: /Pin / }).count()).resolves.toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    shots.push(await screenshot(page, 'baseline-tablet-reports'));

    const rules = JSON.parse((await fetchInPage(page, 'GET', '/api/alert-rules')).body).rules;
    const standards = JSON.parse((await fetchInPage(page, 'GET', '/api/standards')).body).standards;
    const t = world.tenant.id;
    const checks = [
      ['POST', '/api/alert-rules', { name: 'x', minSeverity: 'low', emailTo: ['a@x.test'] }],
      ['PATCH', `/api/alert-rules/${rules[0].id}`, { enabled: false }],
      ['POST', `/api/alert-rules/${rules[0].id}/test`, undefined],
      ['DELETE', `/api/alert-rules/${rules[0].id}`, undefined],
      ['PUT', `/api/tenants/${t}/baseline`, {}],
      ['DELETE', `/api/tenants/${t}/baseline`, undefined],
      ['POST', `/api/tenants/${t}/baseline/comparison`, undefined],
      ['POST', '/api/standards', { format: 'tenantscope.standard/v1', name: 'x', rules: [] }],
      ['PUT', `/api/standards/${standards[0].id}/tenants/${t}`, { overrides: {} }],
      ['POST', `/api/standards/${standards[0].id}/evaluate`, undefined],
    ] as const;
    for (const [method, url, body] of checks) {
      const res = await fetchInPage(page, method, url, body);
      expect([method, url, res.status, JSON.parse(res.body).code]).toEqual([
        method,
        url,
        403,
        'TS_ERR_FORBIDDEN',
      ]);
    }
    // nothing changed: the rule is enabled and its test count unchanged
    expect(JSON.parse((await fetchInPage(page, 'GET', '/api/alert-rules')).body).rules[0].enabled).toBe(true);
    await context.close();
  }, 60_000);

  test('every webhook the receiver got was signed with the secret shown once; no script error; no server warning', () => {
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(pageErrors).toEqual([]);
    expect(world.warnings).toEqual([]);
  });
});
