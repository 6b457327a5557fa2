/// <reference lib="dom" />
// The editor never loses work: it asks before leaving unsaved changes, keeps a copy in the
// browser and offers it back after a closed tab. An admin writes here (admins may author).
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  newDraftInBrowser,
  signInInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

const admin = { email: 'admin@example.com', password: 'the admin passphrase here' };
let site: Site;
beforeAll(async () => {
  site = await startSite({ admin });
});
afterAll(async () => site?.close());

const keptDrafts = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('waymark-draft-v1:')).length);

describe('the editor', () => {
  it('asks before leaving unsaved changes and restores them after the tab was closed', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await newDraftInBrowser(page, 'Never Lose Work', 'never-lose-work');
    await page.getByLabel('Summary', { exact: true }).fill('Typed, never saved.');
    await page.getByText('unsaved changes').waitFor();

    // Following a link inside the app asks first; saying no stays on the editor.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.getByRole('link', { name: '← Your roadmaps' }).click();
    expect(await asked).toMatch(/not saved/);
    expect(new URL(page.url()).pathname).toBe('/author/never-lose-work');

    // A copy is kept in the browser; the tab closes without saving.
    await expect.poll(() => keptDrafts(page)).toBe(1);
    await page.close();

    const again = await context.newPage();
    await again.goto('/author/never-lose-work');
    await again.getByRole('heading', { name: 'Unsaved changes found' }).waitFor();
    expect(await accessibilityViolations(again)).toEqual([]);
    await again.getByRole('button', { name: 'Restore my changes' }).click();
    expect(await again.getByLabel('Summary', { exact: true }).inputValue()).toBe('Typed, never saved.');
    await again.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => again.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    // Saved: the copy is gone, and nothing is offered on the next visit.
    await expect.poll(() => keptDrafts(again)).toBe(0);
    await again.reload();
    await again.getByLabel('Summary', { exact: true }).waitFor();
    expect(await again.getByRole('button', { name: 'Restore my changes' }).count()).toBe(0);
    // Nothing unsaved: leaving does not ask.
    await again.getByRole('link', { name: '← Your roadmaps' }).click();
    await again.waitForURL('**/author');
    await context.close();
  });

  it('shows each problem next to its field in plain words, links to it, and drops it once fixed', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await newDraftInBrowser(page, 'Plain Problems', 'plain-problems');
    const resources = page.getByLabel(/^Resources/);
    await resources.fill('docs | Somewhere | ftp://example.com/file');
    const message = 'Resource URL must start with https:// (or http://)';
    await page.locator('.field-error', { hasText: message }).waitFor();
    expect(await resources.getAttribute('aria-invalid')).toBe('true');
    expect(await resources.getAttribute('aria-describedby')).toBe(
      await page.locator('.field-error', { hasText: message }).getAttribute('id'),
    );
    // Saving is refused with the same problem; the summary's link moves to the field.
    await page.getByRole('button', { name: 'Save draft' }).click();
    const summary = page.locator('.problem-summary');
    await summary.getByRole('heading', { name: 'One problem to fix before this can be saved' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Title', { exact: true }).focus();
    await summary.getByRole('link', { name: `Step “First step”: ${message}` }).click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe(await resources.getAttribute('id'));
    // Fixed: the problem leaves the field and the summary.
    await resources.fill('docs | Somewhere | https://example.com/file');
    await expect.poll(() => page.locator('.field-error').count()).toBe(0);
    expect(await summary.count()).toBe(0);
    expect(await resources.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    await context.close();
  });
});

describe('publishing', () => {
  it('lists placeholders and gaps first, and publishes only when the author confirms', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await newDraftInBrowser(page, 'Almost Ready', 'almost-ready');
    await page.getByLabel('Body (Markdown)').fill('TODO: write this part.');
    await page.getByLabel(/^Resources/).fill('docs | TBD | https://example.com/');
    await page.getByRole('button', { name: 'Publish' }).click();
    const check = page.locator('.publish-check');
    await check.getByRole('heading', { name: /Before you publish/ }).waitFor();
    const items = await check.locator('li').allTextContents();
    expect(items).toContain('Step “First step”: Body still says “TODO”');
    expect(items).toContain('Step “First step”: A resource title still says “TBD”');
    expect(items).toContain("Step “First step”: Summary is still the editor's starting text");
    expect(await accessibilityViolations(page)).toEqual([]);
    await check.getByRole('button', { name: 'Keep editing' }).click();
    expect(await check.count()).toBe(0);
    expect(await page.getByText(/Published as version/).count()).toBe(0);
    await page.getByRole('button', { name: 'Publish' }).click();
    await check.getByRole('button', { name: 'Publish anyway' }).click();
    await page.getByText('Published as version 1.').waitFor();
    // The editor's history lists the new version.
    await page.locator('.version-list li', { hasText: /^Version 1, published/ }).waitFor();
    await context.close();
  });
});

