// /api/v1/me/study-sessions and /api/v1/me/stats.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { RoadmapParams } from '../roadmaps/schemas.ts';
import {
  Forecast,
  IdempotencyHeaders,
  PlanPatch,
  SessionIdParams,
  StudySessionPatch,
  Stats,
  StudySession,
  StudySessionBody,
  StudySessionList,
  StudySessionQuery,
} from './schemas.ts';
import type { HabitService } from './service.ts';

const tags = ['Me'];

export const habitRoutes: FastifyPluginAsyncTypebox<{ service: HabitService }> = async (app, { service }) => {
  app.post(
    '/api/v1/me/study-sessions',
    {
      schema: {
        tags,
        summary: 'Log study time',
        description:
          'Send an `Idempotency-Key` so that a retry (a double click, a lost answer) logs once: the same key and body return the first answer (with `Idempotent-Replayed: true`).',
        security: access.scoped('study:write'),
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
        security: access.scoped('study:read'),
        querystring: StudySessionQuery,
        response: { 200: ref(StudySessionList), ...problems(400, 401) },
      },
    },
    async (request) => service.list(currentUser(request).userId, request.query),
  );

  app.patch(
    '/api/v1/me/study-sessions/:id',
    {
      schema: {
        security: access.scoped('study:write'),
        tags,
        summary: 'Edit a study session',
        description:
          'Change its minutes, day, note, roadmap or step; fields left out stay, `null` clears one. The same rules as logging apply (not in the future, at most a year back, a step needs its roadmap).',
        params: SessionIdParams,
        body: StudySessionPatch,
        response: { 200: ref(StudySession), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.update(currentUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/me/study-sessions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a study session logged by mistake',
        security: access.scoped('study:write'),
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
        security: access.scoped('study:read'),
        response: { 200: ref(Stats), ...problems(401) },
      },
    },
    async (request) => service.stats(currentUser(request).userId),
  );

  app.get(
    '/api/v1/me/roadmaps/:slug/forecast',
    {
      schema: {
        tags,
        summary: 'When you will finish a roadmap at your pace',
        description:
          'Hours left (all steps, and required ones), your pace (average minutes a day over the last 28 days of your time zone, or your daily goal while you have logged nothing), when that finishes the required steps, and — with a target date — the minutes a day it takes.',
        security: access.scoped('progress:read'),
        params: RoadmapParams,
        response: { 200: ref(Forecast), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.forecast(currentUser(request).userId, request.params.slug),
  );

  app.patch(
    '/api/v1/me/roadmaps/:slug',
    {
      schema: {
        tags,
        summary: 'Set your plan for a roadmap: a target date, reviews on or off',
        description:
          "`targetDate`: the local date you mean to finish its required steps by (today or later; a past date → 400), or null to clear it. `reviews: false` hides the roadmap's review cards (kept, and back with `true`). Fields left out keep their value. Answers the forecast.",
        security: access.signedIn,
        params: RoadmapParams,
        body: PlanPatch,
        response: { 200: ref(Forecast), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.setPlan(currentUser(request).userId, request.params.slug, request.body),
  );
};
