// Redis connections (ioredis), set to fail fast instead of hanging: no offline queue, one retry
// per command, short timeouts — while reconnecting in the background forever. Every command
// goes through one circuit breaker (infra/breaker.ts): after two failures or timeouts in a row
// Redis is not asked at all until a PING answers again, so a Redis that stopped answering costs
// no request more than one command timeout. Callers treat a failed or refused command as "Redis
// is down" and degrade (infra/cache.ts, infra/pubsub.ts, the rate-limit store); /readyz reports it.
import { Redis, ReplyError } from 'ioredis';
import { createBreaker, type CircuitBreaker } from './breaker.ts';

/** The command connection and the breaker every command on it goes through. */
export interface GuardedRedis {
  /** Reach it only inside `breaker.run(() => …)`. */
  client: Redis;
  breaker: CircuitBreaker;
  /** The readiness check: a PING through the breaker (refused at once while it is open). */
  ping(): Promise<void>;
}

export interface BreakerSettings {
  /** Consecutive failures or timeouts that open the circuit (default 2). */
  failureThreshold?: number;
  /** How long the probing PING may take (default 500 ms). */
  probeTimeoutMs?: number;
  /** The first probe's delay after opening, doubled after each failed one up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Puts `client` behind a circuit breaker whose probe is a PING. */
export function guardRedis(client: Redis, settings: BreakerSettings = {}): GuardedRedis {
  const breaker = createBreaker({
    name: 'Redis',
    ...settings,
    probe: () => client.ping(),
    // An error reply (WRONGTYPE, NOSCRIPT, …) is Redis answering; anything else — a timeout, a
    // closed or unwritable connection — is Redis not answering.
    isFailure: (err) => !(err instanceof ReplyError),
  });
  return {
    client,
    breaker,
    async ping() {
      await breaker.run(() => client.ping());
    },
  };
}

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
