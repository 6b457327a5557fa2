// The README's screenshots (docs/images), taken from the real app in Debian's Chromium: a learner
// a few steps in, the roadmap map at desktop and phone width in light and dark, and the dashboard.
//   npm run build && npm run screenshots
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSite } from '../test/helpers/browser.ts';
import { ROOT } from '../test/helpers/process.ts';

const OUT = path.join(ROOT, 'docs/images');
const password = 'correct horse battery staple';

type Scheme = 'light' | 'dark';

async function learner(browser: Browser, base: string, width: number, scheme: Scheme, email: string) {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width, height: width < 500 ? 800 : 860 },
    deviceScaleFactor: width < 500 ? 2 : 1,
    colorScheme: scheme,
  });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/dashboard');
  return { context, page };
}

/** The screen as the learner sees it, from `top` (a selector) down, once bars have filled. */
async function shoot(page: Page, name: string, top?: string) {
  await page.evaluate(async (selector) => {
    const el = selector ? document.querySelector(selector) : null;
    window.scrollTo(0, el ? el.getBoundingClientRect().top + window.scrollY - 8 : 0);
    const ending = document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
    await Promise.all(ending.map((a) => a.finished.catch(() => undefined)));
  }, top);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  process.stdout.write(`docs/images/${name}.png\n`);
}

const site = await startSite();
try {
  const email = `screenshots-${Date.now()}@example.com`;
  // One learner, three steps done, one being learned, twenty-five minutes logged today.
  const setup = await site.browser.newContext({ baseURL: site.base, viewport: { width: 1280, height: 860 } });
  const page = await setup.newPage();
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Ada');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /Create (my )?account|Sign up/ }).click();
  await page.waitForURL('**/dashboard');
  await page.getByLabel('Minutes', { exact: true }).fill('25');
  await page.getByRole('button', { name: 'Log', exact: true }).click();
  await page.getByText('Logged 25 min.').waitFor();
  await page.goto('/roadmaps/backend-developer');
  await page.getByRole('button', { name: 'List' }).click();
  for (const [slug, key] of [
    ['language-fundamentals', 'd'],
    ['oop-and-design-patterns', 'd'],
    ['postgresql', 'd'],
    ['rest-apis', 'l'],
  ] as const) {
    await page.locator(`#step-${slug}`).focus();
    await page.keyboard.press(key);
    await page.locator(`#step-${slug}.status-${key === 'd' ? 'done' : 'in_progress'}`).waitFor();
  }
  await page.getByRole('button', { name: 'Map' }).click();
  await setup.close();

  for (const [width, scheme, url, name, top] of [
    [1280, 'light', '/roadmaps/backend-developer', 'roadmap-desktop-light', undefined],
    [1280, 'dark', '/roadmaps/backend-developer', 'roadmap-desktop-dark', '.continue'],
    [390, 'light', '/roadmaps/backend-developer', 'roadmap-phone-light', '.view-bar'],
    [390, 'dark', '/dashboard', 'dashboard-phone-dark', undefined],
  ] as const) {
    const { context, page } = await learner(site.browser, site.base, width, scheme, email);
    await page.goto(url);
    await page.locator('main h1').waitFor();
    await page
      .locator(url === '/dashboard' ? '.heatmap' : '.roadmap-map a.map-node')
      .first()
      .waitFor();
    await shoot(page, name, top);
    await context.close();
  }
} finally {
  await site.close();
}
