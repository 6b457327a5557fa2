/// <reference lib="dom" />
// The web app a learner chooses (issue "The web app a learner chooses"): the map, statuses at a
// glance, "Continue", search, navigation, the timer that survives, the study history, messages
// at the end of flows, the header on phones, themes, shortcuts, the offline API reference, and
// every page axe-clean and within 360 px, light and dark.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  screenshot,
  signUpInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => site?.close());

const password = 'a web app test passphrase';

async function newPage(
  options: { width?: number; scheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await site.browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.scheme ?? 'light',
    baseURL: site.base,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('dialog', (d) => void d.accept()); // confirm() and the leave guard
  return { context, page, errors };
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

describe('the roadmap as a map', () => {
  it('is an ordered path of named nodes that arrow keys walk and Enter opens; keys set statuses', async () => {
    const { context, page } = await newPage();
    await page.goto('/roadmaps/backend-developer');
    const nodes = page.locator('.roadmap-map a.map-node');
    await nodes.first().waitFor();
    // One tab stop for the whole map: the next step.
    expect(await page.locator('.roadmap-map a.map-node[tabindex="0"]').count()).toBe(1);
    await nodes.first().focus();
    await page.keyboard.press('ArrowRight');
    expect(await focusedText(page)).toMatch(/^Step 2 of 10: OOP & design patterns — required, to do\./);
    await page.keyboard.press('End');
    expect(await focusedText(page)).toMatch(/^Step 10 of 10:/);
    await page.keyboard.press('Home');
    await page.keyboard.press('d');
    await expect
      .poll(() => nodes.first().textContent())
      .toMatch(/^Step 1 of 10: Language fundamentals — required, done\./);
    // Optional steps are dashed, required solid; each status has its own icon, not only a colour.
    expect(
      await page
        .locator('.map-step.optional .map-node')
        .first()
        .evaluate((el) => getComputedStyle(el).borderStyle),
    ).toBe('dashed');
    expect(
      await page
        .locator('.map-step.required .map-node')
        .first()
        .evaluate((el) => getComputedStyle(el).borderStyle),
    ).toBe('solid');
    expect(await page.locator('.map-step.status-done svg.status-done').count()).toBe(1);
    // The milestone stands after its step.
    expect(await page.locator('#main .map-milestone').textContent()).toMatch(/Milestone after this step/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/roadmaps/backend-developer/steps/oop-and-design-patterns');
    await context.close();
  });

  it('is a vertical path at 360 px, light and dark, with no horizontal scrolling; the list is remembered', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await newPage({ width: 360, scheme });
      await page.goto('/roadmaps/backend-developer');
      await page.locator('.roadmap-map a.map-node').first().waitFor();
      const xs = await page
        .locator('.roadmap-map a.map-node')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x));
      expect(new Set(xs.map((x) => Math.round(x))).size).toBe(1); // one column
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `roadmap-map-phone-${scheme}`);
      await page.getByRole('button', { name: 'List' }).click();
      await page.reload();
      await page.locator('li.step').first().waitFor();
      expect(await page.getByRole('button', { name: 'List' }).getAttribute('aria-pressed')).toBe('true');
      // The segmented control's targets are at least 44 px tall on a phone.
      const height = await page
        .locator('li.step .status-option span')
        .first()
        .evaluate((el) => el.getBoundingClientRect().height);
      expect(height).toBeGreaterThanOrEqual(44);
      await context.close();
    }
  });

  it('prints the path', async () => {
    const { context, page } = await newPage();
    await page.goto('/roadmaps/backend-developer');
    await page.locator('.roadmap-map').waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.roadmap-map .map-node').count()).toBe(10);
    expect(await page.locator('.view-bar').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.length).toBeGreaterThan(10_000);
    await context.close();
  });
});

describe('continue first', () => {
  it('shows the next step, the milestone and its hours at the top of the roadmap and the dashboard', async () => {
    const { context, page } = await newPage();
    await page.goto('/roadmaps/backend-developer');
    await page.getByRole('link', { name: /Start: step 1 — Language fundamentals/ }).waitFor();
    await signUpInBrowser(page, 'Web Learner', password);
    await page.goto('/roadmaps/backend-developer');
    await page.locator('.roadmap-map a.map-node').first().focus();
    await page.keyboard.press('d');
    await page
      .getByRole('link', { name: /Continue: step 2 — OOP & design patterns/ })
      .first()
      .waitFor();
    expect(await page.locator('.continue').first().textContent()).toMatch(
      /Next milestone: .*4 required steps to go, about 160 hours/,
    );
    await expect.poll(() => page.locator('.cta h2').textContent()).toMatch(/Keep going: 10% done/);
    await page.goto('/dashboard');
    await page.getByRole('link', { name: /Continue: step 2 — OOP & design patterns/ }).waitFor();
    await context.close();
  });
});

