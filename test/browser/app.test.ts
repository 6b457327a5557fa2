/// <reference lib="dom" />
// The web app as learners use it, in a real browser against the real server.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  screenshot,
  signInInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => site?.close());

const email = `browser-${Date.now()}@example.com`;
const password = 'a browser test passphrase';
const REQUIRED_TO_MILESTONE = [
  'language-fundamentals',
  'oop-and-design-patterns',
  'postgresql',
  'rest-apis',
  'auth-and-security',
];

async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await site.browser.newContext({ viewport: { width, height: 900 }, baseURL: site.base });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  return { context, page };
}

describe('an anonymous visitor', () => {
  it('reads the whole Backend Developer roadmap', async () => {
    const { context, page } = await newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Backend Developer', exact: true }).click();
    await page.waitForURL('**/roadmaps/backend-developer');
    await expect.poll(() => page.title()).toBe('Backend Developer roadmap · Waymark');
    expect(await page.locator('meta[name="description"]').getAttribute('content')).toMatch(/REST APIs/);
    await page.getByRole('heading', { level: 1, name: 'Backend Developer' }).waitFor();
    // The map first: one ordered path of ten steps, each named with its place, kind and status.
    const nodes = page.locator('.roadmap-map .map-node');
    expect(await nodes.count()).toBe(10);
    // Its accessible name says in words what the eye gets from colour, border and icon.
    expect(
      await page
        .getByRole('link', {
          name: /^Step 1 of 10: Language fundamentals\s+— required, to do, your next step\. about 60 hours$/,
        })
        .count(),
    ).toBe(1);
    await screenshot(page, 'roadmap-map');
    // The list view is one toggle away, and the choice is remembered.
    await page.getByRole('button', { name: 'List' }).click();
    await page.locator('li.step').first().waitFor();

    const steps = page.locator('li.step');
    expect(await steps.count()).toBe(10);
    expect(await page.locator('li.step.required').count()).toBe(7);
    expect(await page.locator('li.step .badge-optional').allTextContents()).toEqual([
      'Optional',
      'Optional',
      'Optional',
    ]);
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Language & OOP'),
        expect.stringContaining('Data & APIs'),
        expect.stringContaining('Scale & Reliability'),
      ]),
    );
    // The milestone stands between layer 2 and layer 3, not reached yet.
    const milestone = page.locator('aside.milestone');
    expect(await milestone.textContent()).toMatch(/Not reached yet/);
    expect(await milestone.evaluate((m) => m.closest('section')?.querySelector('h2')?.textContent)).toMatch(
      /Data & APIs/,
    );
    // Both comparison tables, as tables with headers.
    const tables = page.locator('table');
    expect(await tables.count()).toBe(2);
    expect(await tables.nth(0).locator('thead th').allTextContents()).toEqual([
      'Attribute',
      'REST',
      'GraphQL',
      'gRPC',
    ]);
    expect(await tables.nth(0).locator('tbody tr').count()).toBe(6);
    expect(await tables.nth(1).locator('tbody tr').count()).toBe(5);
    // Four FAQ entries as disclosures.
    const faq = page.locator('.faq details');
    expect(await faq.count()).toBe(4);
    await faq.first().locator('summary').click();
    expect(await faq.first().getAttribute('open')).not.toBeNull();
    await expect.poll(() => page.getByRole('link', { name: 'Begin with the first step' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Map' }).click();
    await screenshot(page, 'roadmap');

    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('keeps ticks in the browser and offers them on sign-up, at phone width', async () => {
    const { context, page } = await newPage(360);
    await page.goto('/roadmaps/backend-developer');
    await page.getByRole('button', { name: 'List' }).click();
    await page.locator('#step-language-fundamentals').getByRole('radio', { name: 'Done' }).check();
    await page.reload();
    await expect
      .poll(() => page.locator('#step-language-fundamentals input[value="done"]').isChecked())
      .toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'roadmap-phone');

    await page.getByRole('link', { name: 'Sign up' }).first().click();
    await page.getByLabel('Name').fill('Browser Learner');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    expect(await page.getByLabel(/Keep the 1 step you marked/).isChecked()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/dashboard');
    await page.goto('/roadmaps/backend-developer');
    await expect
      .poll(() => page.locator('#step-language-fundamentals input[value="done"]').isChecked())
      .toBe(true);
    await context.close();
  });
});

describe('a signed-in learner', () => {
  it('marks the required steps by keyboard, reaches the milestone, and it stays after a reload', async () => {
    const { context, page } = await newPage();
    await signInInBrowser(page, { email, password });
    await page.goto('/roadmaps/backend-developer');
    await page.getByRole('button', { name: 'List' }).click();
    await page.locator('li.step').first().waitFor();
    for (const slug of REQUIRED_TO_MILESTONE) {
      await page.locator(`#step-${slug}`).focus();
      await page.keyboard.press('d');
      await expect.poll(() => page.locator(`#step-${slug} input[value="done"]`).isChecked()).toBe(true);
    }
    await expect.poll(() => page.locator('aside.milestone').textContent()).toMatch(/Reached/);
    // A moment of celebration, with the way to share it.
    const celebration = page.getByRole('dialog', { name: /Milestone reached/ });
    await celebration.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'milestone-reached');
    await celebration.getByRole('button', { name: 'Keep going' }).click();
    await celebration.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('li.step.next').getAttribute('id')).toBe('step-caching-with-redis');
    await page.reload();
    await expect.poll(() => page.locator('aside.milestone').textContent()).toMatch(/Reached ✓/);
    expect(await page.getByRole('progressbar', { name: /Required steps: 5 of 7 done/ }).count()).toBe(1);
    // The celebration is for the moment it happens, not for every later visit.
    expect(await page.getByRole('dialog', { name: /Milestone reached/ }).count()).toBe(0);
    await page.locator('#step-rest-apis').focus();
    await page.keyboard.press('l');
    await expect.poll(() => page.locator('aside.milestone').textContent()).toMatch(/Not reached yet/);
    await page.keyboard.press('d');
    await expect.poll(() => page.locator('aside.milestone').textContent()).toMatch(/Reached/);
    await context.close();
  });

  it('sees a change made in another browser live, without reloading', async () => {
    const a = await newPage();
    const b = await newPage();
    await signInInBrowser(a.page, { email, password });
    await signInInBrowser(b.page, { email, password });
    await b.page.goto('/roadmaps/backend-developer');
    await b.page.getByRole('button', { name: 'List' }).click();
    await b.page.locator('#step-testing-and-ci').waitFor();
    expect(await b.page.locator('#step-testing-and-ci input[value="in_progress"]').isChecked()).toBe(false);
    await a.page.goto('/roadmaps/backend-developer');
    await a.page.getByRole('button', { name: 'List' }).click();
    await a.page.locator('#step-testing-and-ci').getByRole('radio', { name: 'Learning' }).check();
    await expect
      .poll(() => b.page.locator('#step-testing-and-ci input[value="in_progress"]').isChecked())
      .toBe(true);
    await a.context.close();
    await b.context.close();
  });

  it('sends a change made while the session is still loading to the account, keeping this browser’s older tick', async () => {
    const { context, page } = await newPage();
    await signInInBrowser(page, { email, password });
    // A tick this browser kept from before signing in (not imported), for the step changed below.
    const KEY = 'waymark:progress:v1';
    const older = { 'git-essentials': { 'commits-and-history': 'done' } };
    await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [KEY, JSON.stringify(older)]);
    // The session is restored by a refresh on load: hold it, so the change is made while loading.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/auth/refresh', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/roadmaps/git-essentials/steps/commits-and-history');
    await page.getByRole('radio', { name: 'Learning' }).check();
    const saved = page.waitForResponse(
      (r) =>
        r.request().method() === 'PUT' &&
        r.url().endsWith('/api/v1/me/roadmaps/git-essentials/steps/commits-and-history'),
    );
    release();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => page.getByRole('radio', { name: 'Learning' }).isChecked()).toBe(true);
    expect(JSON.parse((await page.evaluate((key) => localStorage.getItem(key), KEY))!)).toEqual(older);
    await context.close();
  });

  it('logs the study timer once on a double click', async () => {
    const { context, page } = await newPage();
    await signInInBrowser(page, { email, password });
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForTimeout(1200);
    await page.getByRole('button', { name: 'Stop and log' }).dblclick();
    await page.getByText(/Logged 1 min/).waitFor();
    const sessions = await page.evaluate(async () => {
      const refresh = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'x-waymark-client': 'web', 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.json() as Promise<{ accessToken: string }>);
      const list = await fetch('/api/v1/me/study-sessions', {
        headers: { authorization: `Bearer ${refresh.accessToken}` },
      }).then((r) => r.json() as Promise<{ items: unknown[] }>);
      return list.items.length;
    });
    expect(sessions).toBe(1);
    await expect.poll(() => page.locator('.stat').nth(2).textContent()).toMatch(/^1\/30/);
    await screenshot(page, 'dashboard');
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('changes the time zone in settings, and it is kept', async () => {
    const { context, page } = await newPage();
    await signInInBrowser(page, { email, password });
    await page.goto('/settings');
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await page.getByLabel('Handle').fill(`learner-${Date.now() % 100000}`);
    await page.getByLabel(/Show my roadmaps and streak/).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
    await page.getByRole('img', { name: /Progress card of Browser Learner/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'settings');
    const handle = await page.getByLabel('Handle').inputValue();
    await page.goto(`/u/${handle}`);
    await page.getByRole('heading', { name: 'Browser Learner' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('signs out', async () => {
    const { context, page } = await newPage();
    await signInInBrowser(page, { email, password });
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await page.goto('/dashboard');
    await page.waitForURL('**/login');
    await context.close();
  });
});

describe('every page', () => {
  it.each([
    '/',
    '/roadmaps/backend-developer/steps/postgresql',
    '/login',
    '/signup',
    '/reset-password',
    '/nowhere',
  ])('%s has no axe-core violations', async (url) => {
    const { context, page } = await newPage();
    await page.goto(url);
    await page.locator('main h1').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    if (url === '/') await screenshot(page, 'catalog');
    await context.close();
  });
});
