// GET /api/v1/me/events: Server-Sent Events of the signed-in learner's own writes, from
// whichever instance took them. A comment line every 15 s keeps proxies from closing the
// stream; on shutdown each stream gets a `retry` hint and is closed, and EventSource clients
// reconnect — to another instance, behind a load balancer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import { problems } from '../../http/schemas.ts';
import { bearerSecurity, currentUser } from '../../plugins/auth.ts';
import type { EventService } from './service.ts';

export interface EventRouteOptions {
  service: EventService;
  heartbeatMs?: number;
  /** Called with +1 / −1 as streams open and close (metrics). */
  onStreamCountChange?: (delta: number) => void;
}

export const eventRoutes: FastifyPluginAsyncTypebox<EventRouteOptions> = async (app, options) => {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<ServerResponse>();

  app.addHook('preClose', async () => {
    for (const res of open) res.end('retry: 1000\n\n');
  });

  app.get(
    '/api/v1/me/events',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['Me'],
        summary: 'Live events of your own writes (Server-Sent Events)',
        description:
          '`text/event-stream` of `progress` events (`{roadmapSlug, stepSlug, status, updatedAt}`) and `study-session` events (`{action: "created", session}` or `{action: "deleted", id}`), from every device and tab. Authenticate with the Bearer header (read it with fetch; EventSource cannot send headers).',
        security: bearerSecurity,
        produces: ['text/event-stream'],
        response: {
          200: { type: 'string', description: 'An event stream that stays open.' },
          ...problems(401),
        },
      },
    },
    async (request, reply) => {
      const userId = currentUser(request).userId;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no', // nginx: do not buffer the stream
      });
      res.write('retry: 3000\n: connected\n\n');
      open.add(res);
      options.onStreamCountChange?.(1);
      const unsubscribe = await options.service.subscribe(userId, (event) => {
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      let closed = false;
      const cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        open.delete(res);
        options.onStreamCountChange?.(-1);
        void unsubscribe();
      };
      res.on('close', cleanup);
      if (res.destroyed) cleanup();
    },
  );
};
