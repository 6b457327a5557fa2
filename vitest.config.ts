import { defineConfig } from 'vitest/config';

// The same suite runs on PGlite (default) and on PostgreSQL (DATABASE_URL set): the global
// setup prepares one migrated database with the bundled content, and every test file gets
// its own copy of it (test/helpers/db.ts).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tests need Chromium and run on their own: npm run test:browser.
    // and so do the multi-instance tests: npm run test:scale.
    exclude: ['test/browser/**', 'test/scale/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
