import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPage, openWebWorld, screenshot, signIn, type WebWorld } from './web-harness.ts';

/**
 * The MSP's cross-tenant views in real Chromium against the real API, over two emulated tenants
 * synced and analysed by the pipeline (a typical one and a neglected one, with suspended and
 * warning units): a tenant's per-SKU table, the findings of every tenant, the licence book, and
 * the CSV downloads. Every figure on screen is compared with what the API answers.
 */
let world: WebWorld;
let owner: { context: BrowserContext; page: Page };
const pageErrors: string[] = [];
const shots: string[] = [];
const CONTOSO = 'Contoso MSP';
const OWNER_LINKS = [
  'Tenants',
  'Findings',
  'Licence book',
  'Connect a tenant',
  'Standards',
  'Alerts',
  'Settings',
  'Audit log',
];
const FABRIKAM = 'Fabrikam MSP';
const gbNumber = (n: number) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(n);
const gbMoney = (n: number, currency: string) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency, maximumFractionDigits: 0 }).format(n);

/** GET from inside the page, with the session's cookie. */
async function apiGet<T>(page: Page, url: string): Promise<T> {
  const body = await page.evaluate(async (u) => {
    const res = await fetch(u);
    return { status: res.status, text: await res.text() };
  }, url);
  expect(body.status, body.text).toBe(200);
  return JSON.parse(body.text) as T;
}

/** Clicks a download link and returns the file's text. */
async function download(page: Page, name: string): Promise<{ file: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  const path = await file.path();
  return { file: file.suggestedFilename(), text: fs.readFileSync(path, 'utf8') };
}

/** The body rows of a table as text cells (the row header first). */
function rowsOf(page: Page, region: string) {
  return page
    .getByRole('region', { name: region })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => [...r.children].map((c) => (c.firstChild?.textContent ?? '').trim())),
    );
}

beforeAll(async () => {
  world = await openWebWorld({
    tenants: [
      { users: 60, profile: 'typical', seed: 'msp-views-a', name: CONTOSO },
      { users: 40, profile: 'neglected', seed: 'msp-views-b', name: FABRIKAM },
    ],
  });
  owner = await openPage(world, pageErrors, { acceptDownloads: true });
  await signIn(owner.page, world.url, world.people.owner);
}, 90_000);

afterAll(async () => {
  await owner?.context.close();
  await world?.close();
  console.log(`screenshots:\n${shots.join('\n')}`);
});

type SkuLine = {
  skuPartNumber: string;
  name: string;
  consumed: number;
  available: number;
  warning: number;
  suspended: number;
};

