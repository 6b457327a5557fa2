// /api/v1/me/webhooks: endpoints Waymark tells what happened. Signed-in sessions only: a personal
// access token can never add a webhook (it would be a way to read what the token may not).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, actorOf, currentUser } from '../../plugins/auth.ts';
import {
  DeliveryList,
  Delivery,
  NewWebhook,
  Webhook,
  WebhookBody,
  WebhookList,
  WebhookParams,
  WebhookPatch,
} from './schemas.ts';
import type { WebhookService } from './service.ts';

const tags = ['Integrations'];

export const webhookRoutes: FastifyPluginAsyncTypebox<{ service: WebhookService }> = async (
  app,
  { service },
) => {
  app.post(
    '/api/v1/me/webhooks',
    {
      schema: {
        tags,
        summary: 'Add a webhook',
        description:
          'Waymark POSTs each chosen event to `url` as `{type, timestamp, data}`, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`: HMAC-SHA256 with the `whsec_` secret, shown in this answer only). Failed deliveries are retried with backoff for about a day, with the same `webhook-id`. With `cohortId` (a cohort you own) it hears that cohort instead of you.',
        security: access.signedIn,
        body: WebhookBody,
        response: { 201: ref(NewWebhook), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(actorOf(request)!, request.body)),
  );

  app.get(
    '/api/v1/me/webhooks',
    {
      schema: {
        tags,
        summary: 'Your webhooks',
        description: 'Never their secrets.',
        security: access.signedIn,
        response: { 200: ref(WebhookList), ...problems(401) },
      },
    },
    async (request) => service.list(currentUser(request).userId),
  );

  app.get(
    '/api/v1/me/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'One of your webhooks',
        security: access.signedIn,
        params: WebhookParams,
        response: { 200: ref(Webhook), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.get(currentUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/v1/me/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook',
        description: '`url`, `events`, `enabled`. Turning it on again forgets past failures.',
        security: access.signedIn,
        params: WebhookParams,
        body: WebhookPatch,
        response: { 200: ref(Webhook), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.update(currentUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/me/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook',
        description: 'Deliveries still waiting are dropped.',
        security: access.signedIn,
        params: WebhookParams,
        response: { 204: { type: 'null' }, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await service.remove(currentUser(request).userId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/webhooks/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a ping',
        description: 'A `ping` event, sent now and once (no retries); answers how the endpoint took it.',
        security: access.signedIn,
        params: WebhookParams,
        response: { 200: ref(Delivery), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.test(currentUser(request).userId, request.params.id),
  );

  app.get(
    '/api/v1/me/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Recent deliveries of a webhook',
        description: 'Status, attempts, the last response code and error of each.',
        security: access.signedIn,
        params: WebhookParams,
        response: { 200: ref(DeliveryList), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.deliveries(currentUser(request).userId, request.params.id),
  );
};