describe('search in the header', () => {
  it('focuses on /, suggests as you type with the words marked, chooses by keyboard, and has a results page', async () => {
    const { context, page } = await newPage();
    await page.goto('/roadmaps/backend-developer');
    await page.locator('.roadmap-map').waitFor();
    // The search box is its own chunk: on a busy machine the map can be drawn before it loads.
    const box = page.getByRole('combobox', { name: 'Search roadmaps and steps' });
    await box.waitFor();
    await page.keyboard.press('/');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('redis');
    const options = page.getByRole('option');
    await options.first().waitFor();
    expect(await page.locator('.header-search-results mark').first().textContent()).toMatch(/redis/i);
    await page.keyboard.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBeTruthy();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/roadmaps\//);
    await box.fill('indexes');
    await box.press('Enter');
    await page.waitForURL('**/search?q=indexes');
    await page.getByRole('heading', { level: 1, name: 'Results for “indexes”' }).waitFor();
    await page.locator('.search-results li').first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('navigation', () => {
  it('starts each page at its top with the heading focused; back returns to the old position', async () => {
    const { context, page } = await newPage({ width: 360 });
    await page.goto('/roadmaps/backend-developer');
    const last = page.locator('.roadmap-map a.map-node').last();
    await last.scrollIntoViewIfNeeded();
    const before = await page.evaluate(() => window.scrollY);
    expect(before).toBeGreaterThan(1000);
    await last.click();
    await page.waitForURL('**/steps/containers-and-deployment');
    await page.getByRole('heading', { level: 1, name: 'Containers & deployment' }).waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await expect.poll(() => focusedText(page)).toBe('Containers & deployment');
    await page.goBack();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(before - 50);
    // From the catalog on a phone, a roadmap opens at its top.
    await page.goto('/');
    await page.getByRole('link', { name: 'Git Essentials' }).click();
    await page.getByRole('heading', { level: 1, name: 'Git Essentials' }).waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await context.close();
  });
});

describe('the study timer', () => {
  it('survives leaving the page, a reload and another tab, attaches to a step, and logs once', async () => {
    const { context, page } = await newPage();
    await signUpInBrowser(page, 'Web Learner', password);
    await page.goto('/roadmaps/backend-developer/steps/postgresql');
    await page.getByRole('button', { name: 'Start the timer for this step' }).click();
    const chip = page.getByRole('group', { name: 'Study timer for SQL & PostgreSQL' });
    await chip.waitFor();
    await page.goto('/');
    await chip.waitFor();
    await page.reload();
    await chip.waitFor();
    const other = await context.newPage();
    await other.goto('/dashboard');
    await other.getByRole('group', { name: 'Study timer for SQL & PostgreSQL' }).waitFor();
    await other.getByRole('button', { name: 'Pause the timer' }).click();
    // One timer across tabs: the first tab sees it paused.
    await page.getByRole('button', { name: 'Resume the timer' }).waitFor();
    await page.getByRole('button', { name: 'Stop the timer and log the time' }).click();
    await chip.waitFor({ state: 'hidden' });
    await page.goto('/history');
    await page.locator('.session').first().waitFor();
    expect(await page.locator('.session').count()).toBe(1);
    expect(await page.locator('.session').first().textContent()).toMatch(/1 min.*postgresql/);
    await context.close();
  });
});

describe('the study history', () => {
  it('edits and deletes sessions, and the dashboard follows at once — and so does a changed goal', async () => {
    const { context, page } = await newPage();
    await signUpInBrowser(page, 'Web Learner', password);
    await page.getByLabel('Minutes', { exact: true }).fill('20');
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    await page.getByText('Logged 20 min.').waitFor();
    await page.goto('/history');
    await page.getByRole('button', { name: /^Edit 20 minutes/ }).click();
    const form = page.getByRole('form', { name: /Edit the session/ });
    await form.getByLabel('Minutes', { exact: true }).fill('45');
    await form.getByLabel('Roadmap').selectOption('backend-developer');
    await form.getByLabel('Step').selectOption('rest-apis');
    await form.getByLabel('Note').fill('Idempotency keys');
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/45 min.*rest-apis.*Idempotency keys/).waitFor();
    await screenshot(page, 'history');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect.poll(() => page.locator('.stat').nth(2).textContent()).toMatch(/^45\/30/);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Daily goal (minutes)').fill('60');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect.poll(() => page.locator('.stat').nth(2).textContent()).toMatch(/^45\/60/);
    await page.goto('/history');
    await page.getByRole('button', { name: /^Delete 45 minutes/ }).click();
    await page.getByText('Nothing logged yet.', { exact: false }).waitFor();
    await context.close();
  });
});

describe('messages where a flow ends', () => {
  it('after a password reset, deleting the account and signing out; error pages have a way back; sign-up errors appear once', async () => {
    const { context, page } = await newPage();
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Short');
    await page.getByLabel('Email').fill(`short-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('waymark waymark waymark');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('.field-error').first().waitFor();
    expect(await page.getByText(/mostly made of your email/).count()).toBe(1);
    await page.goto('/roadmaps/no-such-roadmap');
    await page.getByRole('heading', { level: 1, name: 'There is no such roadmap' }).waitFor();
    await page.getByRole('link', { name: 'Back to the roadmaps' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await signUpInBrowser(page, 'Web Learner', password);
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByText('You are signed out.').waitFor();
    await signUpInBrowser(page, 'Leaving Learner', password);
    await page.goto('/settings');
    await page.getByLabel('Type "delete my account" to confirm').fill('delete my account');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByText('Your account and everything in it were deleted.').waitFor();
    await context.close();
  });
});

describe('ticks made while signed out', () => {
  it('are offered for import after signing in, not only after signing up', async () => {
    const { context, page } = await newPage();
    const email = await signUpInBrowser(page, 'Returning Learner', password);
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.goto('/roadmaps/git-essentials');
    await page.locator('.roadmap-map a.map-node').first().focus();
    await page.keyboard.press('d');
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    expect(await page.getByLabel(/Keep the 1 step you marked/).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    await page.goto('/roadmaps/git-essentials');
    await expect.poll(() => page.locator('.roadmap-map a.map-node').first().textContent()).toMatch(/, done/);
    await context.close();
  });
});

describe('the header and the page shell', () => {
  it('logs no console error on an anonymous visit', async () => {
    const { context, page, errors } = await newPage();
    await page.goto('/');
    await page.locator('.hero-map .roadmap-map').waitFor();
    await page.goto('/roadmaps/backend-developer');
    await page.locator('.roadmap-map').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('has a menu button on phones, a remembered theme switch, and a shortcut sheet on ?', async () => {
    const { context, page } = await newPage({ width: 360 });
    await page.goto('/');
    await page.locator('.hero-map .roadmap-map').waitFor();
    const header = await page.locator('.header-inner').evaluate((el) => el.getBoundingClientRect().height);
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(false);
    await menu.click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(header).toBeLessThan(140);
    await page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
      'rgb(13, 17, 23)',
    );
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    expect(await sheet.textContent()).toMatch(/Search roadmaps and steps/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });
    await context.close();
  });

  it('serves the API reference with nothing from third parties and no vendor AI or deploy buttons', async () => {
    const { context, page } = await newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(site.base) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.goto('/api/docs');
    await page.getByText('Waymark API').first().waitFor({ timeout: 30_000 });
    // Let everything the page asks for at start be asked for: no new request for a second.
    let seen = -1;
    let count = 0;
    page.on('request', () => count++);
    while (seen !== count) {
      seen = count;
      await page.waitForTimeout(1000);
    }
    expect(foreign).toEqual([]);
    expect(await page.getByText(/Ask AI/).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Deploy/ }).count()).toBe(0);
    await context.close();
  });
});

describe('every page', () => {
  const pages = [
    '/',
    '/roadmaps/backend-developer',
    '/roadmaps/backend-developer/steps/postgresql',
    '/login',
    '/signup',
    '/search?q=git',
    '/nowhere',
  ];
  for (const width of [1280, 360]) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`is axe-clean and fits at ${width} px, ${scheme}`, async () => {
        const { context, page } = await newPage({ width, scheme });
        for (const url of pages) {
          await page.goto(url);
          await page.locator('main h1').waitFor();
          expect(await accessibilityViolations(page), url).toEqual([]);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(
            width,
          );
        }
        await signUpInBrowser(page, 'Web Learner', password);
        for (const url of ['/dashboard', '/history', '/settings']) {
          await page.goto(url);
          await page.locator('main h1').waitFor();
          expect(await accessibilityViolations(page), url).toEqual([]);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(
            width,
          );
          if (width === 360 && url === '/dashboard') await screenshot(page, `dashboard-phone-${scheme}`);
        }
        await context.close();
      });
    }
  }
});
