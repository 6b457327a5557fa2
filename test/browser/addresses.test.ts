/// <reference lib="dom" />
// Renaming a roadmap keeps its old addresses working (issue 12, item 15): the editor gives it a
// new slug, and the old address of the roadmap and of its steps lands on the new ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  newDraftInBrowser,
  publishAnywayInBrowser,
  signInInBrowser,
  type Site,
  startSite,
} from '../helpers/browser.ts';

const admin = { email: 'address-admin@example.com', password: 'the address admin passphrase' };
let site: Site;
beforeAll(async () => {
  site = await startSite({ admin });
});
afterAll(async () => site?.close());

describe('a renamed roadmap', () => {
  it('keeps its old address and its steps’ old addresses working', async () => {
    const context = await site.browser.newContext({
      viewport: { width: 1400, height: 900 },
      baseURL: site.base,
    });
    const page = await context.newPage();
    await signInInBrowser(page, admin);
    await newDraftInBrowser(page, 'Moving Path', 'moving-path');
    await publishAnywayInBrowser(page, 1);

    const rename = page.getByRole('region', { name: 'Change the address' });
    await rename.getByLabel('New slug').fill('moved-path');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await page.waitForURL('**/author/moved-path');
    await page.getByText('Renamed: its address is now /roadmaps/moved-path.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // The old address of the roadmap lands on the new one.
    await page.goto('/roadmaps/moving-path');
    await page.waitForURL('**/roadmaps/moved-path');
    await page.getByRole('heading', { level: 1, name: 'Moving Path' }).waitFor();
    // And so does the old address of one of its steps.
    const step = await page.evaluate(async () => {
      const doc = await (await fetch('/api/v1/roadmaps/moved-path')).json();
      return doc.layers[0].steps[0].slug as string;
    });
    await page.goto(`/roadmaps/moving-path/steps/${step}`);
    await page.waitForURL(`**/roadmaps/moved-path/steps/${step}`);
    await page.getByRole('heading', { level: 1 }).waitFor();

    // A slug another roadmap has is refused, next to the field.
    await page.goto('/author/moved-path');
    const again = page.getByRole('region', { name: 'Change the address' });
    await again.getByLabel('New slug').fill('git-essentials');
    await again.getByRole('button', { name: 'Rename' }).click();
    await again.getByRole('alert').getByText('That slug is taken.').waitFor();
    await context.close();
  });
});
