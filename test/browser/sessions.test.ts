/// <reference lib="dom" />
// Sessions as a person lives with them: the README's own address and its other spelling, five
// tabs restored at once, and the sign-in and security settings.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, screenshot, startSite, type Site } from '../helpers/browser.ts';

let site: Site;
let port: string;
beforeAll(async () => {
  site = await startSite({ publicUrl: false });
  port = new URL(site.base).port;
});
afterAll(async () => site?.close());

const password = 'a sessions test passphrase';

async function signUpIn(page: Page, email: string) {
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Tabby');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /Create (my )?account|Sign up/ }).click();
  await page.waitForURL('**/dashboard');
}

const signedIn = (page: Page) => page.getByRole('button', { name: /Sign out/ }).waitFor();

describe('without PUBLIC_URL', () => {
  for (const host of ['127.0.0.1', 'localhost']) {
    it(`keeps the session across reloads and tabs, and signs out, at http://${host}`, async () => {
      const context = await site.browser.newContext({ baseURL: `http://${host}:${port}` });
      const page = await context.newPage();
      await signUpIn(page, `loopback-${host}-${Date.now()}@example.com`);
      for (let i = 0; i < 3; i++) {
        await page.reload();
        await signedIn(page);
      }
      const tab = await context.newPage();
      await tab.goto('/dashboard');
      await signedIn(tab);
      await page.getByRole('button', { name: /Sign out/ }).click();
      await page.getByText('You are signed out.').waitFor();
      await page.reload();
      await page.getByRole('link', { name: 'Sign in' }).waitFor();
      await tab.reload();
      await tab.getByRole('link', { name: 'Sign in' }).waitFor();
      await context.close();
    });
  }
});

describe('several tabs', () => {
  it('never sign a person out: five tabs reloaded together, 20 rounds', async () => {
    const context = await site.browser.newContext({ baseURL: site.base });
    const first = await context.newPage();
    await signUpIn(first, `tabs-${Date.now()}@example.com`);
    const tabs = [first, ...(await Promise.all(Array.from({ length: 4 }, () => context.newPage())))];
    await Promise.all(tabs.slice(1).map((tab) => tab.goto('/dashboard')));
    let signOuts = 0;
    for (let round = 0; round < 20; round++) {
      await Promise.all(tabs.map((tab) => tab.reload()));
      const states = await Promise.all(
        tabs.map((tab) =>
          Promise.race([
            tab
              .getByRole('button', { name: /Sign out/ })
              .waitFor()
              .then(() => 'in'),
            tab
              .getByRole('link', { name: 'Sign in' })
              .waitFor()
              .then(() => 'out'),
          ]),
        ),
      );
      signOuts += states.filter((s) => s === 'out').length;
    }
    expect(signOuts).toBe(0);
    await context.close();
  });
});

describe('sign-in and security settings', () => {
  it('change the password, list the devices and sign another one out', async () => {
    const email = `settings-${Date.now()}@example.com`;
    const laptop = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1280, height: 900 },
    });
    const phone = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 360, height: 800 },
    });
    const page = await laptop.newPage();
    await signUpIn(page, email);
    const other = await phone.newPage();
    await other.goto('/login');
    await other.getByLabel('Email').fill(email);
    await other.getByLabel('Password').fill(password);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.waitForURL('**/dashboard');

    await page.goto('/settings');
    const devices = page.getByRole('region', { name: 'Where you are signed in' });
    await expect.poll(() => devices.getByRole('listitem').count()).toBe(2);
    await devices.getByText('this device').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'settings-security');
    await devices.getByRole('button', { name: /^Sign out/ }).click();
    await expect.poll(() => devices.getByRole('listitem').count()).toBe(1);
    await other.reload();
    // On the phone the navigation sits behind the menu button.
    await other.getByRole('button', { name: /menu/i }).click();
    await other.getByRole('link', { name: 'Sign in' }).waitFor();

    const form = page.getByRole('form', { name: 'Password' });
    await form.getByLabel('Current password').fill(password);
    await form.getByLabel('New password').fill('an even better passphrase');
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other devices are signed out.').waitFor();
    await laptop.close();
    await phone.close();
  });
});
