import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the web app in Debian's Chromium against the real server.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Bounds, not budgets: on a loaded 2-core machine a browser, a server and a database share
    // the cores, so each test may take minutes; every wait inside is on a condition.
    testTimeout: 240_000,
    hookTimeout: 180_000,
    expect: { poll: { timeout: 30_000 } },
    // One more try for a test that fails, as Playwright's own CI advice has it: a whole browser
    // flow on a loaded machine can lose a race that no user could (a chunk still loading while
    // the test types). A test that fails twice fails the run, and a retried one is named in the
    // report, so a race found this way is still fixed at its cause (see ARCHITECTURE, Testing).
    retry: 1,
    pool: 'forks',
    fileParallelism: false,
  },
});
