// Prometheus metrics at /metrics: request counts and latency histograms by route template and
// status (the `route` label is the pattern, e.g. /api/v1/roadmaps/:slug, so cardinality stays
// bounded), plus the process metrics prom-client collects. Each app has its own registry.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../http/errors.ts';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/client.ts';
import type { Cache } from '../infra/cache.ts';
import type { GuardedRedis } from '../infra/redis.ts';
import type { Jobs } from '../infra/jobs.ts';

export interface AppMetrics {
  registry: Registry;
  sseConnections: Gauge;
  rateLimitRejections: Counter;
  rateLimitFallbacks: Counter;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

/** A counter whose value lives elsewhere (a running total), read at each scrape. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number) {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

async function metrics(
  app: FastifyInstance,
  options: {
    defaultMetrics?: boolean;
    cache?: Cache;
    db?: Database;
    redis?: GuardedRedis | undefined;
    jobs?: Jobs;
    /** Bearer token /metrics requires; without it, only direct loopback clients are answered. */
    token?: string | undefined;
  },
) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'waymark_' });
  const { cache, db, redis } = options;
  if (cache) {
    mirroredCounter(
      registry,
      'waymark_cache_hits_total',
      'Cache lookups that found the value',
      () => cache.stats().hits,
    );
    mirroredCounter(
      registry,
      'waymark_cache_misses_total',
      'Cache lookups that went to the database',
      () => cache.stats().misses,
    );
    mirroredCounter(
      registry,
      'waymark_cache_errors_total',
      'Cache commands Redis did not answer',
      () => cache.stats().errors,
    );
  }
  if (db?.poolStats) {
    new Gauge({
      name: 'waymark_db_pool_connections',
      help: 'Database pool connections by pool and state',
      labelNames: ['pool', 'state'] as const,
      registers: [registry],
      collect() {
        for (const [pool, stats] of Object.entries(db.poolStats!())) {
          this.set({ pool, state: 'total' }, stats.total);
          this.set({ pool, state: 'idle' }, stats.idle);
          this.set({ pool, state: 'waiting' }, stats.waiting);
        }
      },
    });
  }
  if (redis) {
    const { client, breaker } = redis;
    new Gauge({
      name: 'waymark_redis_up',
      help: '1 while the Redis connection is ready and its circuit breaker closed (Redis is used)',
      registers: [registry],
      collect() {
        this.set(client.status === 'ready' && breaker.state === 'closed' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'waymark_redis_circuit_state',
      help: "1 for the Redis circuit breaker's current state (closed: used; open: skipped; half-open: probing)",
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        for (const state of ['closed', 'open', 'half-open'] as const) {
          this.set({ state }, breaker.state === state ? 1 : 0);
        }
      },
    });
    mirroredCounter(
      registry,
      'waymark_redis_circuit_opens_total',
      'Times the Redis circuit breaker opened',
      () => breaker.stats().opens,
    );
    mirroredCounter(
      registry,
      'waymark_redis_failures_total',
      'Redis commands that failed or timed out while the circuit was closed',
      () => breaker.stats().failures,
    );
    mirroredCounter(
      registry,
      'waymark_redis_short_circuits_total',
      'Redis commands not sent because the circuit was open (the caller fell back at once)',
      () => breaker.stats().shortCircuits,
    );
  }
  const { jobs } = options;
  if (jobs) {
    new Gauge({
      name: 'waymark_jobs',
      help: 'Jobs per queue and state (queued: due, waiting for a worker; deferred: not yet due; failed: out of retries)',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        for (const q of await jobs.counts()) {
          for (const state of ['queued', 'deferred', 'active', 'failed'] as const) {
            this.set({ queue: q.queue, state }, q[state]);
          }
        }
      },
    });
    const runs = new Counter({
      name: 'waymark_job_runs_total',
      help: 'Job attempts on this instance by queue and outcome (failed: will be retried, or dead-lettered)',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    });
    const latency = new Histogram({
      name: 'waymark_job_latency_seconds',
      help: 'From when a job was due to when its attempt finished, by queue',
      labelNames: ['queue'] as const,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    });
    jobs.onRun((run) => {
      runs.inc({ queue: run.queue, outcome: run.outcome });
      latency.observe({ queue: run.queue }, run.latencySeconds);
    });
  }
  const appMetrics: AppMetrics = {
    registry,
    sseConnections: new Gauge({
      name: 'waymark_sse_connections',
      help: 'Open event streams',
      registers: [registry],
    }),
    rateLimitRejections: new Counter({
      name: 'waymark_rate_limit_rejections_total',
      help: 'Requests refused with 429',
      registers: [registry],
    }),
    rateLimitFallbacks: new Counter({
      name: 'waymark_rate_limit_fallbacks_total',
      help: 'Rate-limit checks counted in this process because Redis did not answer',
      registers: [registry],
    }),
  };
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.decorate('metrics', appMetrics);

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode === 429) appMetrics.rateLimitRejections.inc();
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = options.token ? digest(options.token) : undefined;
  /** Metrics tell an attacker a lot (routes, load, errors): the scraper proves who it is. */
  function allowed(request: FastifyRequest): boolean {
    if (expected) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      return match !== null && timingSafeEqual(digest(match[1]!), expected);
    }
    // No token: a scraper on this machine, talking to us directly (not through a proxy).
    const peer = request.socket.remoteAddress ?? '';
    const loopback = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
    return loopback && request.headers['x-forwarded-for'] === undefined;
  }

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Prometheus metrics',
        description:
          'Prometheus text exposition format. With METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`; without it, only for clients on this machine connecting directly (not through a proxy).',
        response: { 200: { type: 'string' }, 401: { $ref: 'Problem#' } },
      },
      config: { rateLimit: false },
    },
    async (request, reply) => {
      if (!allowed(request)) {
        throw new AppError(
          'unauthorized',
          expected
            ? 'Send `Authorization: Bearer <METRICS_TOKEN>`.'
            : 'Metrics are served to this machine only; set METRICS_TOKEN to scrape them from elsewhere.',
          { headers: { 'www-authenticate': 'Bearer realm="metrics"' } },
        );
      }
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}

export default fp(metrics, { name: 'metrics' });
