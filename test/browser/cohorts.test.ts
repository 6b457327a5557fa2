/// <reference lib="dom" />
// Cohorts (issue 15) in the browser: an owner starts a cohort on the Backend Developer roadmap
// and makes an invitation link; two learners open it in browsers of their own — one signs up from
// the consent page and comes back to it — and join; they mark steps, and the owner's dashboard
// shows it without a reload; the owner filters, nudges and downloads the CSV report.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  screenshot,
  signInInBrowser,
  signUpInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

const admin = { email: 'cohort-admin@example.com', password: 'the cohort admin passphrase' };
let site: Site;
beforeAll(async () => {
  site = await startSite({ admin });
});
afterAll(async () => site?.close());

interface Doc {
  title: string;
  layers: { steps: { slug: string; title: string }[] }[];
}

async function learnerPage(browser: Browser, width: number) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, baseURL: site.base });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, errors };
}

async function markDone(page: Page, stepSlug: string) {
  await page.goto(`/roadmaps/backend-developer/steps/${stepSlug}`);
  const saved = page.waitForResponse(
    (r) => r.url().includes(`/steps/${stepSlug}`) && r.request().method() === 'PUT',
  );
  await page.getByRole('radio', { name: 'Done' }).check();
  expect((await saved).status()).toBe(200);
}

