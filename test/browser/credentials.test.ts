/// <reference lib="dom" />
// Open Badges credentials in the browser: a learner reaches the Backend roadmap's first milestone
// by keyboard, and the celebration offers the credential Waymark issued for it. In Settings ›
// Credentials it is listed; downloaded, it is an OpenBadgeCredential signed with eddsa-rdfc-2022;
// "Check it" has the server verify it. Shared, anyone (another browser) fetches it at its public
// URL, it shows on the public profile, and LinkedIn's form is filled in with it. Revoked after a
// confirmation, it no longer verifies and its URL answers 410.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
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

const ROADMAP = 'backend-developer';
/** The required steps up to the roadmap's first milestone, "A secured, database-backed REST API". */
const REQUIRED_TO_MILESTONE = [
  'language-fundamentals',
  'oop-and-design-patterns',
  'postgresql',
  'rest-apis',
  'auth-and-security',
];

interface Doc {
  title: string;
  milestones: { slug: string; title: string; afterStep: string }[];
}

interface Credential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: { id: string; name: string };
  name: string;
  credentialSubject: { achievement: { name: string; criteria: { narrative: string } } };
  proof: { type: string; cryptosuite: string; verificationMethod: string } | { cryptosuite: string }[];
}

/** Accepts the next confirm() and answers its message. */
function confirmNext(page: Page): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.message());
      void dialog.accept();
    });
  });
}

