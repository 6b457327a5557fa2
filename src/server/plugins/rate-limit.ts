// Rate limits with @fastify/rate-limit: a global per-IP limit (RATE_LIMIT_PER_MINUTE, 0 = off),
// and route groups that set their own (`config.rateLimit`, e.g. /api/v1/auth/*). Counters live
// in this process, or in Redis when one is given so that limits hold across instances.
// Exceeding answers 429 problem+json with Retry-After and the IETF RateLimit-* headers.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { createRequire } from 'node:module';
import { AppError } from '../http/errors.ts';
import type { GuardedRedis } from '../infra/redis.ts';

// The plugin's own stores (it exports no other way to reach them).
const require = createRequire(import.meta.url);
interface Result {
  current: number;
  ttl: number;
}
type Callback = (err: Error | null, result?: Result) => void;
interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read(key: string, cb: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): Store;
}
type StoreClass = new (...args: unknown[]) => Store;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreClass;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreClass;

/**
 * Counters in Redis, shared by every instance — and, while Redis does not answer, in this
 * process: limits then hold per instance instead of not at all (the plugin's `skipOnError`
 * would let everything through, and failing closed would lock everyone out). Each count goes
 * through the Redis circuit breaker, so while it is open no request waits on Redis here.
 */
function fallbackStore({ client: redis, breaker }: GuardedRedis, onFallback: () => void): StoreClass {
  class FallbackStore implements Store {
    private readonly shared: Store;
    private readonly local: Store;
    constructor(
      params: { continueExceeding?: boolean; exponentialBackoff?: boolean },
      shared?: Store,
      local?: Store,
    ) {
      this.shared =
        shared ?? new RedisStore(params.continueExceeding, params.exponentialBackoff, redis, 'v1:rl:');
      this.local = local ?? new LocalStore(params.continueExceeding, params.exponentialBackoff);
    }
    private either(method: 'incr' | 'read', key: string, cb: Callback, timeWindow: number, max: number) {
      breaker
        .run(
          () =>
            new Promise<Result>((resolve, reject) =>
              this.shared[method](
                key,
                (err, result) => (err ? reject(err) : resolve(result!)),
                timeWindow,
                max,
              ),
            ),
        )
        .then(
          (result) => cb(null, result),
          () => {
            onFallback();
            this.local[method](key, cb, timeWindow, max);
          },
        );
    }
    incr(key: string, cb: Callback, timeWindow: number, max: number) {
      this.either('incr', key, cb, timeWindow, max);
    }
    read(key: string, cb: Callback, timeWindow: number, max: number) {
      this.either('read', key, cb, timeWindow, max);
    }
    child(routeOptions: unknown): Store {
      return new FallbackStore({}, this.shared.child(routeOptions), this.local.child(routeOptions));
    }
  }
  return FallbackStore as unknown as StoreClass;
}

async function limits(
  app: FastifyInstance,
  options: { perMinute: number; redis?: GuardedRedis | undefined; onFallback?: () => void },
) {
  await app.register(rateLimit, {
    global: options.perMinute > 0,
    max: options.perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    ...(options.redis ? { store: fallbackStore(options.redis, options.onFallback ?? (() => {})) } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate_limited',
        `Too many requests: at most ${context.max} per ${context.after}. Try again in ${Math.ceil(context.ttl / 1000)} s.`,
        {
          headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
        },
      ),
  });
}

/**
 * One budget shared by a group of routes (an onRequest hook for the plugin that holds them).
 * The plugin's own per-route `config.rateLimit` keeps one counter per route even with a
 * `groupId`, so a group limit is a limiter made once with `createRateLimit` and applied here.
 */
export function sharedBudget(
  app: FastifyInstance,
  options: { name: string; max: number; timeWindowMs: number; keyOf?: (request: FastifyRequest) => string },
): onRequestAsyncHookHandler {
  const check = app.createRateLimit({
    max: options.max,
    timeWindow: options.timeWindowMs,
    keyGenerator: (request) => `${options.name}:${options.keyOf ? options.keyOf(request) : request.ip}`,
  });
  return async function budget(request, reply) {
    const limit = await check(request);
    if (limit.isAllowed) return;
    const reset = Math.ceil(limit.ttl / 1000);
    reply.headers({
      'ratelimit-limit': limit.max,
      'ratelimit-remaining': Math.max(0, limit.remaining),
      'ratelimit-reset': reset,
    });
    if (limit.isExceeded) {
      throw new AppError(
        'rate_limited',
        `Too many requests: at most ${limit.max} per ${Math.round(options.timeWindowMs / 1000)} s. Try again in ${reset} s.`,
        {
          headers: { 'retry-after': String(reset) },
        },
      );
    }
  };
}

export default fp(limits, { name: 'rate-limit' });
