// GET /api/v1/me/events: Server-Sent Events of the signed-in learner's own writes, from
// whichever instance took them. A comment line every 15 s keeps proxies from closing the
// stream; on shutdown each stream gets a `retry` hint and is closed, and EventSource clients
// reconnect — to another instance, behind a load balancer.
//
// A stream lives no longer than what opened it: it ends when its session is revoked (sign-out,
// password change, role change, deletion — heard over pub/sub, and re-checked with every
// heartbeat in case that message was missed) and when its access token expires; the client
// then reconnects with a fresh token. At most MAX_STREAMS_PER_USER streams per user per instance
// (a person with many tabs); the next one is refused with 429 until one closes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors.ts';
import { problems } from '../../http/schemas.ts';
import { access, actorOf, currentUser } from '../../plugins/auth.ts';
import type { AuthService } from '../auth/service.ts';
import type { EventService, UserEvent } from './service.ts';
import type { Actor } from '../../policies/index.ts';
import { CohortParams } from '../cohorts/schemas.ts';

export const MAX_STREAMS_PER_USER = 5;

export interface EventRouteOptions {
  service: EventService;
  auth: Pick<AuthService, 'onSessionEnd' | 'isLive'>;
  heartbeatMs?: number;
  /** The cohort dashboards' streams, when cohorts are wired in: who may follow one. */
  cohorts?: { authorizeStream(actor: Actor, cohortId: string): Promise<void> };
  /** Called with +1 / −1 as streams open and close (metrics). */
  onStreamCountChange?: (delta: number) => void;
}

export const eventRoutes: FastifyPluginAsyncTypebox<EventRouteOptions> = async (app, options) => {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<ServerResponse>();
  const perUser = new Map<string, number>();

  app.addHook('preClose', async () => {
    for (const res of open) res.end('retry: 1000\n\n');
  });

  /** Opens an event stream for the caller, fed by `subscribe`, until its session or token ends. */
  async function openStream(
    request: FastifyRequest,
    reply: FastifyReply,
    subscribe: (send: (event: UserEvent) => void) => Promise<() => Promise<void>>,
  ) {
    const claims = currentUser(request);
    const userId = claims.userId;
    const count = perUser.get(userId) ?? 0;
    if (count >= MAX_STREAMS_PER_USER) {
      throw new AppError(
        'rate_limited',
        `At most ${MAX_STREAMS_PER_USER} event streams per account are open at once; close a tab or try again later.`,
        { headers: { 'retry-after': '30' } },
      );
    }
    perUser.set(userId, count + 1);
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
    const unsubscribe = await subscribe((event) => {
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    });
    /** Ends the stream with a reason the client can act on (`event: end`). */
    const end = (reason: 'session-ended' | 'token-expired') => {
      if (res.writableEnded) return;
      res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
    };
    const heartbeat = setInterval(() => {
      res.write(': heartbeat\n\n');
      void options.auth.isLive(claims).then(
        (live) => live || end('session-ended'),
        () => undefined, // the database did not answer: keep the stream, check again next time
      );
    }, heartbeatMs);
    const stopListening = options.auth.onSessionEnd(claims.sessionId, () => end('session-ended'));
    const expiry = setTimeout(() => end('token-expired'), Math.max(0, claims.expiresAt * 1000 - Date.now()));
    let closed = false;
    const cleanup = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(expiry);
      stopListening();
      open.delete(res);
      const left = (perUser.get(userId) ?? 1) - 1;
      if (left > 0) perUser.set(userId, left);
      else perUser.delete(userId);
      options.onStreamCountChange?.(-1);
      void unsubscribe();
    };
    res.on('close', cleanup);
    if (res.destroyed) cleanup();
  }

  app.get(
    '/api/v1/me/events',
    {
      schema: {
        tags: ['Me'],
        summary: 'Live events of your own writes (Server-Sent Events)',
        description:
          '`text/event-stream` of `progress` events (`{roadmapSlug, stepSlug, status, updatedAt}`) and `study-session` events (`{action: "created", session}` or `{action: "deleted", id}`), from every device and tab. Authenticate with the Bearer header (read it with fetch; EventSource cannot send headers).',
        security: access.signedIn,
        produces: ['text/event-stream'],
        response: {
          200: { type: 'string', description: 'An event stream that stays open.' },
          ...problems(401, 429),
        },
      },
    },
    (request, reply) =>
      openStream(request, reply, (send) => options.service.subscribe(currentUser(request).userId, send)),
  );

  const cohorts = options.cohorts;
  if (cohorts) {
    app.get(
      '/api/v1/cohorts/:id/events',
      {
        schema: {
          tags: ['Cohorts'],
          summary: "Live activity of a cohort's members (Server-Sent Events)",
          description:
            '`member-activity` events (`{userId}`) as members mark steps or log time: the live dashboard refreshes on them. Only who, never what. Owners, mentors and admins.',
          security: access.signedIn,
          params: CohortParams,
          produces: ['text/event-stream'],
          response: {
            200: { type: 'string', description: 'An event stream that stays open.' },
            ...problems(400, 401, 403, 404, 429),
          },
        },
      },
      async (request, reply) => {
        await cohorts.authorizeStream(actorOf(request), request.params.id);
        return openStream(request, reply, (send) => options.service.subscribeCohort(request.params.id, send));
      },
    );
  }
};
