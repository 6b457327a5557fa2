import { defineConfig } from 'vitest/config';

// `npm run test:scale`: two Waymark processes behind nginx on PostgreSQL and Redis (needs
// DATABASE_URL, nginx and redis-server; .ci/run provides them).
export default defineConfig({
  test: {
    include: ['test/scale/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
