// Debian's Chromium driven by playwright-core (never a downloaded browser), against the real
// server started as `npm start` starts it, on a free port with a fresh database.
import AxeBuilder from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase } from './db.ts';
import { childEnv, freePort, ROOT, run, runToEnd, SERVER, waitForOk, type Running } from './process.ts';
import { removeDir } from './temp.ts';

export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
export const ARTIFACTS = path.join(ROOT, 'test-results');
/** Headless, and no background calls to the internet this machine cannot reach. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Site {
  base: string;
  server: Running;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the server (and Chromium); `admin` is created first with the CLI, as an operator would. */
export async function startSite(
  options: {
    admin?: { email: string; password: string };
    /** false: start without PUBLIC_URL, as the README's `npm start` does (both loopback spellings). */
    publicUrl?: boolean;
    env?: Record<string, string>;
  } = {},
): Promise<Site> {
  if (!CHROMIUM) {
    throw new Error(
      "Chromium is not installed: run `apt-get install -y chromium` (the browser tests use Debian's).",
    );
  }
  if (!existsSync(path.join(ROOT, 'dist/web/index.html')))
    throw new Error('No web app: run `npm run build` first.');
  await mkdir(ARTIFACTS, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-browser-'));
  const extra: Record<string, string> = {
    PORT: String(port),
    ...(options.publicUrl === false ? {} : { PUBLIC_URL: base }),
    WAYMARK_DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    ...options.env,
  };
  let closeDb: (() => Promise<void>) | undefined;
  let server: Running | undefined;
  try {
    if (process.env.DATABASE_URL) {
      const db = await createTestDatabase();
      extra.DATABASE_URL = db.url!;
      closeDb = () => db.close();
    }
    if (options.admin) {
      const made = await runToEnd(
        ['bin/waymark.js', 'user', 'create-admin', '--email', options.admin.email],
        {
          ...childEnv(extra),
          WAYMARK_ADMIN_PASSWORD: options.admin.password,
        },
      );
      if (made.code !== 0) throw new Error(`create-admin failed: ${made.output}`);
    }
    server = run(SERVER, childEnv(extra));
    await waitForOk(`${base}/readyz`, server);
  } catch (err) {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await closeDb?.();
    await removeDir(dataDir);
    throw err;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  // Every context waits up to a minute for a condition (Playwright's default is 30 s), so a
  // loaded machine makes a test slower, not red.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(60_000);
    return context;
  };
  return {
    base,
    server,
    browser,
    async close() {
      await browser.close();
      server.child.kill('SIGTERM');
      await server.exited;
      await closeDb?.();
      await removeDir(dataDir);
    },
  };
}

/** Every axe-core rule (WCAG 2.x A/AA and best practices) on the page as it is now; returns the violations. */
export async function accessibilityViolations(page: Page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs up a new learner through the web app's form; answers the email used. */
export async function signUpInBrowser(
  page: Page,
  name = 'Web Learner',
  password = 'a browser test passphrase',
) {
  const email = `web-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/dashboard');
  return email;
}

/** Signs in through the web app's form. */
export async function signInInBrowser(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/dashboard');
}

/** Creates a draft from the authoring page's form and waits for its editor. */
export async function newDraftInBrowser(page: Page, title: string, slug: string) {
  await page.goto('/author');
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create draft' }).click();
  await page.waitForURL(`**/author/${slug}`);
  await page.getByLabel('Summary', { exact: true }).waitFor();
}

/** Publishes the open draft, confirming past the editor's starting-text warnings. */
export async function publishAnywayInBrowser(page: Page, version: number) {
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByRole('button', { name: 'Publish anyway' }).click();
  await page.getByText(`Published as version ${version}.`).waitFor();
}
