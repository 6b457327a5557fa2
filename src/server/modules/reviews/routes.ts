// /api/v1/me/reviews: the review cards due, and rating one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { IdempotencyHeaders } from '../habits/schemas.ts';
import { CardParams, RatingBody, ReviewList, ReviewQuery, ReviewResult } from './schemas.ts';
import type { ReviewService } from './service.ts';

const tags = ['Me'];

export const reviewRoutes: FastifyPluginAsyncTypebox<{ service: ReviewService }> = async (
  app,
  { service },
) => {
  app.get(
    '/api/v1/me/reviews',
    {
      schema: {
        tags,
        summary: 'Your review cards due now',
        description:
          'A step you mark done becomes a review card, scheduled by FSRS. Cards with an interval of days are due from the start of their day in your time zone; cards in their first steps (minutes apart) when their time comes. Roadmaps whose reviews you turned off (`PATCH /api/v1/me/roadmaps/{slug}` `{reviews: false}`) are left out.',
        security: access.signedIn,
        querystring: ReviewQuery,
        response: { 200: ref(ReviewList), ...problems(400, 401) },
      },
    },
    async (request) => service.due(currentUser(request).userId, request.query.limit),
  );

  app.post(
    '/api/v1/me/reviews/:cardId',
    {
      schema: {
        tags,
        summary: 'Rate a review card',
        description:
          'How well you remembered it schedules the next review. Send an `Idempotency-Key` so that a retry rates once: the same key and rating answer the first result (with `Idempotent-Replayed: true`); the same key with another rating or card → 422. A card whose step is no longer done → 409.',
        security: access.signedIn,
        headers: IdempotencyHeaders,
        params: CardParams,
        body: RatingBody,
        response: { 200: ref(ReviewResult), ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { result, replayed } = await service.rate(
        currentUser(request).userId,
        request.params.cardId,
        request.body.rating,
        request.headers['idempotency-key'],
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return result;
    },
  );
};
