// Push subscriptions, the test reminder, the calendar feed and unsubscribing.
import Type from 'typebox';

const Base64Url = (description: string, maxLength: number) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]+={0,2}$', minLength: 16, maxLength, description });

/** A browser's `PushSubscription.toJSON()`. */
export const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2048,
      description:
        "The push service's URL for this browser: https, on a public address (http and private addresses only with PUSH_ALLOW_PRIVATE_ENDPOINTS=on).",
    }),
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    keys: Type.Object(
      {
        p256dh: Base64Url("The browser's P-256 public key, URL-safe base64.", 200),
        auth: Base64Url('The 16-byte authentication secret, URL-safe base64.', 64),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const PushSubscriptionItem = Type.Object(
  { id: Type.String({ format: 'uuid' }), createdAt: Type.String({ format: 'date-time' }) },
  { $id: 'PushSubscriptionItem', additionalProperties: false },
);

export const PushSubscriptionList = Type.Object(
  {
    vapidPublicKey: Type.Union([Type.String(), Type.Null()], {
      description: "The server's VAPID key (`applicationServerKey`); null when push is not set up here.",
    }),
    items: Type.Array(PushSubscriptionItem),
  },
  { $id: 'PushSubscriptionList', additionalProperties: false },
);

export const PushIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const TestReminderResult = Type.Object(
  {
    channels: Type.Array(Type.Union([Type.Literal('email'), Type.Literal('push')]), {
      description: 'Where the test reminder is on its way.',
    }),
  },
  { $id: 'TestReminderResult', additionalProperties: false },
);

export const CalendarFeed = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      description:
        'Subscribe to it in a calendar app. Anyone with it can read the feed: treat it as a password.',
    }),
  },
  { $id: 'CalendarFeed', additionalProperties: false },
);

export const TokenQuery = Type.Object(
  { token: Type.String({ minLength: 16, maxLength: 2000, pattern: '^[A-Za-z0-9._-]+$' }) },
  { additionalProperties: false },
);

export const Unsubscribed = Type.Object(
  {
    kind: Type.Union([Type.Literal('reminder'), Type.Literal('digest')]),
    message: Type.String(),
  },
  { $id: 'Unsubscribed', additionalProperties: false },
);

export const reminderSchemas = [
  PushSubscriptionItem,
  PushSubscriptionList,
  TestReminderResult,
  CalendarFeed,
  Unsubscribed,
];
