import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPage, openWebWorld, screenshot, signIn, type WebWorld } from './web-harness.ts';

/**
 * Sign-in with Microsoft in real Chromium: the owner links their Entra account from "Your
 * account" (the emulator's own sign-in form, over its HTTPS), then signs in with it from the
 * sign-in page; once unlinked, the same Microsoft sign-in is refused in words. The emulator
 * serves its pages with a certificate from its own CA, which only this browser context accepts.
 */
let world: WebWorld;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const shots: string[] = [];

async function microsoftForm(who: { upn: string; password: string }) {
  await page.getByLabel('User name').fill(who.upn);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  world = await openWebWorld({ microsoftSignIn: true });
  ({ context, page } = await openPage(world, pageErrors, { ignoreHTTPSErrors: true }));
}, 90_000);

afterAll(async () => {
  await context?.close();
  await world?.close();
  console.log(`screenshots:\n${shots.join('\n')}`);
});

describe('sign-in with Microsoft in Chromium', () => {
  const entra = () => {
    const user = world.emulator.stores[0]!.model.signInUsers[0]!;
    return { upn: user.userPrincipalName, password: user.password };
  };

  test('the owner links their Microsoft account from Your account', async () => {
    await signIn(page, world.url, world.people.owner);
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.getByRole('button', { name: 'Link your Microsoft account' }).click();
    await page.getByLabel('Your Tenantscope password').fill('not my password');
    await page.getByRole('button', { name: 'Continue to Microsoft' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /password/i })
      .waitFor();
    await page.getByLabel('Your Tenantscope password').fill(world.people.owner.password);
    await page.getByRole('button', { name: 'Continue to Microsoft' }).click();
    await page.waitForURL((u) => u.origin === new URL(world.emulator.authorityHost).origin);
    await microsoftForm(entra());
    await page.waitForURL((u) => u.pathname === '/account');
    await page.getByText(`Linked to ${entra().upn}`).waitFor();
    shots.push(await screenshot(page, 'account-microsoft-linked'));
  });

  test('after signing out, "Sign in with Microsoft" signs the owner in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    shots.push(await screenshot(page, 'signin-microsoft'));
    await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
    await microsoftForm(entra());
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.json()));
    expect(me.person.email).toBe(world.people.owner.email);
  });

  test('once unlinked, the same Microsoft account is refused, in words', async () => {
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.getByRole('button', { name: 'Unlink…' }).click();
    await page.getByRole('button', { name: 'Unlink', exact: true }).click();
    await page.getByRole('button', { name: 'Link your Microsoft account' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
    await microsoftForm(entra());
    await page.waitForURL((u) => u.pathname === '/signin' && u.searchParams.has('error'));
    const words = await page.locator('#microsoft-signin-error').textContent();
    expect(words).toMatch(/not linked|link/i);
    expect(await page.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
    shots.push(await screenshot(page, 'signin-microsoft-refused'));
  });

  test('no script error or CSP violation, and the server logged no warning', () => {
    expect(pageErrors).toEqual([]);
    expect(world.warnings).toEqual([]);
  });
});