describe('cohorts', () => {
  it('an owner invites two learners who join in their own browsers; the dashboard follows them live and downloads the CSV', async () => {
    const doc = (await (await fetch(`${site.base}/api/v1/roadmaps/backend-developer`)).json()) as Doc;
    const steps = doc.layers.flatMap((l) => l.steps);

    // The owner starts the cohort.
    const owner = await learnerPage(site.browser, 1280);
    await signUpInBrowser(owner.page, 'Olive Owner');
    await owner.page.getByRole('link', { name: 'Cohorts' }).click();
    await owner.page.getByRole('heading', { level: 1, name: 'Cohorts' }).waitFor();
    await owner.page.getByLabel('Name', { exact: true }).fill('Spring backend cohort');
    await owner.page.getByRole('checkbox', { name: doc.title }).check();
    await owner.page.getByLabel('Ends on (optional)').fill('2027-06-30');
    await owner.page.getByRole('button', { name: 'Create cohort' }).click();
    await owner.page.waitForURL(/\/cohorts\/[0-9a-f-]{36}$/);
    await owner.page.getByRole('heading', { level: 1, name: 'Spring backend cohort' }).waitFor();
    await owner.page.getByText('Cohort created. Invite its members below.').waitFor();
    await owner.page.getByText('Nobody has joined yet.', { exact: false }).waitFor();
    expect(await accessibilityViolations(owner.page)).toEqual([]);

    // An invitation link for members.
    await owner.page.getByRole('button', { name: 'Create invitation link' }).click();
    const link = owner.page.getByLabel('Invitation link');
    await link.waitFor();
    const url = await link.inputValue();
    expect(url).toMatch(new RegExp(`^${site.base}/join\\?token=[A-Za-z0-9_-]{20,}$`));
    await owner.page
      .getByRole('list', { name: 'Invitations made' })
      .getByText(/Member link · 0 used · Active/)
      .waitFor();

    // Learner one opens it signed out, reads what is shared, signs up from there and comes back.
    const one = await learnerPage(site.browser, 360);
    await one.page.goto(url);
    await one.page.getByRole('heading', { level: 1, name: 'Join Spring backend cohort' }).waitFor();
    await one.page.getByRole('heading', { name: 'What is never shared' }).waitFor();
    expect(await one.page.getByText(/notes/i).count()).toBeGreaterThan(0);
    expect(await accessibilityViolations(one.page)).toEqual([]);
    await screenshot(one.page, 'cohort-join');
    await one.page.getByRole('link', { name: 'create an account' }).click();
    await one.page.getByLabel('Name').fill('Ada Learner');
    await one.page.getByLabel('Email').fill(`ada-${Date.now()}@example.com`);
    await one.page.getByLabel('Password').fill('a cohort browser passphrase');
    await one.page.getByRole('button', { name: 'Create account' }).click();
    await one.page.waitForURL(/\/join\?token=/);
    await one.page.getByRole('button', { name: 'Join Spring backend cohort' }).click();
    await one.page.waitForURL(/\/cohorts\/[0-9a-f-]{36}$/);
    await one.page.getByText('You joined the cohort.').waitFor();
    await one.page.getByRole('heading', { name: 'You in this cohort' }).waitFor();
    // A member sees the summary and their own row, not the members table or the report.
    expect(await one.page.getByRole('heading', { name: 'Members' }).count()).toBe(0);
    expect(await one.page.getByRole('button', { name: /Download CSV report/ }).count()).toBe(0);
    expect(await one.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await accessibilityViolations(one.page)).toEqual([]);

    // Learner two is signed in already and joins from the link.
    const two = await learnerPage(site.browser, 1280);
    await signUpInBrowser(two.page, 'Grace Learner');
    await two.page.goto(url);
    await two.page.getByRole('button', { name: 'Join Spring backend cohort' }).click();
    await two.page.waitForURL(/\/cohorts\/[0-9a-f-]{36}$/);

    // The owner's table lists both without a reload.
    const table = owner.page.getByRole('table').first();
    const row = (name: string) => table.getByRole('row').filter({ hasText: name });
    await row('Ada Learner').waitFor();
    await row('Grace Learner').waitFor();
    await expect.poll(() => row('Ada Learner').textContent()).toContain('0%');
    await owner.page
      .getByRole('list', { name: 'Invitations made' })
      .getByText(/2 used/)
      .waitFor();

    // They mark steps; the owner's dashboard follows, live.
    await markDone(one.page, steps[0]!.slug);
    await markDone(two.page, steps[0]!.slug);
    await markDone(two.page, steps[1]!.slug);
    await one.page.goto(new URL(owner.page.url()).pathname);
    await expect.poll(() => row('Ada Learner').textContent()).toContain(`Next: ${steps[1]!.title}`);
    await expect.poll(() => row('Grace Learner').textContent()).toContain(`Next: ${steps[2]!.title}`);
    const percentOf = async (name: string) =>
      Number((await row(name).locator('.member-percent').textContent())?.replace('%', ''));
    await expect.poll(() => percentOf('Grace Learner')).toBeGreaterThan(0);
    const heat = owner.page.getByRole('table').filter({ hasText: 'Learning' });
    await expect
      .poll(() => heat.getByRole('row').filter({ hasText: steps[0]!.title }).first().textContent())
      .toMatch(/2\s*0/);
    expect(await accessibilityViolations(owner.page)).toEqual([]);
    await screenshot(owner.page, 'cohort-dashboard');

    // Sorting by progress puts the one behind first; "Finished" shows nobody yet.
    await owner.page.getByLabel('Sort by').selectOption('progress');
    const order = async () => (await table.locator('tbody th').allTextContents()).join(' | ');
    await expect.poll(order).toMatch(/Ada Learner.*Grace Learner/);
    await owner.page.getByLabel('Reverse').check();
    await expect.poll(order).toMatch(/Grace Learner.*Ada Learner/);
    await owner.page.getByLabel('Reverse').uncheck();
    await owner.page.getByRole('radio', { name: 'Finished' }).check();
    await owner.page.getByText('Nobody here.').waitFor();
    await owner.page.getByRole('radio', { name: 'Everyone' }).check();

    // A nudge goes by mail through the queue; a second one to the same member the same day is refused.
    const nudge = async () => {
      await row('Ada Learner').getByRole('button', { name: 'Nudge Ada Learner' }).click();
      await owner.page.getByLabel('A short message to Ada Learner').fill('How is the next step going?');
      await owner.page.getByRole('button', { name: 'Send by mail' }).click();
    };
    await nudge();
    await owner.page.getByText('Nudge on its way to Ada Learner by mail.').waitFor();
    await owner.page.getByRole('button', { name: 'Close' }).click();
    await nudge();
    await owner.page
      .getByRole('alert')
      .filter({ hasText: /once|24 hours|again/i })
      .waitFor();

    // The CSV report: one row per person × roadmap, UTF-8 with a BOM, CRLF lines.
    const [download] = await Promise.all([
      owner.page.waitForEvent('download'),
      owner.page.getByRole('button', { name: 'Download CSV report' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    // A header, then the owner and the two members (every role is listed, each with its role).
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes('Olive Owner'))).toContain('owner');
    expect(lines.find((l) => l.includes('Ada Learner'))).toContain('backend-developer');
    expect(lines.find((l) => l.includes('Grace Learner'))).toContain('backend-developer');

    // The owner makes learner two a mentor; learner two then sees the members table.
    await owner.page.getByLabel('Role of Grace Learner').selectOption('mentor');
    await expect.poll(() => row('Grace Learner').textContent()).toContain('mentor');
    await two.page.goto(new URL(owner.page.url()).pathname);
    await two.page.getByRole('heading', { name: 'Members', exact: true }).waitFor();

    // Learner one leaves; their progress stays theirs.
    one.page.on('dialog', (d) => void d.accept());
    await one.page.getByRole('button', { name: 'Leave the cohort' }).click();
    await one.page.waitForURL('**/cohorts');
    await one.page.getByText('You left Spring backend cohort. Your progress stays yours.').waitFor();
    await expect.poll(() => row('Ada Learner').count()).toBe(0);

    // An admin oversees every cohort from the same page.
    const overseer = await learnerPage(site.browser, 1280);
    await signInInBrowser(overseer.page, admin);
    await overseer.page.goto('/cohorts');
    const all = overseer.page.getByRole('region', { name: 'Every cohort on this Waymark' });
    await all.getByRole('link', { name: 'Spring backend cohort' }).click();
    await overseer.page.getByRole('heading', { level: 1, name: 'Spring backend cohort' }).waitFor();
    await overseer.page.getByText('admin view', { exact: false }).waitFor();

    expect([...owner.errors, ...one.errors, ...two.errors, ...overseer.errors]).toEqual([]);
  });
});