describe('credentials', () => {
  it('are offered at a milestone, listed, downloaded, verified, shared, shown on the profile, and revoked', async () => {
    const doc = (await (await fetch(`${site.base}/api/v1/roadmaps/${ROADMAP}`)).json()) as Doc;
    const milestone = doc.milestones[0]!;
    expect(milestone.afterStep).toBe(REQUIRED_TO_MILESTONE.at(-1));
    const name = `${milestone.title} — ${doc.title}`;

    const context = await site.browser.newContext({
      baseURL: site.base,
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signUpInBrowser(page, 'Badge Learner');

    // None yet: the section says how to earn one, and links to the catalog.
    await page.goto('/settings#credentials');
    const section = page.getByRole('region', { name: 'Credentials', exact: true });
    await section.getByText('Reach a milestone on a roadmap to earn your first credential').waitFor();
    expect(await section.getAttribute('id')).toBe('credentials');
    expect(await section.getByRole('link', { name: 'choose a roadmap' }).getAttribute('href')).toBe('/');

    // The handle and a public profile, for later.
    const handle = `badges-${Date.now() % 100000}`;
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel(/Show my roadmaps and streak/).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();

    // The milestone, reached by keyboard: the celebration offers its credential.
    await page.goto(`/roadmaps/${ROADMAP}`);
    await page.getByRole('button', { name: 'List' }).click();
    await page.locator('li.step').first().waitFor();
    for (const slug of REQUIRED_TO_MILESTONE) {
      await page.locator(`#step-${slug}`).focus();
      await page.keyboard.press('d');
      await expect.poll(() => page.locator(`#step-${slug} input[value="done"]`).isChecked()).toBe(true);
    }
    const celebration = page.getByRole('dialog', { name: /Milestone reached/ });
    await celebration.waitFor();
    await celebration.getByText('Your credential is ready', { exact: false }).waitFor({ timeout: 60_000 });
    await celebration.getByText(`“${name}”`, { exact: false }).waitFor();
    await celebration.getByRole('button', { name: 'Download (JSON)' }).waitFor();
    expect(
      await celebration.getByRole('link', { name: 'See it in Settings › Credentials' }).getAttribute('href'),
    ).toBe('/settings#credentials');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'credential-celebration');

    // Settings › Credentials, from the celebration: listed, not shared yet.
    await celebration.getByRole('link', { name: 'See it in Settings › Credentials' }).click();
    await page.waitForURL('**/settings#credentials');
    const list = section.getByRole('list', { name: 'Credentials' });
    const item = list.getByRole('listitem').filter({ hasText: name });
    await item.waitFor();
    expect(await list.getByRole('listitem').count()).toBe(1);
    expect(await item.textContent()).toContain(doc.title);
    expect(await item.textContent()).toMatch(/issued /);
    expect(await item.getByText('Revoked', { exact: true }).count()).toBe(0);
    const share = item.getByRole('checkbox', { name: 'Share publicly' });
    expect(await share.isChecked()).toBe(false);
    await item.getByText('Share it first to add it to LinkedIn.').waitFor();
    expect(await item.getByRole('link', { name: /Add to LinkedIn/ }).count()).toBe(0);

    // Downloaded: the signed Open Badges 3.0 credential.
    const downloading = page.waitForEvent('download');
    await item.getByRole('button', { name: 'Download (JSON)' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`${ROADMAP}-${milestone.slug}.json`);
    const credential = JSON.parse(await readFile(await download.path(), 'utf8')) as Credential;
    expect(credential.type).toContain('VerifiableCredential');
    expect(credential.type).toContain('OpenBadgeCredential');
    expect(credential.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(credential.issuer.id).toMatch(/^did:web:/);
    expect(credential.credentialSubject.achievement.name).toBe(name);
    expect(credential.credentialSubject.achievement.criteria.narrative).toMatch(/required step/);
    // One proof, or a proof set of one, as Open Badges 3.0 has it.
    const proofs = [credential.proof].flat();
    expect(proofs.map((p) => p.cryptosuite)).toEqual(['eddsa-rdfc-2022']);
    const id = credential.id.slice('urn:uuid:'.length);

    // Checked by the server's verifier.
    await item.getByRole('button', { name: 'Check it' }).click();
    await item
      .getByText(`Verified: signed by ${credential.issuer.name} (${credential.issuer.id}).`)
      .waitFor();

    // Shared: LinkedIn's form is offered, filled in with it.
    await share.check();
    await item.getByText('Shared: anyone with its link can now fetch and check it.').waitFor();
    await page.reload();
    await expect.poll(() => share.isChecked()).toBe(true);
    const linkedIn = item.getByRole('link', { name: /Add to LinkedIn/ });
    const href = new URL((await linkedIn.getAttribute('href'))!);
    expect(href.origin + href.pathname).toBe('https://www.linkedin.com/profile/add');
    expect(href.searchParams.get('startTask')).toBe('CERTIFICATION_NAME');
    expect(href.searchParams.get('name')).toBe(name);
    expect(href.searchParams.get('organizationName')).toBe('Waymark');
    expect(href.searchParams.get('certId')).toBe(id);
    const certUrl = href.searchParams.get('certUrl')!;
    expect(certUrl).toBe(`${site.base}/api/v1/credentials/${id}`);
    expect(Number(href.searchParams.get('issueYear'))).toBeGreaterThanOrEqual(2025);
    expect(Number(href.searchParams.get('issueMonth'))).toBeGreaterThanOrEqual(1);
    expect(await item.textContent()).toContain(certUrl);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'settings-credentials');
    await section.screenshot({ path: path.join(ARTIFACTS, 'settings-credentials-section.png') });

    // Anyone, in a browser of their own: the JSON at its public URL, and the public profile.
    const other = await site.browser.newContext({ baseURL: site.base });
    const visitor = await other.newPage();
    const fetched = await visitor.goto(certUrl);
    expect(fetched?.status()).toBe(200);
    const shared = (await fetched!.json()) as Credential;
    expect(shared.id).toBe(credential.id);
    expect(shared.proof).toEqual(credential.proof);
    await visitor.goto(`/u/${handle}`);
    const onProfile = visitor.getByRole('region', { name: 'Credentials', exact: true });
    await onProfile.getByText(name, { exact: true }).waitFor();
    expect(await onProfile.getByRole('link', { name: /The credential \(JSON\)/ }).getAttribute('href')).toBe(
      certUrl,
    );
    expect(await accessibilityViolations(visitor)).toEqual([]);
    await screenshot(visitor, 'profile-credentials');

    // Revoked, after its confirmation: marked so, and it no longer verifies.
    const asked = confirmNext(page);
    await item.getByRole('button', { name: 'Revoke' }).click();
    expect(await asked).toMatch(/^Revoke “.+”\? .*cannot be undone\.$/);
    await item.getByText('Revoked: it no longer verifies.').waitFor();
    await item.getByText('Revoked', { exact: true }).waitFor();
    expect(await item.getByRole('checkbox', { name: 'Share publicly' }).count()).toBe(0);
    expect(await item.getByRole('link', { name: /Add to LinkedIn/ }).count()).toBe(0);
    await item.getByRole('button', { name: 'Check it' }).click();
    await item.getByText(/^Not verified: It was revoked on /).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'settings-credentials-revoked');

    // Its public URL says it was revoked; the profile no longer lists it. (A browser may keep a
    // public answer for 10 seconds: asked without its cache, and from a browser of its own.)
    await other.close();
    const gone = await fetch(certUrl);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { detail: string }).detail).toMatch(/revoked/);
    const later = await site.browser.newContext({ baseURL: site.base });
    const reader = await later.newPage();
    await reader.goto(`/u/${handle}`);
    await reader.getByRole('heading', { name: 'Badge Learner' }).waitFor();
    await reader.getByRole('heading', { name: 'Roadmaps' }).waitFor();
    expect(await reader.getByRole('region', { name: 'Credentials', exact: true }).count()).toBe(0);
    await later.close();

    expect(errors).toEqual([]);
    await context.close();
  });
});
