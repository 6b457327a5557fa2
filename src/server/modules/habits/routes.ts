// /api/v1/me/study-sessions and /api/v1/me/stats.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { bearerSecurity, currentUser } from '../../plugins/auth.ts';
import {
  IdempotencyHeaders,
  SessionIdParams,
  Stats,
  StudySession,
  StudySessionBody,
  StudySessionList,
  StudySessionQuery,
} from './schemas.ts';
import type { HabitService } from './service.ts';

const tags = ['Me'];

export const habitRoutes: FastifyPluginAsyncTypebox<{ service: HabitService }> = async (app, { service }) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/v1/me/study-sessions',
    {
      schema: {
        tags,
        summary: 'Log study time',
        description:
          'Send an `Idempotency-Key` so that a retry (a double click, a lost answer) logs once: the same key and body return the first answer (with `Idempotent-Replayed: true`).',
        security: bearerSecurity,
        headers: IdempotencyHeaders,
        body: StudySessionBody,
        response: { 201: ref(StudySession), ...problems(400, 401, 422) },
      },
    },
    async (request, reply) => {
      const { session, replayed } = await service.log(
        currentUser(request).userId,
        request.body,
        request.headers['idempotency-key'],
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(session);
    },
  );

  app.get(
    '/api/v1/me/study-sessions',
    {
      schema: {
        tags,
        summary: 'Your study log',
        description: 'Newest day first, cursor-paginated; `from` and `to` bound the days (inclusive).',
        security: bearerSecurity,
        querystring: StudySessionQuery,
        response: { 200: ref(StudySessionList), ...problems(400, 401) },
      },
    },
    async (request) => service.list(currentUser(request).userId, request.query),
  );

  app.delete(
    '/api/v1/me/study-sessions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a study session logged by mistake',
        security: bearerSecurity,
        params: SessionIdParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await service.remove(currentUser(request).userId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/stats',
    {
      schema: {
        tags,
        summary: 'Your streaks, today, and a year of study',
        description:
          'A day counts toward a streak when its minutes reach your daily goal (the goal in force now). Days are calendar days in your time zone.',
        security: bearerSecurity,
        response: { 200: ref(Stats), ...problems(401) },
      },
    },
    async (request) => service.stats(currentUser(request).userId),
  );
};
