// Builds the real app around a fresh test database, with logging off.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/client.ts';
import { createMemoryCache, type Cache } from '../../src/server/infra/cache.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';
import { createTestDatabase } from './db.ts';

// One signing key pair per test file, passed as configuration (nothing is written to ./data).
const keys = generateKeyPair();
export const TEST_KEYS_ENV = { JWT_PRIVATE_KEY: keys.privateKeyPem, JWT_PUBLIC_KEY: keys.publicKeyPem };

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  cache: Cache;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  deps: Partial<Pick<AppDeps, 'mailer' | 'providers' | 'pubsub'>> = {},
  /** Runs before the app is ready: add hooks here. */
  configure?: (app: FastifyInstance) => void,
): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', ...TEST_KEYS_ENV, ...env });
  const db = await createTestDatabase();
  const cache = createMemoryCache();
  const app = await buildApp({ config, db, cache, logger: false, ...deps });
  configure?.(app);
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
