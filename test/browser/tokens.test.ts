/// <reference lib="dom" />
// Personal access tokens in the browser: a learner makes one in Settings with the study:write
// scope, reads it from the page (shown once), and a script — this test, with Node's fetch —
// logs 30 minutes with it but may not list tokens; after a reload the list says when it was last
// used; revoked in the page, it stops working at once.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
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

describe('personal access tokens', () => {
  it('are made in Settings, work from a script with their scopes only, show their last use and stop when revoked', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1280, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.base });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signUpInBrowser(page, 'Scripting Learner');
    await page.goto('/settings');

    const section = page.getByRole('region', { name: 'Personal access tokens' });
    await section.getByText('You have no tokens.').waitFor();
    await section.getByRole('link', { name: 'API reference' }).waitFor();
    expect(await section.getByRole('link', { name: 'API reference' }).getAttribute('href')).toBe('/api/docs');

    // Make one that may log study time, for 90 days (the default).
    const form = section.getByRole('form', { name: 'New token' });
    await form.getByLabel('Name').fill('Study timer on my laptop');
    await form.getByRole('checkbox', { name: 'Log study time (study:write)' }).check();
    expect(await form.getByLabel('Expires after').inputValue()).toBe('90');
    const made = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/me/tokens') && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Create token' }).click();
    expect((await made).status()).toBe(201);

    const field = section.getByLabel('Token', { exact: true });
    await expect.poll(() => field.inputValue()).toMatch(/^wmk_[A-Za-z0-9_-]{20,}$/);
    const token = await field.inputValue();
    await section.getByText('Waymark will not show it again', { exact: false }).first().waitFor();
    const curl = await section.getByLabel('Try it: log 30 minutes of study').inputValue();
    expect(curl).toBe(
      `curl -X POST ${site.base}/api/v1/me/study-sessions -H "Authorization: Bearer ${token}" -H "content-type: application/json" -d '{"minutes":30}'`,
    );
    await section.getByRole('button', { name: 'Copy the token' }).click();
    await section.getByText('Copied the token.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    // The list shows it, never used yet; the form is empty again.
    const list = section.getByRole('list', { name: 'Your tokens' });
    const item = list.getByRole('listitem').filter({ hasText: 'Study timer on my laptop' });
    await item.getByText('never used').waitFor();
    expect(await item.textContent()).toMatch(/Scopes: study:write/);
    expect(await item.textContent()).toMatch(/expires /);
    expect(await form.getByLabel('Name').inputValue()).toBe('');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'settings-tokens');

    // A script uses it: logging study time is in its scope, listing tokens is not.
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const logged = await fetch(`${site.base}/api/v1/me/study-sessions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ minutes: 30 }),
    });
    expect(logged.status).toBe(201);
    expect(((await logged.json()) as { minutes: number }).minutes).toBe(30);
    const listed = await fetch(`${site.base}/api/v1/me/tokens`, { headers });
    expect(listed.status).toBe(403);

    // After a reload the page says when it was last used.
    await page.reload();
    await item.getByText(/last used /).waitFor();
    expect(await item.getByText('never used').count()).toBe(0);
    // Shown once: the token itself is gone from the page.
    expect(await section.getByLabel('Token', { exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    // Revoked in the page (after its confirmation), it stops working at once.
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      });
    });
    await item.getByRole('button', { name: /^Revoke Study timer on my laptop/ }).click();
    expect(await asked).toMatch(/Revoke “Study timer on my laptop”\?/);
    await section.getByText('Revoked: that token no longer works.').waitFor();
    await section.getByText('You have no tokens.').waitFor();
    const after = await fetch(`${site.base}/api/v1/me/study-sessions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ minutes: 30 }),
    });
    expect(after.status).toBe(401);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says what to do when a token cannot be made', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 360, height: 800 },
    });
    const page = await context.newPage();
    await signUpInBrowser(page, 'Careful Learner');
    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Personal access tokens' });
    const form = section.getByRole('form', { name: 'New token' });
    await form.getByLabel('Name').fill('No scopes');
    await form.getByRole('button', { name: 'Create token' }).click();
    await form.getByText('Choose at least one scope: what the token may do.').waitFor();

    // The server's own answer, with its next step: an expiry in the past (a clock far behind).
    await page.route('**/api/v1/me/tokens', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const body = route.request().postDataJSON() as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, expiresAt: '2001-01-01T00:00:00.000Z' }) });
    });
    await form.getByRole('checkbox', { name: 'Read your notes (notes:read)' }).check();
    await form.getByRole('button', { name: 'Create token' }).click();
    await form.getByText('Choose an expiry date in the future, or none.').waitFor();
    await form.getByText('Expiry must be in the future').waitFor();
    expect(await section.getByText('You have no tokens.').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Tried again with a sound request it is made, and the page still fits a phone.
    await page.unroute('**/api/v1/me/tokens');
    await form.getByRole('button', { name: 'Create token' }).click();
    await section.getByRole('listitem').filter({ hasText: 'No scopes' }).getByText('never used').waitFor();
    expect(await form.getByText('Choose an expiry date in the future, or none.').count()).toBe(0);
    await expect.poll(() => section.getByLabel('Token', { exact: true }).inputValue()).toMatch(/^wmk_/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await section.screenshot({ path: path.join(ARTIFACTS, 'settings-tokens-phone.png') });
    await context.close();
  });
});
