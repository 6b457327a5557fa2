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
}

const Health = Type.Object({ status: Type.Literal('ok') });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')])),
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
  app.get(
    '/healthz',
    { schema: { tags, summary: 'Liveness: the process runs', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Readiness: every dependency answers',
        description:
          '503 while the database does not answer within 2 s. Redis, when configured, is reported (`down`) but does not make the instance unready: it keeps serving without it.',
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
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
    },
  );
};
