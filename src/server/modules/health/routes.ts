// Liveness and readiness for load balancers and orchestrators.
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  /**
   * Reported but not required: the instance still serves without it (Redis — reads go to the
   * database, limits count per instance), so a load balancer must not take every instance out
   * at once when it is down.
   */
  optional?: boolean;
  /** A line for operators on the dependency's state, reported in `details` (the Redis circuit). */
  detail?: () => string;
}

const Health = Type.Object({ status: Type.Literal('ok') });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')])),
  details: Type.Optional(Type.Record(Type.String(), Type.String())),
});

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessCheck[] }> = async (
  app,
  { checks },
) => {
  const tags = ['Operations'];
  // Liveness touches nothing — no database, no Redis, and not the rate limiter (whose counters
  // may live in Redis): a probe must not fail, or wait, because a dependency does.
  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'Liveness: the process runs',
        description: 'Answers without asking the database, Redis or the rate limiter.',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Readiness: every dependency answers',
        description:
          '503 while the database does not answer within 2 s. Redis, when configured, is reported (`down`, also while its circuit breaker is open) but does not make the instance unready: it keeps serving without it. `details` says what the circuit breaker is doing.',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(
        checks.map(async ({ name, check }) => {
          try {
            await withTimeout(check(), CHECK_TIMEOUT_MS);
            return [name, 'up'] as const;
          } catch (err) {
            request.log.warn({ err, dependency: name }, 'readiness check failed');
            return [name, 'down'] as const;
          }
        }),
      );
      const optional = new Set(checks.filter((c) => c.optional).map((c) => c.name));
      const ready = results.every(([name, state]) => state === 'up' || optional.has(name));
      const details = checks.flatMap(({ name, detail }) => (detail ? [[name, detail()] as const] : []));
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ok' : 'unavailable',
        checks: Object.fromEntries(results),
        ...(details.length > 0 ? { details: Object.fromEntries(details) } : {}),
      });
    },
  );
};
