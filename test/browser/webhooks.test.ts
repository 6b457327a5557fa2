/// <reference lib="dom" />
// Webhooks in the browser: a learner adds one in Settings for "Study time is logged", pointed at
// a receiver this test runs on 127.0.0.1 (the site is told to allow http and private addresses),
// reads its signing secret from the page (shown once), pings it, logs 30 minutes on the
// dashboard, and the receiver gets a `study_session.created` delivery whose signature verifies
// with that secret (the standardwebhooks library, as any receiver would). The page shows the
// delivery, turns the webhook off, says why a URL is refused, and deletes it. A cohort owner's
// webhook hears someone join the cohort.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  accessibilityViolations,
  screenshot,
  signUpInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let site: Site;
let receiver: Server;
let hook: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  site = await startSite({
    env: {
      // The receiver is plain http on loopback, which the server refuses unless told.
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      // Workers look for due deliveries every second.
      JOB_POLL_SECONDS: '1',
    },
  });
});
afterAll(async () => {
  await site?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** The deliveries to `path` of `type` whose signature verifies with `secret`. */
function verified(path: string, type: string, secret: string) {
  return received.filter((r) => {
    if (r.path !== path) return false;
    try {
      const headers = {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      };
      const payload = new Webhook(secret).verify(r.body, headers) as { type: string };
      return payload.type === type;
    } catch {
      return false;
    }
  });
}

describe('webhooks', () => {
  it('are added in Settings, signed with the secret shown once, pinged, delivered, shown, turned off and deleted', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1280, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.base });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signUpInBrowser(page, 'Webhook Learner');
    await page.goto('/settings#webhooks');

    const section = page.getByRole('region', { name: 'Webhooks', exact: true });
    await section.getByText('You have no webhooks.').waitFor();
    // The server's mail links to /settings#webhooks.
    expect(await section.getAttribute('id')).toBe('webhooks');
    expect(await section.textContent()).toMatch(/signed the Standard Webhooks way/);
    expect(await section.textContent()).toMatch(/retried for about a day/);

    // No cohort of their own: no cohort choice, and only the learner's own events.
    const form = section.getByRole('form', { name: 'New webhook' });
    expect(await form.getByLabel('For a cohort you own').count()).toBe(0);
    expect(await form.getByRole('checkbox').count()).toBe(2);
    await form.getByRole('checkbox', { name: 'A step is marked (progress.updated)' }).waitFor();

    const url = `${hook}/hook`;
    await form.getByLabel('URL', { exact: true }).fill(url);
    await form.getByRole('checkbox', { name: 'Study time is logged (study_session.created)' }).check();
    const made = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/me/webhooks') && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Add webhook' }).click();
    expect((await made).status()).toBe(201);

    // The signing secret, shown this once, to copy.
    const field = section.getByLabel('Signing secret', { exact: true });
    await expect.poll(() => field.inputValue()).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    const secret = await field.inputValue();
    await section.getByText('Waymark will not show it again', { exact: false }).first().waitFor();
    await section.getByRole('button', { name: 'Copy the secret' }).click();
    await section.getByText('Copied the secret.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(await form.getByLabel('URL', { exact: true }).inputValue()).toBe('');

    // Listed, on; a ping reaches the receiver, signed with that secret.
    const list = section.getByRole('list', { name: 'Your webhooks' });
    const item = list.getByRole('listitem').filter({ hasText: url });
    await item.getByText(/Sends: Study time is logged \(study_session\.created\)/).waitFor();
    await item.getByText(/^On · added /).waitFor();
    await item.getByRole('button', { name: `Send a ping to ${url}` }).click();
    await item.getByText('The endpoint answered 204.').waitFor();
    expect(verified('/hook', 'ping', secret)).toHaveLength(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'settings-webhooks');

    // 30 minutes logged on the dashboard: the receiver gets it, signed.
    await page.goto('/dashboard');
    await page.getByLabel('Minutes', { exact: true }).fill('30');
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    await page.getByText('Logged 30 min.').waitFor();
    await expect
      .poll(() => verified('/hook', 'study_session.created', secret).length, { timeout: 60_000 })
      .toBe(1);
    const [delivery] = verified('/hook', 'study_session.created', secret);
    const body = JSON.parse(delivery!.body) as { data: { session: { minutes: number } } };
    expect(body.data.session.minutes).toBe(30);

    // The page shows it among the recent deliveries; the secret is not on the page any more.
    await page.goto('/settings');
    await item.getByText('Recent deliveries').click();
    const deliveries = item.getByRole('region', { name: `Recent deliveries to ${url}` });
    const row = deliveries.getByRole('row').filter({ hasText: 'study_session.created' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(/succeeded\s*1\s*204/);
    expect(await deliveries.getByRole('row').filter({ hasText: 'ping' }).textContent()).toMatch(
      /succeeded\s*1\s*204/,
    );
    expect(await section.getByLabel('Signing secret', { exact: true }).count()).toBe(0);
    await section.screenshot({ path: path.join(ARTIFACTS, 'settings-webhooks-deliveries.png') });
    expect(await page.content()).not.toContain(secret);

    // Turned off, it says so, and can be turned on again.
    await item.getByRole('button', { name: `Turn off the webhook to ${url}` }).click();
    await item.getByText(/^Off: Waymark sends it nothing until you turn it on again\./).waitFor();
    await item.getByRole('button', { name: `Turn on the webhook to ${url}` }).waitFor();
    await item.getByText('Turned off.').waitFor();

    // A URL the server refuses: its reason next to the field, and the next step.
    await form.getByLabel('URL', { exact: true }).fill('ftp://example.com/x');
    await form.getByRole('checkbox', { name: 'A step is marked (progress.updated)' }).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await form.getByText('URL must be an http or https URL, not ftp:').waitFor();
    await form.getByText(/^Waymark will not send to this URL/).waitFor();
    expect(await form.getByLabel('URL', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await list.getByRole('listitem').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Deleted after its confirmation: the list is empty.
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      });
    });
    await item.getByRole('button', { name: `Delete the webhook to ${url}` }).click();
    expect(await asked).toMatch(/^Delete the webhook to http:\/\/127\.0\.0\.1:\d+\/hook\?/);
    await section.getByText('Deleted: Waymark sends nothing more to that URL.').waitFor();
    await section.getByText('You have no webhooks.').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('for a cohort one owns hears someone join it, and fits a phone', async () => {
    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 360, height: 800 },
    });
    const page = await context.newPage();
    await signUpInBrowser(page, 'Cohort Owner');
    const doc = (await (await fetch(`${site.base}/api/v1/roadmaps/backend-developer`)).json()) as {
      title: string;
    };
    await page.goto('/cohorts');
    await page.getByLabel('Name', { exact: true }).fill('Webhook cohort');
    await page.getByRole('checkbox', { name: doc.title }).check();
    await page.getByRole('button', { name: 'Create cohort' }).click();
    await page.waitForURL(/\/cohorts\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const invite = await page.getByLabel('Invitation link').inputValue();

    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Webhooks', exact: true });
    const form = section.getByRole('form', { name: 'New webhook' });
    // With the cohort chosen, only its event is offered.
    await form.getByLabel('For a cohort you own').selectOption({ label: 'Webhook cohort' });
    expect(await form.getByRole('checkbox').count()).toBe(1);
    const url = `${hook}/cohort`;
    await form.getByLabel('URL', { exact: true }).fill(url);
    await form.getByRole('checkbox', { name: 'Someone joins the cohort (cohort.member_joined)' }).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const field = section.getByLabel('Signing secret', { exact: true });
    await expect.poll(() => field.inputValue()).toMatch(/^whsec_/);
    const secret = await field.inputValue();
    const item = section.getByRole('listitem').filter({ hasText: url });
    await item.getByText(/for the cohort “Webhook cohort”/).waitFor();
    // Back to the learner's own events.
    expect(await form.getByLabel('For a cohort you own').inputValue()).toBe('');
    expect(await form.getByRole('checkbox').count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await accessibilityViolations(page)).toEqual([]);
    await section.screenshot({ path: path.join(ARTIFACTS, 'settings-webhooks-phone.png') });

    // Someone joins in a browser of their own: the cohort's webhook hears it.
    const other = await site.browser.newContext({ baseURL: site.base });
    const joiner = await other.newPage();
    await signUpInBrowser(joiner, 'Joining Learner');
    await joiner.goto(invite);
    await joiner.getByRole('button', { name: 'Join Webhook cohort' }).click();
    await joiner.waitForURL(/\/cohorts\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => verified('/cohort', 'cohort.member_joined', secret).length, { timeout: 60_000 })
      .toBe(1);
    await other.close();
    await context.close();
  });
});
