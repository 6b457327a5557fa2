/// <reference lib="dom" />
// Learning features (issue 13) in the browser: notes saved as you type (and kept offline), the
// resource checklist, "My notes" with search, note icons on the map — axe-clean, within 360 px.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, signUpInBrowser, type Site, startSite } from '../helpers/browser.ts';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  if (process.env.SHOW_SERVER_LOG) console.error(site?.server.output().slice(-4000));
  await site?.close();
});

const password = 'a learning test passphrase';

async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await site.browser.newContext({ viewport: { width, height: 900 }, baseURL: site.base });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

const STEP = '/roadmaps/git-essentials/steps/commits-and-history';

describe('notes and resource checks', () => {
  it('saves a note as you type, previews it, keeps an offline edit and syncs it; resources tick', async () => {
    const { context, page, errors } = await newPage(360);
    await signUpInBrowser(page, 'Note Taker', password);
    await page.goto(STEP);
    const note = page.getByLabel('Your note on this step (Markdown)');
    await note.fill('Commit **often**, push daily');
    await expect.poll(() => page.locator('.notes-state').textContent(), { timeout: 10_000 }).toBe('Saved');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('.notes-preview strong').textContent()).toBe('often');
    await page.getByRole('button', { name: 'Write' }).click();

    // Offline: the edit is kept on this device and said to be; back online, it is saved.
    await context.setOffline(true);
    await note.fill('Written on the train');
    await expect
      .poll(() => page.locator('.notes-state').textContent())
      .toMatch(/^Offline: kept on this device/);
    await context.setOffline(false);
    await expect.poll(() => page.locator('.notes-state').textContent(), { timeout: 15_000 }).toBe('Saved');
    await page.reload();
    await expect.poll(() => note.inputValue()).toBe('Written on the train');

    // The resource checklist: a tick stays after a reload.
    const first = page.getByRole('checkbox').first();
    await first.check();
    await expect.poll(() => page.getByText(/^1 of \d+ done$/).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox').first().isChecked()).toBe(true);

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists notes on "My notes" with search, and marks noted steps on the map', async () => {
    const { context, page, errors } = await newPage();
    await signUpInBrowser(page, 'Note Taker', password);
    await page.goto(STEP);
    await page.getByLabel('Your note on this step (Markdown)').fill('Rebasing rewrites history');
    await expect.poll(() => page.locator('.notes-state').textContent(), { timeout: 10_000 }).toBe('Saved');
    await page.goto('/roadmaps/git-essentials/steps/remotes');
    await page.getByLabel('Your note on this step (Markdown)').fill('Fetch before you push');
    await expect.poll(() => page.locator('.notes-state').textContent(), { timeout: 10_000 }).toBe('Saved');

    await page.getByRole('link', { name: 'My notes' }).click();
    await page.waitForURL('**/notes');
    await expect.poll(() => page.locator('.note-list > li').count(), { timeout: 10_000 }).toBe(2);
    await page.getByLabel('Search your notes').fill('rebase');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('.note-list > li').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.note-list').textContent()).toContain('Rebasing rewrites history');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto('/roadmaps/git-essentials');
    await expect.poll(() => page.locator('.map-node .map-node-note').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('a.map-node', { hasText: 'has a note' }).count()).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the pace forecast', () => {
  it('tells a visitor how long the path takes at a pace they choose', async () => {
    const { context, page, errors } = await newPage(360);
    await page.goto('/roadmaps/backend-developer');
    const words = page.locator('.forecast p').first();
    await words.waitFor();
    await expect.poll(() => words.textContent()).toMatch(/minutes a day that is about \d+ months/);
    const at30 = Number(/\((\d+) days of study\)/.exec((await words.textContent())!)![1]);
    await page.getByLabel('Minutes a day').selectOption('60');
    await expect
      .poll(async () => Number(/\((\d+) days of study\)/.exec((await words.textContent())!)![1]))
      .toBe(Math.ceil(at30 / 2));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says a learner’s forecast in words, takes a target date, and shows on the dashboard', async () => {
    const { context, page, errors } = await newPage();
    await signUpInBrowser(page, 'Note Taker', password);
    await page.goto('/roadmaps/git-essentials');
    const section = page.locator('.forecast-section');
    await section.locator('.forecast-words').first().waitFor();
    await expect
      .poll(() => section.textContent(), { timeout: 10_000 })
      .toMatch(
        /At your daily goal \(30 min a day\) you will finish the required steps around \d+ \w{3} \d{4}/,
      );
    const target = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Finish by a date of your choosing').fill(target);
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await expect.poll(() => section.textContent()).toMatch(/To finish by \d+ \w{3} \d{4}: \d+ min a day\./);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Touch the roadmap so it is on the dashboard, then read the sentence there.
    await page.locator('a.map-node').first().focus();
    await page.keyboard.press('l');
    await expect.poll(() => page.locator('a.map-node').first().textContent()).toMatch(/learning/);
    await page.goto('/dashboard');
    await page.locator('.cards .forecast-words').first().waitFor();
    await expect
      .poll(() => page.locator('.cards .forecast-words').first().textContent(), { timeout: 10_000 })
      .toMatch(/To finish by/);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('streak freezes', () => {
  it('show a frozen day on the heatmap by pattern and words, and the freezes held', async () => {
    const { context, page, errors } = await newPage(360);
    const email = await signUpInBrowser(page, 'Note Taker', password);
    // Seven met days, then a missed one (two days ago), then yesterday: logged through the API.
    const login = await fetch(`${site.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    for (const n of [9, 8, 7, 6, 5, 4, 3, 1]) {
      const res = await fetch(`${site.base}/api/v1/me/study-sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ minutes: 30, date: day(n) }),
      });
      expect(res.status).toBe(201);
    }
    await page.goto('/dashboard');
    await expect.poll(() => page.locator('.heatmap .cell.frozen').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.heatmap .cell.frozen').getAttribute('title')).toMatch(/frozen/);
    expect(await page.locator('.heatmap-figure figcaption').textContent()).toMatch(
      /Striped, ringed days \(1\) were missed and covered by a streak freeze/,
    );
    expect(await page.locator('.heatmap').getAttribute('aria-label')).toMatch(/1 frozen/);
    expect(await page.locator('.stats').textContent()).toMatch(/8\s*day streak/);
    expect(await page.locator('.stats').textContent()).toMatch(/0\s*streak freezes held/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
