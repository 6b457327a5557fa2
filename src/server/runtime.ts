// Opening what the app depends on, shared by the server and the CLI: the database chosen by
// the configuration (migrated), and the cache, pub/sub and Redis connection.
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from './app.ts';
import type { Config } from './config.ts';
import { openPglite, openPostgres, type Database } from './db/client.ts';
import { createMemoryCache, createRedisCache, type Cache } from './infra/cache.ts';
import { createRedisPubSub, type PubSub } from './infra/pubsub.ts';
import type { GuardedRedis } from './infra/redis.ts';

export async function openConfiguredDatabase(
  config: Config,
  log?: Pick<FastifyBaseLogger, 'error'>,
): Promise<Database> {
  const db = config.databaseUrl
    ? openPostgres({
        url: config.databaseUrl,
        readUrl: config.databaseReadUrl,
        onError: (err) => log?.error({ err }, 'idle database client failed'),
      })
    : await openPglite(config.dataDir);
  try {
    await db.migrate();
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

export interface Infra {
  cache: Cache;
  pubsub: PubSub | undefined;
  /** The command connection behind its circuit breaker. */
  redis: GuardedRedis | undefined;
  /** What buildApp takes from it: spread into its deps. */
  appDeps: Pick<AppDeps, 'cache' | 'pubsub' | 'redis'>;
  close(): Promise<void>;
}

/**
 * Cache, pub/sub and the Redis connection they share: in this process without REDIS_URL, on
 * Redis with it (`namespace` prefixes every key and channel; tests give each app its own).
 */
export async function openConfiguredInfra(
  config: Pick<Config, 'redisUrl'>,
  options: {
    namespace?: string;
    commandTimeoutMs?: number;
    log?: { warn(obj: object, msg: string): void; info?(msg: string): void };
  } = {},
): Promise<Infra> {
  if (!config.redisUrl) {
    const cache = createMemoryCache();
    return { cache, pubsub: undefined, redis: undefined, appDeps: { cache }, close: async () => {} };
  }
  // ioredis is loaded only when REDIS_URL is set (~50 ms of every start otherwise).
  const { createRedis, guardRedis } = await import('./infra/redis.ts');
  const namespace = options.namespace ?? 'waymark:';
  const onError = (err: Error) => options.log?.warn({ err }, 'Redis does not answer; serving without it');
  const client = createRedis({
    url: config.redisUrl,
    namespace,
    onError,
    commandTimeoutMs: options.commandTimeoutMs,
  });
  const redis = guardRedis(client);
  redis.breaker.onStateChange((state, previous) => {
    if (state === 'open' && previous === 'closed') {
      options.log?.warn(
        { breaker: redis.breaker.stats() },
        'Redis did not answer: circuit open, serving from this process until a PING answers',
      );
    } else if (state === 'closed') {
      options.log?.info?.('Redis answers again: circuit closed');
    }
  });
  const subscriber = createRedis({ url: config.redisUrl, namespace, onError }, 'subscriber');
  // Commands fail fast while disconnected (no offline queue): give the first connection a
  // moment, so a healthy Redis is used from the first request. A Redis that is down does not
  // hold the start up — the instance starts degraded and connects when it can.
  await Promise.race([
    // (not events.once: it rejects on the first 'error', and a refused connection is one)
    Promise.all([client, subscriber].map((r) => new Promise((resolve) => r.once('ready', resolve)))),
    new Promise((resolve) => setTimeout(resolve, 2000).unref()),
  ]);
  const cache = createRedisCache(redis);
  const pubsub = createRedisPubSub({ publisher: redis, subscriber, namespace });
  return {
    cache,
    pubsub,
    redis,
    appDeps: { cache, pubsub, redis },
    async close() {
      redis.breaker.stop();
      subscriber.disconnect();
      client.disconnect();
    },
  };
}
