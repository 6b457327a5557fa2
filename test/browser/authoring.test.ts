/// <reference lib="dom" />
// Authoring in the browser: an author writes a two-step roadmap in the editor, publishes it,
// and a learner in another browser finds it in the catalog.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  publishAnywayInBrowser,
  screenshot,
  signInInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

const admin = { email: 'admin@example.com', password: 'the admin passphrase here' };
const author = { email: `author-${Date.now()}@example.com`, password: 'an author passphrase here' };
let site: Site;
beforeAll(async () => {
  site = await startSite({ admin });
});
afterAll(async () => site?.close());

/** An access token for API calls made from the page, from its session cookie. */
const token = (page: Page) =>
  page.evaluate(async () => {
    const res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'x-waymark-client': 'web', 'content-type': 'application/json' },
      body: '{}',
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  });

describe('an author', () => {
  it('writes a two-step roadmap, publishes it, and a learner sees it in the catalog', async () => {
    // The author signs up; the admin gives them the author role.
    const authorContext = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1400, height: 900 },
    });
    const page = await authorContext.newPage();
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Ada Author');
    await page.getByLabel('Email').fill(author.email);
    await page.getByLabel('Password').fill(author.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/dashboard');
    const authorId = await page.evaluate(
      async (t) => {
        const me = await fetch('/api/v1/me', { headers: { authorization: `Bearer ${t}` } });
        return ((await me.json()) as { id: string }).id;
      },
      await token(page),
    );

    const adminContext = await site.browser.newContext({ baseURL: site.base });
    const adminPage = await adminContext.newPage();
    await signInInBrowser(adminPage, admin);
    const promoted = await adminPage.evaluate(
      async ([t, id]) =>
        (
          await fetch(`/api/v1/admin/users/${id}`, {
            method: 'PATCH',
            headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
            body: JSON.stringify({ role: 'author' }),
          })
        ).status,
      [await token(adminPage), authorId] as const,
    );
    expect(promoted).toBe(200);

    // A role change ends the user's sessions: the open page learns it from its event stream and
    // signs itself out. Signed in again, the author has the Author area.
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await signInInBrowser(page, author);
    await page.getByRole('link', { name: 'Author' }).click();
    await page.waitForURL('**/author');
    await page.getByLabel('Title').fill('Browser Testing Basics');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL('**/author/browser-testing-basics');

    // Two steps: rename the first, add a second, make it optional; the preview follows.
    await page.getByLabel('Step title').first().fill('Write a first test');
    await page.getByRole('button', { name: 'Add a step to Basics' }).click();
    await page.getByLabel('Step title').nth(1).fill('Run it in CI');
    await page.getByLabel('Required step').nth(1).uncheck();
    const preview = page.locator('.editor-preview');
    await expect.poll(() => preview.locator('li.step').count()).toBe(2);
    await expect
      .poll(() => preview.locator('li.step h3').allTextContents())
      .toEqual(['Write a first test', 'Run it in CI']);
    // Reorder with the buttons, then back.
    await page.getByRole('button', { name: 'Move step Run it in CI up' }).click();
    await expect.poll(() => preview.locator('li.step h3').first().textContent()).toBe('Run it in CI');
    await page.getByRole('button', { name: 'Move step Run it in CI down' }).click();
    await expect.poll(() => preview.locator('li.step h3').first().textContent()).toBe('Write a first test');

    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    await screenshot(page, 'author-editor');
    expect(await accessibilityViolations(page)).toEqual([]);
    // The template's starting texts are still there: publishing asks first.
    await publishAnywayInBrowser(page, 1);

    // A learner, in another browser, finds it in the catalog and opens it.
    const learnerContext = await site.browser.newContext({ baseURL: site.base });
    const learner = await learnerContext.newPage();
    await learner.goto('/');
    await learner.getByRole('link', { name: 'Browser Testing Basics' }).click();
    await learner.waitForURL('**/roadmaps/browser-testing-basics');
    // The map is the default view: two nodes in order, the second one optional.
    await expect
      .poll(() => learner.locator('.roadmap-map .map-node-title').allTextContents())
      .toEqual([
        expect.stringMatching(/^Write a first test — required/),
        expect.stringMatching(/^Run it in CI — optional/),
      ]);
    await learner.getByRole('button', { name: 'List' }).click();
    await expect
      .poll(() => learner.locator('li.step h3').allTextContents())
      .toEqual(['Write a first test', 'Run it in CI']);
    expect(await learner.locator('li.step .badge-optional').count()).toBe(1);
    await Promise.all([authorContext.close(), adminContext.close(), learnerContext.close()]);
  });

  it('is told of a conflicting save instead of overwriting it', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1400, height: 900 },
    });
    const first = await context.newPage();
    await signInInBrowser(first, author);
    await first.goto('/author/browser-testing-basics');
    // The first tab has its session and its draft before the second one asks for theirs.
    await first.getByLabel('Summary', { exact: true }).waitFor();
    const second = await context.newPage();
    await second.goto('/author/browser-testing-basics');
    await second.getByLabel('Summary', { exact: true }).fill('Saved first, from another tab.');
    await second.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => second.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    await first.getByLabel('Summary', { exact: true }).fill('Saved second, from a stale tab.');
    await first.getByRole('button', { name: 'Save draft' }).click();
    await first.getByText(/Someone else saved this roadmap since you opened it/).waitFor();
    await context.close();
  });

  it('compares two versions, restores an old one as the draft, and forks a published roadmap', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await signInInBrowser(page, author);
    await page.goto('/author/browser-testing-basics');
    // Version 2: the second step renamed and made required.
    await page.getByLabel('Step title').nth(1).fill('Run it on every push');
    await page.getByLabel('Required step').nth(1).check();
    await publishAnywayInBrowser(page, 2);

    // What changed from version 1 to version 2, in words.
    const history = page.getByRole('region', { name: 'Published versions' });
    await history.getByRole('button', { name: 'Restore version 1 as draft…' }).waitFor();
    await history.getByLabel('From', { exact: true }).selectOption('1');
    await history.getByLabel('To', { exact: true }).selectOption('2');
    await history.getByRole('button', { name: 'Show changes' }).click();
    const diff = page.getByRole('region', { name: 'From version 1 to version 2' });
    await diff.getByText('Step “Run it on every push”').waitFor();
    // The summary saved by the previous test came with version 2 too.
    expect(await diff.locator('h4').allTextContents()).toEqual(['Roadmap', 'Steps']);
    expect(await diff.locator('.diff-change').count()).toBe(2);
    const change = diff.locator('.diff-change', { hasText: 'Run it on every push' });
    expect(await change.locator('dt').allTextContents()).toEqual(['Title', 'Required']);
    expect(await change.locator('del').allTextContents()).toEqual(['Run it in CI', 'no']);
    expect(await change.locator('ins').allTextContents()).toEqual(['Run it on every push', 'yes']);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Restoring version 1 says what it does first, then the editor shows it.
    await history.getByRole('button', { name: 'Restore version 1 as draft…' }).click();
    const confirm = page.getByRole('region', { name: 'Restore version 1 as the draft?' });
    await confirm.getByText(/Readers keep seeing version 2 until you publish/).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Yes, restore version 1' }).click();
    await history.getByText('Version 1 is now the draft.').waitFor();
    await expect.poll(() => page.getByLabel('Step title').nth(1).inputValue()).toBe('Run it in CI');
    expect(await page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    // It was saved as the draft: a reload shows it too, and readers still see version 2.
    await page.reload();
    await expect.poll(() => page.getByLabel('Step title').nth(1).inputValue()).toBe('Run it in CI');
    const reader = await page.evaluate(async () =>
      (await fetch('/api/v1/roadmaps/browser-testing-basics')).json(),
    );
    expect(reader).toMatchObject({ version: 2 });

    // Forking the bundled roadmap from its page: a taken address is named, then a new draft.
    await page.goto('/roadmaps/backend-developer');
    await page.getByRole('button', { name: 'Fork…' }).click();
    await page.getByLabel('Title of your roadmap').fill('My Backend Path');
    expect(await page.getByLabel('Address').inputValue()).toBe('my-backend-path');
    await page.getByLabel('Address').fill('browser-testing-basics');
    await page.getByRole('button', { name: 'Create my draft' }).click();
    await page.getByText('Address is taken').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Address').fill('my-backend-path');
    await page.getByRole('button', { name: 'Create my draft' }).click();
    await page.waitForURL('**/author/my-backend-path');
    await page.getByRole('heading', { name: 'My Backend Path', level: 1 }).waitFor();
    expect(await page.getByText('Draft, not published yet').count()).toBe(1);
    await page.getByText(/^Forked from\s*Backend Developer/).waitFor(); // in the editor
    await page.getByRole('link', { name: '← Your roadmaps' }).click();
    await page.getByRole('link', { name: 'My Backend Path' }).waitFor();
    // …and on the authoring list, which forks any published roadmap itself.
    expect(await page.getByText(/^Forked from\s*Backend Developer, version \d+/).count()).toBe(1);
    await page.getByLabel('Roadmap to fork').selectOption({ label: 'Git Essentials' });
    await page.getByLabel('Title of your roadmap').fill('Git, my way');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create my draft' }).click();
    await page.waitForURL('**/author/git-my-way');
    await page.getByText(/^Forked from\s*Git Essentials/).waitFor();
    await context.close();
  });
});
