// Builds the real app around a fresh test database, with logging off.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/client.ts';
import type { Cache } from '../../src/server/infra/cache.ts';
import type { GuardedRedis } from '../../src/server/infra/redis.ts';
import { openConfiguredInfra } from '../../src/server/runtime.ts';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { LookupFn } from '../../src/server/infra/outbound.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';
import { createTestDatabase } from './db.ts';

// One signing key pair per test file, passed as configuration (nothing is written to ./data).
const keys = generateKeyPair();
export const TEST_KEYS_ENV = { JWT_PRIVATE_KEY: keys.privateKeyPem, JWT_PUBLIC_KEY: keys.publicKeyPem };

/**
 * DNS for the tests: this machine has no resolver for public names, so the reserved example
 * domains (RFC 2606: example.com, .net, .org and their subdomains) answer a public address, as they
 * do on the internet; every other name goes to the system resolver (localhost → 127.0.0.1).
 */
export const exampleDomainsLookup: LookupFn = async (hostname) =>
  /(^|\.)example\.(com|net|org)$/i.test(hostname)
    ? [{ address: '93.184.215.14', family: 4 }]
    : lookup(hostname, { all: true, order: 'verbatim' });

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  cache: Cache;
  config: Config;
  /** With REDIS_URL: the command connection and its circuit breaker. */
  redis: GuardedRedis | undefined;
  close(): Promise<void>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  deps: Partial<Pick<AppDeps, 'mailer' | 'providers' | 'pubsub' | 'logStream' | 'now' | 'lookup'>> & {
    /** Share a database with another test app (two instances of one deployment). */
    db?: Database;
    /** The Redis namespace (instances of one deployment share it). */
    namespace?: string;
    /** How long a Redis command may take (default here 5 s; the server's is 1 s). */
    commandTimeoutMs?: number;
  } = {},
  /** Runs before the app is ready: add hooks here. */
  configure?: (app: FastifyInstance) => void,
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    ...TEST_KEYS_ENV,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
  const { db: sharedDb, namespace, commandTimeoutMs, ...appDeps } = deps;
  const db = sharedDb ?? (await createTestDatabase());
  // With REDIS_URL (CI), the same tests run on Redis: each app in a namespace of its own.
  // A loaded CI machine can be slow to answer: a generous timeout keeps the tests on the Redis
  // path rather than the degraded one (which has tests of its own).
  const infra = await openConfiguredInfra(config, {
    namespace: namespace ?? `waymark-test:${randomBytes(6).toString('hex')}:`,
    commandTimeoutMs: commandTimeoutMs ?? 5000,
  });
  const cache = infra.cache;
  // Logging stays off unless a test asks to read the log lines (logStream).
  const app = await buildApp({
    config,
    db,
    ...(appDeps.logStream ? {} : { logger: false as const }),
    ...infra.appDeps,
    lookup: exampleDomainsLookup,
    ...appDeps,
  });
  configure?.(app);
  await app.ready();
  return {
    app,
    db,
    cache,
    config,
    redis: infra.redis,
    async close() {
      await app.close();
      await infra.close();
      if (!sharedDb) await db.close();
    },
  };
}