describe('deleting', () => {
  it('says what happens to learners first, then the roadmap is gone from the author list', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 360, height: 800 },
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await newDraftInBrowser(page, 'Short Lived', 'short-lived');
    await page.getByRole('button', { name: 'Delete roadmap…' }).click();
    await page.getByText(/Learners who followed it keep their ticks, notes and study time/).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole('button', { name: 'Yes, delete “Short Lived”' }).click();
    await page.waitForURL('**/author');
    await page.getByRole('status').filter({ hasText: '“Short Lived” was deleted.' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Short Lived' }).count()).toBe(0);
    const answer = await page.evaluate(async () => (await fetch('/api/v1/roadmaps/short-lived')).status);
    expect(answer).toBe(404);
    await context.close();
  });
});

describe('roadmap files', () => {
  it('downloads a roadmap as YAML and imports a file as a new draft', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await newDraftInBrowser(page, 'Round Trip', 'round-trip');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download YAML' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('round-trip.yaml');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toMatch(/^slug: round-trip$/m);
    expect(text).toMatch(/^title: Round Trip$/m);

    // The same file under another slug and title comes back as a new draft.
    const copy = text
      .replace(/^slug: round-trip$/m, 'slug: round-trip-copy')
      .replace(/^title: Round Trip$/m, 'title: Round Trip Copy');
    await page.goto('/author');
    await page
      .getByLabel(/^YAML file/)
      .setInputFiles({ name: 'copy.yaml', mimeType: 'application/yaml', buffer: Buffer.from(copy) });
    await page.waitForURL('**/author/round-trip-copy');
    await page.getByRole('heading', { name: 'Round Trip Copy', level: 1 }).waitFor();
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Round Trip Copy');

    // A file that is not a roadmap is refused with the server's problems listed.
    await page.goto('/author');
    await page.getByLabel(/^YAML file/).setInputFiles({
      name: 'bad.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from('slug: Not A Slug\ntitle: x\n'),
    });
    await page.getByRole('list', { name: 'Problems in the file' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('the admin page', () => {
  it('lists accounts and changes a role, and only admins see it', async () => {
    const learnerContext = await site.browser.newContext({ baseURL: site.base });
    const learner = await learnerContext.newPage();
    const email = `learner-${Date.now()}@example.com`;
    await learner.goto('/signup');
    await learner.getByLabel('Name').fill('Lee Learner');
    await learner.getByLabel('Email').fill(email);
    await learner.getByLabel('Password').fill('a learner passphrase here');
    await learner.getByRole('button', { name: 'Create account' }).click();
    await learner.waitForURL('**/dashboard');
    // A learner has no Admin link, and the page itself says it is not for them.
    expect(await learner.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await learner.goto('/admin');
    await learner.getByText('Only admins of this Waymark see its accounts.').waitFor();

    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 360, height: 800 },
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await page.goto('/admin');
    await page.getByLabel('Find an account').fill('learner-');
    await page.getByRole('button', { name: 'Find' }).click();
    const row = page.locator('.admin-user', { hasText: email });
    await row.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await accessibilityViolations(page)).toEqual([]);
    await row.getByLabel('Role', { exact: true }).selectOption('author');
    await row.getByRole('button', { name: 'Change role of Lee Learner' }).click();
    await row.getByRole('status').filter({ hasText: 'Lee Learner is now an author.' }).waitFor();
    // The new role holds after a reload, and the learner's open page is signed out.
    await page.reload();
    await page.getByLabel('Find an account').waitFor();
    await expect
      .poll(() =>
        page.locator('.admin-user', { hasText: email }).getByLabel('Role', { exact: true }).inputValue(),
      )
      .toBe('author');
    await learner.getByRole('link', { name: 'Sign in' }).waitFor();
    await Promise.all([context.close(), learnerContext.close()]);
  });
});

describe('a renamed step', () => {
  it('keeps its old address: a shared link opens the step at its new one', async () => {
    // The rename is published through the API, as any author's tool would.
    const api = (path: string, init: RequestInit = {}) => fetch(`${site.base}${path}`, init);
    const login = await api('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const draft = await api('/api/v1/roadmaps/git-essentials?version=draft', { headers: auth });
    const { document } = (await draft.json()) as {
      document: { layers: { steps: { slug: string; title: string }[] }[] };
    };
    const step = document.layers[0]!.steps[0]!;
    const oldSlug = step.slug;
    step.slug = `${oldSlug}-renamed`;
    const saved = await api('/api/v1/roadmaps/git-essentials', {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json', 'if-match': draft.headers.get('etag')! },
      body: JSON.stringify(document),
    });
    expect(saved.status).toBe(200);
    expect(
      (await api('/api/v1/roadmaps/git-essentials/publish', { method: 'POST', headers: auth })).status,
    ).toBe(200);

    const context = await site.browser.newContext({ baseURL: site.base });
    const page = await context.newPage();
    await page.goto(`/roadmaps/git-essentials/steps/${oldSlug}`);
    await page.waitForURL(`**/roadmaps/git-essentials/steps/${oldSlug}-renamed`);
    await page.getByRole('heading', { level: 1, name: step.title }).waitFor();
    await context.close();
  });
});
