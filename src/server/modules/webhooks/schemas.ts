// Webhooks: Waymark telling another system what happened, signed the Standard Webhooks way.
import type { OpenAPIV3_1 } from 'openapi-types';
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../db/schema.ts';

/** Webhooks one person may have at once. */
export const WEBHOOKS_MAX = 20;

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const EventName = Type.Unsafe<WebhookEvent>({
  type: 'string',
  enum: [...WEBHOOK_EVENTS],
  description:
    '`progress.updated` (a step marked), `milestone.reached` (a milestone reached, or all required steps of a roadmap done: a credential was issued), `study_session.created` (time logged), `review.completed` (a review card rated), `cohort.member_joined` (someone joined the cohort; cohort webhooks only).',
});

const Url = Type.String({
  format: 'uri',
  maxLength: 2048,
  description:
    'An https URL on a public address. Loopback, private, link-local and metadata addresses are refused, here and again at every delivery (after DNS).',
});

export const WebhookBody = Type.Object(
  {
    url: Url,
    events: Type.Array(EventName, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true }),
    cohortId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: "A cohort you own: the webhook hears that cohort's events instead of yours.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookBody = Static<typeof WebhookBody>;

export const WebhookPatch = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(
      Type.Array(EventName, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'Turning it on again also forgets past failures.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type WebhookPatch = Static<typeof WebhookPatch>;

const webhookFields = {
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  events: Type.Array(EventName),
  cohortId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
};

export const Webhook = Type.Object(
  {
    ...webhookFields,
    failingSince: Type.Union([Timestamp, Type.Null()], {
      description: 'Since when every delivery has failed; null while the endpoint answers.',
    }),
    disabledReason: Type.Union([Type.String(), Type.Null()], {
      description: 'Why Waymark turned it off (an endpoint failing for 3 days); null otherwise.',
    }),
  },
  { $id: 'Webhook', additionalProperties: false },
);
export type Webhook = Static<typeof Webhook>;

export const NewWebhook = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({
      description:
        'The signing secret (`whsec_…`), shown this once. Verify each delivery with it using any Standard Webhooks library.',
    }),
  },
  { $id: 'NewWebhook', additionalProperties: false },
);
export type NewWebhook = Static<typeof NewWebhook>;

export const WebhookList = Type.Object(
  { items: Type.Array(ref(Webhook), { description: 'Newest first.' }) },
  { $id: 'WebhookList', additionalProperties: false },
);

export const Delivery = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The `webhook-id` header of every attempt.' }),
    event: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')], {
      description: '`pending` while attempts go on (retried with backoff for about a day).',
    }),
    attempts: Type.Integer(),
    responseStatus: Type.Union([Type.Integer(), Type.Null()], {
      description: "The last attempt's status code.",
    }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt failed.' }),
    createdAt: Timestamp,
    lastAttemptAt: NullableTimestamp,
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
);
export type Delivery = Static<typeof Delivery>;

export const DeliveryList = Type.Object(
  { items: Type.Array(ref(Delivery), { description: 'The most recent 50, newest first.' }) },
  { $id: 'WebhookDeliveryList', additionalProperties: false },
);

export const WebhookParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const webhookSchemas = [Webhook, NewWebhook, WebhookList, Delivery, DeliveryList];

const signatureHeaders: OpenAPIV3_1.ParameterObject[] = (
  [
    ['webhook-id', 'The delivery id: the same on every retry, so a receiver can drop repeats.'],
    ['webhook-timestamp', 'Seconds since the epoch when this attempt was signed.'],
    ['webhook-signature', '`v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret.'],
  ] as const
).map(([name, description]) => ({
  name,
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description,
}));

const envelope = (type: string, data: object, summary: string): OpenAPIV3_1.PathItemObject => ({
  post: {
    summary,
    description:
      'Version 1 of the payload. Verify it with any Standard Webhooks library and the `whsec_` secret; answer 2xx within 10 s. Anything else is retried with backoff for about a day.',
    parameters: signatureHeaders,
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['type', 'timestamp', 'data'],
            properties: {
              type: { const: type },
              timestamp: { type: 'string', format: 'date-time' },
              data: { type: 'object', ...data },
            },
          },
        },
      },
    },
    responses: { '2XX': { description: 'Taken; nothing is sent again.' } },
  },
});

/** The `webhooks` section of the OpenAPI document: what Waymark sends, per event. */
export const openapiWebhooks: Record<string, OpenAPIV3_1.PathItemObject> = {
  'progress.updated': envelope(
    'progress.updated',
    {
      properties: {
        userId: { type: 'string', format: 'uuid' },
        roadmapSlug: { type: 'string' },
        stepSlug: { type: 'string' },
        status: { enum: ['todo', 'in_progress', 'done', 'skipped'] },
        updatedAt: { type: 'string', format: 'date-time' },
      },
    },
    'A step was marked',
  ),
  'milestone.reached': envelope(
    'milestone.reached',
    {
      properties: {
        userId: { type: 'string', format: 'uuid' },
        roadmapSlug: { type: 'string' },
        milestone: {
          type: ['string', 'null'],
          description: "The milestone's slug; null when every required step of the roadmap is done.",
        },
        name: { type: 'string', description: 'The achievement, as its credential names it.' },
        reachedAt: { type: 'string', format: 'date-time' },
        credentialId: {
          type: 'string',
          format: 'uuid',
          description: 'The Open Badges credential issued for it (GET /api/v1/me/credentials/{id}).',
        },
      },
    },
    'A milestone was reached (sent once, when its credential is issued)',
  ),
  'review.completed': envelope(
    'review.completed',
    {
      properties: {
        userId: { type: 'string', format: 'uuid' },
        cardId: { type: 'string', format: 'uuid' },
        stepId: { type: 'string' },
        rating: { enum: ['again', 'hard', 'good', 'easy'] },
        reviewedAt: { type: 'string', format: 'date-time' },
        due: { type: 'string', format: 'date-time', description: 'When the card is due next.' },
      },
    },
    'A review card was rated (a retried request with its Idempotency-Key is not sent again)',
  ),
  'study_session.created': envelope(
    'study_session.created',
    {
      properties: {
        userId: { type: 'string', format: 'uuid' },
        session: { type: 'object', description: 'As `POST /api/v1/me/study-sessions` answered it.' },
      },
    },
    'Study time was logged',
  ),
  'cohort.member_joined': envelope(
    'cohort.member_joined',
    {
      properties: {
        cohortId: { type: 'string', format: 'uuid' },
        userId: { type: 'string', format: 'uuid' },
      },
    },
    "Someone joined the cohort (a cohort's webhook)",
  ),
  ping: envelope(
    'ping',
    { properties: { webhookId: { type: 'string', format: 'uuid' } } },
    'POST /api/v1/me/webhooks/{id}/test',
  ),
};
