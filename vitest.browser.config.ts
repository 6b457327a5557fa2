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
    pool: 'forks',
    fileParallelism: false,
  },
});
