/// <reference lib="dom" />
// Spaced review (issue 13, part 4) in the browser: a step's check questions on its page, the
// dashboard's "reviews due", the review page one card at a time with keys 1–4, logging the time,
// and the editor's check-question field — axe-clean, within 360 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  newDraftInBrowser,
  publishAnywayInBrowser,
  signInInBrowser,
  signUpInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

const admin = { email: 'review-admin@example.com', password: 'the review admin passphrase' };
let site: Site;
beforeAll(async () => {
  site = await startSite({ admin });
});
afterAll(async () => site?.close());

const STEP = '/roadmaps/git-essentials/steps/commits-and-history';

describe('spaced review', () => {
  it('asks a done step’s check questions back, one card at a time, rated by key', async () => {
    const context = await site.browser.newContext({
      viewport: { width: 360, height: 800 },
      baseURL: site.base,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signUpInBrowser(page, 'Card Reviewer');

    // On the step page: try the questions, open an answer, mark the step done.
    await page.goto(STEP);
    const check = page.getByRole('region', { name: 'Check yourself' });
    await check.waitFor();
    expect(await check.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    await check.getByText('Show the answer').first().click();
    await check.locator('.review-answer').first().waitFor();
    await page.getByRole('radio', { name: 'Done' }).check();

    // The dashboard says a review is due and links to it.
    await page.goto('/dashboard');
    const due = page.getByRole('link', { name: '1 review due' });
    await due.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await due.click();
    await page.waitForURL('**/review');
    await page.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    await expect.poll(() => page.locator('.review-count').textContent()).toMatch(/^1 review due today\./);
    await page.getByRole('heading', { level: 2, name: 'Commits and history' }).waitFor();
    expect(await page.locator('.review-answer').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Reveal, then rate with key 3 ("good"): the card goes, and the next one's time is said.
    await page.getByRole('button', { name: 'Show the answers' }).click();
    await page.getByRole('button', { name: /Good/ }).waitFor();
    expect(await page.locator('.review-answer').count()).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await accessibilityViolations(page)).toEqual([]);
    const rated = page.waitForResponse(
      (r) => r.url().includes('/api/v1/me/reviews/') && r.request().method() === 'POST',
    );
    await page.keyboard.press('3');
    expect((await rated).status()).toBe(200);
    await page.getByText(/All caught up\. The next review is due/).waitFor();
    await expect
      .poll(() => page.locator('.review-count').textContent())
      .toMatch(/Nothing due now\. 1 done in this sitting\./);

    // The time spent counts toward today's goal once logged.
    await page.getByRole('button', { name: /Log 1 minute of review/ }).click();
    await page.getByText(/Logged 1 minute of review toward today's goal\./).waitFor();
    await page.goto('/dashboard');
    await page.getByText(/minutes today/).waitFor();
    expect(
      await page.locator('.stat', { hasText: 'minutes today' }).locator('.stat-value').textContent(),
    ).toMatch(/^1\//);
    expect(await page.getByRole('link', { name: /reviews? due/ }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets an author write check questions in the editor, and they appear on the step page', async () => {
    const context = await site.browser.newContext({
      viewport: { width: 1400, height: 900 },
      baseURL: site.base,
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await newDraftInBrowser(page, 'Checked Path', 'checked-path');
    const field = page.getByLabel(/^Check questions for review/).first();
    await field.fill('Q: What is *one* thing to remember?\nA: That spacing beats cramming.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    // A new draft still has the editor's starting text: publishing warns, the author confirms.
    await publishAnywayInBrowser(page, 1);
    const step = await page.evaluate(async () => {
      const res = await fetch('/api/v1/roadmaps/checked-path');
      const doc = await res.json();
      return `/roadmaps/checked-path/steps/${doc.layers[0].steps[0].slug}`;
    });
    await page.goto(step);
    const check = page.getByRole('region', { name: 'Check yourself' });
    await check.getByText('What is one thing to remember?').waitFor();
    expect(await check.locator('.review-question em').textContent()).toBe('one');
    await context.close();
  });

  it('turns a roadmap’s reviews off and on from the roadmap page', async () => {
    const context = await site.browser.newContext({
      viewport: { width: 1280, height: 900 },
      baseURL: site.base,
    });
    const page = await context.newPage();
    await signUpInBrowser(page, 'Toggle Reviewer');
    await page.goto(STEP);
    await page.getByRole('radio', { name: 'Done' }).check();
    await page.goto('/review');
    await expect.poll(() => page.locator('.review-count').textContent()).toMatch(/^1 review due today\./);

    await page.goto('/roadmaps/git-essentials');
    const toggle = page.getByLabel(/Bring done steps back for spaced review/);
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await page.reload();
    await expect.poll(() => page.getByLabel(/Bring done steps back/).isChecked()).toBe(false);
    await page.goto('/review');
    await expect.poll(() => page.locator('.review-count').textContent()).toMatch(/^Nothing due now\./);

    await page.goto('/roadmaps/git-essentials');
    await page.getByLabel(/Bring done steps back for spaced review/).check();
    await page.goto('/review');
    await expect.poll(() => page.locator('.review-count').textContent()).toMatch(/^1 review due today\./);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});
