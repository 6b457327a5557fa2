// Rate limits with @fastify/rate-limit: a global per-IP limit (RATE_LIMIT_PER_MINUTE, 0 = off),
// and route groups that set their own (`config.rateLimit`, e.g. /api/v1/auth/*). Counters live
// in this process, or in Redis when one is given so that limits hold across instances.
// Exceeding answers 429 problem+json with Retry-After and the IETF RateLimit-* headers.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { AppError } from '../http/errors.ts';

async function limits(app: FastifyInstance, options: { perMinute: number; redis?: Redis | undefined }) {
  await app.register(rateLimit, {
    global: options.perMinute > 0,
    max: options.perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    ...(options.redis ? { redis: options.redis, nameSpace: 'waymark:v1:rl:' } : {}),
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