describe('the MSP views in Chromium', () => {
  test("a tenant's licences tab lists its SKUs with the API's assigned and available units, and sorts", async () => {
    const { page } = owner;
    const fabrikam = world.tenants[1]!;
    await page.goto(`${world.url}/tenants/${fabrikam.id}/licences`);
    const region = page.getByRole('region', { name: 'Per product (SKU)' });
    await region.locator('tbody tr').first().waitFor();
    const api = await apiGet<{ current: { skus: SkuLine[] } }>(
      page,
      `/api/tenants/${fabrikam.id}/licences/skus`,
    );
    const lines = api.current.skus;
    expect(lines.length).toBeGreaterThan(3);
    const rows = await rowsOf(page, 'Per product (SKU)');
    expect(rows).toHaveLength(lines.length);
    for (const l of lines) {
      const row = rows.find((r) => r[0] === l.name);
      expect(row, l.name).toBeDefined();
      // columns: product, bought, assigned, available, …
      expect([row![2], row![3]], l.name).toEqual([gbNumber(l.consumed), gbNumber(l.available)]);
    }
    // the neglected tenant's units in warning and suspended are named, as the API counts them
    const held = lines.filter((l) => l.warning > 0 || l.suspended > 0);
    expect(held.length).toBeGreaterThan(0);
    for (const l of held) {
      const words = [
        l.warning && `${gbNumber(l.warning)} in warning`,
        l.suspended && `${gbNumber(l.suspended)} suspended`,
      ];
      expect(rows.find((r) => r[0] === l.name)![4]).toBe(words.filter(Boolean).join(', '));
    }

    await region.getByRole('button', { name: 'Assigned' }).click();
    await expect(
      region.getByRole('columnheader', { name: 'Assigned' }).getAttribute('aria-sort'),
    ).resolves.toBe('descending');
    const byAssigned = [...lines].sort((a, b) => b.consumed - a.consumed || a.name.localeCompare(b.name));
    expect((await rowsOf(page, 'Per product (SKU)')).map((r) => r[0])).toEqual(byAssigned.map((l) => l.name));
    await region.getByRole('button', { name: 'Assigned' }).press('Enter');
    await expect(
      region.getByRole('columnheader', { name: 'Assigned' }).getAttribute('aria-sort'),
    ).resolves.toBe('ascending');
    expect((await rowsOf(page, 'Per product (SKU)')).map((r) => r[0])).toEqual(
      [...lines].sort((a, b) => a.consumed - b.consumed || a.name.localeCompare(b.name)).map((l) => l.name),
    );
    shots.push(await screenshot(page, 'licences-skus'));
  });

  test('the per-user CSV downloads with its header and one line per licensed user', async () => {
    const { page } = owner;
    const fabrikam = world.tenants[1]!;
    const summary = await apiGet<{ current: { counts: { licensedUsers: number } } }>(
      page,
      `/api/tenants/${fabrikam.id}/licences`,
    );
    const { file, text } = await download(page, 'Download CSV');
    expect(file).toMatch(/^tenantscope-licence-users-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'userPrincipalName,displayName,department,userType,accountEnabled,licences,skuPartNumbers,' +
        'assignment,signIn,lastSignIn,daysSinceSignIn,wasteReasons,wasteMonthly,currency',
    );
    expect(lines).toHaveLength(summary.current.counts.licensedUsers + 1);
  });

  test('/findings lists both tenants, filters by several severities, states and areas (keyboard too), sorts by tenant; back and forward step through the views', async () => {
    const { page } = owner;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Findings' }).click();
    await page.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
    const table = page.getByRole('region', { name: 'Findings of every tenant' });
    await table.locator('tbody tr').first().waitFor();
    type List = { total: number; findings: { tenantName: string; severity: string }[] };
    const failing = await apiGet<List>(page, '/api/findings?state=fail&limit=1');
    const perTenant = await Promise.all(
      world.tenants.map((t) => apiGet<List>(page, `/api/findings?state=fail&limit=1&tenantId=${t.id}`)),
    );
    expect(perTenant.every((t) => t.total > 0)).toBe(true);
    expect(failing.total).toBe(perTenant[0]!.total + perTenant[1]!.total);
    await table.getByText(`of ${gbNumber(failing.total)} findings`).waitFor();

    // sorted by tenant, A–Z then Z–A: each tenant heads the list once
    await table.getByRole('button', { name: 'Tenant' }).click();
    await expect.poll(async () => (await rowsOf(page, 'Findings of every tenant'))[0]?.[0]).toBe(CONTOSO);
    await table.getByRole('button', { name: 'Tenant' }).click();
    await expect.poll(async () => (await rowsOf(page, 'Findings of every tenant'))[0]?.[0]).toBe(FABRIKAM);
    expect(new URL(page.url()).search).toBe('?sort=tenant&dir=desc');

    // severity chips: each shows its count under the other filters, as the API gives it
    const severity = table.getByRole('group', { name: /^Severity/ });
    const counts = (
      await apiGet<List & { bySeverity: Record<string, number> }>(page, '/api/findings?state=fail&limit=1')
    ).bySeverity;
    for (const name of ['critical', 'high', 'medium', 'low'])
      await expect(
        severity.getByRole('checkbox', { name: `${name} ${gbNumber(counts[name] ?? 0)}` }).count(),
      ).resolves.toBe(1);
    await severity.getByRole('checkbox', { name: /^high/ }).check();
    const high = await apiGet<List>(page, '/api/findings?state=fail&severity=high&limit=1');
    expect(high.total).toBe(counts.high);
    expect(high.total).toBeLessThan(failing.total);
    await table.getByText(`of ${gbNumber(high.total)} findings`).waitFor();
    const severities = await table.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(severities)).toEqual(new Set(['high']));

    // the keyboard ticks a second severity: both are in the address and the list
    await severity.getByRole('checkbox', { name: /^critical/ }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => new URL(page.url()).searchParams.get('severity')).toBe('critical,high');
    await table.getByText(`of ${gbNumber(high.total + (counts.critical ?? 0))} findings`).waitFor();
    expect(new Set(await table.locator('tbody tr td:nth-child(3)').allTextContents())).toEqual(
      new Set(['critical', 'high']),
    );
    // a status chip more: failing or passing
    await table
      .getByRole('group', { name: /^Status/ })
      .getByRole('checkbox', { name: 'Passing' })
      .check();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('fail,pass');
    // the areas fold into a disclosure the keyboard opens, ticks and closes with Escape
    const areaSummary = table.locator('summary', { hasText: 'Any area' });
    await areaSummary.focus();
    await page.keyboard.press('Enter');
    const areas = table.getByRole('group', { name: 'Areas' });
    await areas.getByRole('checkbox').first().focus();
    await page.keyboard.press('Space');
    await expect.poll(() => new URL(page.url()).searchParams.get('area')).toBe('tenant');
    await page.keyboard.press('Escape');
    await expect(areas.isVisible()).resolves.toBe(false);
    shots.push(await screenshot(page, 'findings'));
    // back steps through the views: without the area, then failing only, then high only
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('area')).toBe(null);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe(null);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('severity')).toBe('high');
    await expect(severity.getByRole('checkbox', { name: /^critical/ }).isChecked()).resolves.toBe(false);
    await table.getByText(`of ${gbNumber(high.total)} findings`).waitFor();
    await page.goForward();
    await table.getByText(`of ${gbNumber(high.total + (counts.critical ?? 0))} findings`).waitFor();
    await page.goBack();
    await table.getByText(`of ${gbNumber(high.total)} findings`).waitFor();

    const link = table.locator('.finding-row-link').first();
    const title = (await link.textContent())!;
    await link.click();
    await page.getByRole('heading', { name: title, level: 2 }).waitFor();
    expect(page.url()).toMatch(/\/tenants\/[0-9a-f-]{36}\/posture\/[\w.-]+$/);
    // back: the same list, filters kept
    await page.goBack();
    await expect(severity.getByRole('checkbox', { name: /^high/ }).isChecked()).resolves.toBe(true);
    await table.getByText(`of ${gbNumber(high.total)} findings`).waitFor();

    // words: the check id of one finding narrows the list to that check, once per tenant at most
    const checkId = (await table.locator('tbody tr th .mono').first().textContent())!;
    await severity.getByRole('checkbox', { name: /^high/ }).uncheck();
    await expect.poll(() => new URL(page.url()).searchParams.get('severity')).toBe(null);
    await page.getByRole('searchbox', { name: 'Search' }).fill(checkId);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.url()).toContain(`q=${encodeURIComponent(checkId)}`);
    await expect
      .poll(async () => [...new Set(await table.locator('tbody tr th .mono').allTextContents())])
      .toEqual([checkId]);
    expect(await table.locator('tbody tr').count()).toBeLessThanOrEqual(2);

    // tenants: the picker narrows to one tenant, then to both, and clears back to every tenant
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(null);
    await table.locator('summary', { hasText: 'Every tenant' }).click();
    const tenants = table.getByRole('group', { name: 'tenants' });
    await tenants.getByRole('checkbox', { name: FABRIKAM }).check();
    await expect.poll(() => new URL(page.url()).searchParams.get('tenant')).toBe(world.tenants[1]!.id);
    await table.getByText(`of ${gbNumber(perTenant[1]!.total)} findings`).waitFor();
    expect(new Set((await rowsOf(page, 'Findings of every tenant')).map((r) => r[0]))).toEqual(
      new Set([FABRIKAM]),
    );
    await expect(table.locator('summary', { hasText: FABRIKAM }).count()).resolves.toBe(1);
    await tenants.getByRole('checkbox', { name: CONTOSO }).check();
    await expect.poll(() => new URL(page.url()).searchParams.get('tenant')?.split(',').length).toBe(2);
    await table.getByText(`of ${gbNumber(failing.total)} findings`).waitFor();
    await expect(table.locator('summary', { hasText: '2 tenants' }).count()).resolves.toBe(1);
    await tenants.getByRole('button', { name: 'Every tenant' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tenant')).toBe(null);
  });

  test('/licences shows both tenants; the totals are the sum of the rows and the API totals', async () => {
    const { page } = owner;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Licence book' }).click();
    await page.getByRole('heading', { name: 'Licence book', level: 1 }).waitFor();
    const region = page.getByRole('region', { name: 'Licence book' });
    await region.locator('tbody tr').nth(1).waitFor();
    type Book = {
      tenants: {
        tenantName: string;
        currency: string;
        totals: { wasteMonthly: number; spendMonthly: number };
      }[];
      totals: { currency: string; tenants: number; wasteMonthly: number; spendMonthly: number }[];
    };
    const book = await apiGet<Book>(page, '/api/licences');
    expect(book.tenants.map((t) => t.tenantName).sort()).toEqual([CONTOSO, FABRIKAM]);
    expect(book.totals).toHaveLength(1);
    const usd = book.totals[0]!;
    const cents = (pick: (t: Book['tenants'][number]) => number) =>
      book.tenants.reduce((c, t) => c + Math.round(pick(t) * 100), 0) / 100;
    expect(usd.wasteMonthly).toBe(cents((t) => t.totals.wasteMonthly));
    expect(usd.spendMonthly).toBe(cents((t) => t.totals.spendMonthly));

    const rows = await rowsOf(page, 'Licence book');
    expect(rows.map((r) => r[0]).sort()).toEqual([CONTOSO, FABRIKAM]);
    for (const t of book.tenants) {
      const row = rows.find((r) => r[0] === t.tenantName)!;
      expect([row[1], row[2]]).toEqual([
        gbMoney(t.totals.spendMonthly, 'USD'),
        gbMoney(t.totals.wasteMonthly, 'USD'),
      ]);
    }
    const total = await region
      .locator('tfoot tr')
      .evaluateAll((trs) =>
        trs.map((r) => [...r.children].map((c) => (c.firstChild?.textContent ?? '').trim())),
      );
    expect(total).toEqual([
      [
        'Total',
        gbMoney(usd.spendMonthly, 'USD'),
        gbMoney(usd.wasteMonthly, 'USD'),
        expect.any(String),
        expect.any(String),
        expect.any(String),
        '',
      ],
    ]);
    await region.getByText('2 tenants').first().waitFor();
    // the week-by-week chart ends "as of now": at the book's totals
    const chart = page
      .getByRole('region', { name: 'Cost and waste per month, week by week' })
      .getByRole('img');
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toContain(
      `now ${gbMoney(usd.spendMonthly, 'USD')} a month with ${gbMoney(usd.wasteMonthly, 'USD')} certain waste`,
    );
    shots.push(await screenshot(page, 'licence-book'));

    // sorted by waste, largest first by default; a click turns it round
    const byWaste = [...book.tenants].sort((a, b) => b.totals.wasteMonthly - a.totals.wasteMonthly);
    expect(rows.map((r) => r[0])).toEqual(byWaste.map((t) => t.tenantName));
    await region.getByRole('button', { name: 'Waste / month' }).click();
    await expect
      .poll(async () => (await rowsOf(page, 'Licence book')).map((r) => r[0]))
      .toEqual(byWaste.reverse().map((t) => t.tenantName));
    // the filter narrows the rows and the totals with them
    await region.getByRole('searchbox').fill('fabrikam');
    await expect.poll(async () => (await rowsOf(page, 'Licence book')).map((r) => r[0])).toEqual([FABRIKAM]);
    await region.getByText('1 tenant', { exact: true }).first().waitFor();
    await region.getByRole('searchbox').fill('');

    const { file, text } = await download(page, 'Export CSV');
    expect(file).toMatch(/^tenantscope-licences-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^tenant,tenantId,collectedAt,currency,purchased,.*,wasteMonthly,.*,topWasteSku$/,
    );
    expect(lines).toHaveLength(3);
  });

  test('every main page fits 1280, 1024 and 768 px without sideways scrolling; the menu works by keyboard', async () => {
    const { page } = owner;
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    const t = world.tenants[1]!.id;
    const paths = [
      '/',
      ...['posture', 'drift', 'licences', 'sync'].map((tab) => `/tenants/${t}/${tab}`),
      '/findings',
      '/licences',
      '/standards',
      '/alerts',
      '/settings',
      '/audit',
      '/account',
      '/connect',
    ];
    const overflows: string[] = [];
    for (const width of [1280, 1024, 768]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of paths) {
        await page.goto(`${world.url}${path}`);
        await page.locator('main h1').first().waitFor();
        await expect.poll(() => page.locator('.loading').count()).toBe(0);
        const over = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        if (over > 1) overflows.push(`${width} px ${path}: ${over} px too wide`);
      }
      await page.goto(`${world.url}/`);
      await page.getByRole('row', { name: new RegExp(CONTOSO) }).waitFor();
      shots.push(await screenshot(page, `layout-overview-${width}`));
      if (width === 1280) {
        // wide: every link is on the header's one line, with the person and "Sign out"
        await expect(menu.isVisible()).resolves.toBe(false);
        const tops = await page
          .locator('.topbar a, .topbar button')
          .evaluateAll((els) =>
            els
              .filter((e) => e.getClientRects().length > 0)
              .map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)),
          );
        expect(tops.length).toBe(OWNER_LINKS.length + 3); // the brand, the name, "Sign out"
        expect(Math.max(...tops) - Math.min(...tops)).toBeLessThanOrEqual(2);
        await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(OWNER_LINKS);
        continue;
      }
      // narrower: the links fold behind "Menu", which the keyboard opens, walks and closes
      await expect.poll(() => nav.getByRole('link').count()).toBe(0);
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      await menu.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('true');
      await expect.poll(() => nav.getByRole('link').allTextContents()).toEqual(OWNER_LINKS);
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Tenants');
      await page.keyboard.press('Escape');
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Menu');
      await expect.poll(() => nav.getByRole('link').count()).toBe(0);
      await page.keyboard.press('Space');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Tenants');
      await page.keyboard.press('Tab');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Findings');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      await menu.click();
      await expect
        .poll(() => nav.getByRole('link', { name: 'Findings' }).getAttribute('aria-current'))
        .toBe('page');
      await menu.click();
      await expect.poll(() => nav.getByRole('link').count()).toBe(0);
    }
    expect(overflows).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000); // 39 page loads: under a loaded CI runner this walk alone nears the default 30 s

  test('a reports member opens both views from the navigation, on a tablet too', async () => {
    const { context, page } = await openPage(world, pageErrors, {
      viewport: { width: 768, height: 1000 },
      acceptDownloads: true,
    });
    await signIn(page, world.url, world.people.reader);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Tenants',
      'Findings',
      'Licence book',
      'Standards',
    ]);
    await nav.getByRole('link', { name: 'Findings' }).click();
    await page
      .getByRole('region', { name: 'Findings of every tenant' })
      .locator('tbody tr')
      .first()
      .waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    shots.push(await screenshot(page, 'findings-tablet-reports'));
    await menu.click();
    await nav.getByRole('link', { name: 'Licence book' }).click();
    await page.getByRole('region', { name: 'Licence book' }).locator('tbody tr').nth(1).waitFor();
    await menu.click();
    await expect(nav.getByRole('link', { name: 'Licence book' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    await context.close();
  });

  test('no script error or CSP violation in any page, and the server logged no warning', () => {
    expect(pageErrors).toEqual([]);
    expect(world.warnings).toEqual([]);
  });
});
