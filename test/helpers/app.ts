// Builds the real app around a fresh test database, with logging off.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/client.ts';
import { createMemoryCache, type Cache } from '../../src/server/infra/cache.ts';
import { createTestDatabase } from './db.ts';

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  cache: Cache;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const db = await createTestDatabase();
  const cache = createMemoryCache();
  const app = await buildApp({ config, db, cache, logger: false });
  await app.ready();
  return {
    app,
    db,
    cache,
    config,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
