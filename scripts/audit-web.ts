// `npm run audit:web`: Lighthouse (Debian's Chromium, its default mobile emulation) on a freshly
// started server: the roadmap page and the catalog as a visitor, the dashboard as a signed-in
// learner with some progress. Each page is audited RUNS times (3; `--runs N`) and the median
// counts — one run on a shared 2-core machine moves by 10–20 points with its neighbours. After
// TIME_BUDGET_MS the remaining pages get one run each, so the audit stays bounded.
// Budgets (issue 12), on the median: accessibility 100 and best practices 100 on every page,
// performance ≥ 95 on the roadmap page and the dashboard. Exits 1 when one is missed.
// `--ci`: performance is printed but not failed (PERFORMANCE_FAILS): on the loaded 2-core
// machines CI and development share, one run moved between 30 and 80 with the neighbours' load
// (load average 8–20), whatever the page did; accessibility and best practices do not move.
// Reports (the median run of each page) go to test-results/lighthouse-*.json.
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { type RunnerResult } from 'lighthouse';
import { writeFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { childEnv, freePort, ROOT, run, SERVER, waitForOk } from '../test/helpers/process.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../test/helpers/browser.ts';

const ci = process.argv.includes('--ci');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 3) : 3;
// Whether a performance score under budget fails the run even with --ci (it always does without).
const PERFORMANCE_FAILS = false;
const BUDGET = { performance: 95, accessibility: 100, 'best-practices': 100 } as const;
const TIME_BUDGET_MS = 8 * 60_000; // 9 runs take ~3 min on a lightly loaded machine; CI: under ~25 min
const SLUG = 'backend-developer';
const PASSWORD = 'correct horse battery staple';

if (!CHROMIUM) throw new Error('Chromium is not installed: apt-get install -y chromium');
const started = Date.now();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-audit-'));
const server = run(
  SERVER,
  childEnv({
    PORT: String(port),
    PUBLIC_URL: base,
    WAYMARK_DATA_DIR: dataDir,
    NODE_ENV: 'development', // production needs JWT keys; it serves the same files
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
  }),
);

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-waymark-client': 'web', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

/** A learner, signed up through the API as the web app does, with a few steps done and a study session. */
async function makeLearner() {
  const email = `audit-${Date.now()}@example.com`;
  const res = await api('POST', '/api/v1/auth/signup', { email, password: PASSWORD, displayName: 'Ada' });
  const { accessToken } = (await res.json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${accessToken}` };
  const doc = (await (await api('GET', `/api/v1/roadmaps/${SLUG}`)).json()) as {
    layers: { steps: { slug: string }[] }[];
  };
  for (const step of doc.layers.flatMap((l) => l.steps).slice(0, 4)) {
    await api('PUT', `/api/v1/me/roadmaps/${SLUG}/steps/${step.slug}`, { status: 'done' }, auth);
  }
  await api('POST', '/api/v1/me/study-sessions', { minutes: 25 }, { ...auth, 'idempotency-key': email });
  return email;
}

/** A fresh session cookie for one run: the web app spends (rotates) it on load. */
async function sessionCookie(email: string) {
  const res = await api('POST', '/api/v1/auth/login', { email, password: PASSWORD });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('waymark_refresh='));
  if (!cookie) throw new Error('login set no session cookie');
  return cookie.split(';')[0]!;
}

interface Page {
  name: string;
  path: string;
  performanceBudget: boolean;
  signedIn?: boolean;
}
const pages: Page[] = [
  { name: 'roadmap', path: `/roadmaps/${SLUG}`, performanceBudget: true },
  { name: 'dashboard', path: '/dashboard', performanceBudget: true, signedIn: true },
  { name: 'catalog', path: '/', performanceBudget: false },
];

await waitForOk(`${base}/readyz`, server);
const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS });
let failed = false;
try {
  await mkdir(path.join(ROOT, 'test-results'), { recursive: true });
  const learner = await makeLearner();
  for (const page of pages) {
    const runs: RunnerResult[] = [];
    // Past the time budget a page gets one run only (a loaded machine makes each run much slower).
    for (let i = 0; i < RUNS && (i === 0 || Date.now() - started < TIME_BUDGET_MS); i++) {
      const extraHeaders = page.signedIn ? { cookie: await sessionCookie(learner) } : undefined;
      const result = await lighthouse(`${base}${page.path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
        ...(extraHeaders ? { extraHeaders } : {}),
      });
      if (!result) throw new Error('Lighthouse returned nothing');
      if (page.signedIn && new URL(result.lhr.finalDisplayedUrl).pathname !== page.path) {
        throw new Error(`${page.path} was not shown signed in: ended at ${result.lhr.finalDisplayedUrl}`);
      }
      // A run Lighthouse could not measure (a metric missing on an overloaded machine) scores 0.
      if (result.lhr.runtimeError) console.error(`  run ${i + 1}: ${result.lhr.runtimeError.message}`);
      for (const [id, audit] of Object.entries(result.lhr.audits)) {
        if (audit.errorMessage && audit.scoreDisplayMode === 'error') {
          console.error(`  run ${i + 1}: ${id}: ${audit.errorMessage}`);
        }
      }
      runs.push(result);
    }
    const score = (r: RunnerResult, id: string) => Math.round((r.lhr.categories[id]?.score ?? 0) * 100);
    const medianOf = (id: string) => {
      const values = runs.map((r) => score(r, id)).sort((a, b) => a - b);
      return values[Math.floor((values.length - 1) / 2)]!;
    };
    // The report kept is the run with the median performance score.
    const median = runs.find((r) => score(r, 'performance') === medianOf('performance'))!;
    await writeFile(path.join(ROOT, 'test-results', `lighthouse-${page.name}.json`), median.report as string);
    const categories = Object.keys(median.lhr.categories);
    console.log(
      `${page.path}: ${categories.map((id) => `${id} ${medianOf(id)}`).join(' · ')}` +
        ` (median of ${runs.length}; performance ${runs.map((r) => score(r, 'performance')).join(', ')})`,
    );
    for (const [id, min] of Object.entries(BUDGET)) {
      if (id === 'performance' && !page.performanceBudget) continue;
      if (medianOf(id) >= min) continue;
      const enforced = id !== 'performance' || !ci || PERFORMANCE_FAILS;
      console.error(
        `  ${id} ${medianOf(id)} < ${min}${enforced ? '' : ' (reported, not failed, with --ci)'}`,
      );
      failed ||= enforced;
    }
    for (const [id, audit] of Object.entries(median.lhr.audits)) {
      if (audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== 'informative') {
        console.log(`  · ${id}: ${audit.title} (${audit.displayValue ?? audit.score})`);
      }
    }
  }
} finally {
  chrome.kill();
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dataDir, { recursive: true, force: true });
}
console.log(`audit took ${Math.round((Date.now() - started) / 1000)} s`);
process.exitCode = failed ? 1 : 0;
