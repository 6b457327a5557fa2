// Redis connections (ioredis), set to fail fast instead of hanging: no offline queue, one retry
// per command, short timeouts — while reconnecting in the background forever. Callers treat a
// failed command as "Redis is down" and degrade (infra/cache.ts, infra/pubsub.ts, the rate-limit
// store); /readyz reports it.
import { Redis } from 'ioredis';

export interface RedisOptions {
  url: string;
  /** Prefixed to every key (and channel), e.g. `waymark:`; tests isolate themselves with it. */
  namespace: string;
  /** How long a command may take before it counts as "Redis is down" (default 1 s). */
  commandTimeoutMs?: number;
  onError?: (err: Error) => void;
}

export function createRedis(options: RedisOptions, role: 'commands' | 'subscriber' = 'commands'): Redis {
  const redis = new Redis(options.url, {
    keyPrefix: options.namespace,
    enableOfflineQueue: role === 'subscriber', // a subscriber re-subscribes after reconnecting
    maxRetriesPerRequest: 1,
    commandTimeout: role === 'commands' ? (options.commandTimeoutMs ?? 1000) : undefined,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    connectionName: `waymark-${role}`,
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // A down Redis errors on every retry; say so at most every 10 s.
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now();
      options.onError?.(err);
    }
  });
  return redis;
}
