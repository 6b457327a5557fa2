// The user as the API shows it, and the bodies that change one.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';

export const RoleSchema = Type.Union(
  [Type.Literal('learner'), Type.Literal('author'), Type.Literal('admin')],
  {
    description: '`learner` (default), `author` (writes roadmaps) or `admin` (everything, and roles).',
  },
);

const Weekday = Type.Union(
  [
    Type.Literal('mon'),
    Type.Literal('tue'),
    Type.Literal('wed'),
    Type.Literal('thu'),
    Type.Literal('fri'),
    Type.Literal('sat'),
    Type.Literal('sun'),
  ],
  { description: 'A weekday: mon, tue, wed, thu, fri, sat or sun.' },
);

export const Reminder = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Off by default.' }),
    localTime: Type.String({
      pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
      description:
        'HH:MM in your time zone. On a day the clocks skip it (spring forward), the reminder comes when the clock reaches the hour after.',
    }),
    days: Type.Array(Weekday, {
      uniqueItems: true,
      maxItems: 7,
      description: 'The weekdays to remind you on.',
    }),
    channels: Type.Array(Type.Union([Type.Literal('email'), Type.Literal('push')]), {
      uniqueItems: true,
      maxItems: 2,
      description:
        '`email` (to a confirmed address) and/or `push` (every browser where you allowed notifications).',
    }),
  },
  {
    $id: 'Reminder',
    additionalProperties: false,
    description:
      "A daily reminder at `localTime` on `days`, sent only when the day's logged minutes are below your goal, at most once a day.",
  },
);

export const HANDLE_PATTERN = '^[a-z0-9](?:[a-z0-9-]{1,28}[a-z0-9])$';

export const User = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String({ format: 'email' }),
    emailVerified: Type.Boolean({
      description: 'Whether the address was confirmed (mail link or provider).',
    }),
    displayName: Type.String(),
    role: RoleSchema,
    timezone: Type.String({ description: 'IANA time zone; calendar days are counted in it.' }),
    dailyGoalMinutes: Type.Integer({
      description: 'A day counts toward the streak when its study minutes reach this.',
    }),
    publicProfile: Type.Boolean(),
    streakFreezes: Type.Boolean({
      description: 'Whether freezes earned by 7 met days in a row cover a missed day (on by default).',
    }),
    handle: Type.Union([Type.String(), Type.Null()], {
      description: 'The public profile lives at /u/{handle}.',
    }),
    reminder: ref(Reminder),
    weeklyDigest: Type.Boolean({ description: 'A summary of your week by mail, on `digestDay` at 08:00.' }),
    digestDay: Weekday,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User', additionalProperties: false },
);
export type User = Static<typeof User>;

export const DisplayName = Type.String({
  format: 'line',
  minLength: 1,
  maxLength: 80,
  pattern: '\\S',
  description: 'How Waymark addresses you; 1 to 80 characters.',
});

export const ProfilePatch = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    timezone: Type.Optional(
      Type.String({
        format: 'line',
        minLength: 1,
        maxLength: 64,
        description: 'An IANA time zone such as `Europe/Berlin`.',
      }),
    ),
    dailyGoalMinutes: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 600,
        description: 'Minutes a day that keep the streak going, 5..600.',
      }),
    ),
    publicProfile: Type.Optional(
      Type.Boolean({ description: 'Show your roadmaps and streak at /u/{handle}. Needs a handle.' }),
    ),
    streakFreezes: Type.Optional(
      Type.Boolean({
        description: 'false: a missed day always breaks the streak (no freezes earned or used).',
      }),
    ),
    handle: Type.Optional(
      Type.Union([Type.String({ pattern: HANDLE_PATTERN }), Type.Null()], {
        description: '3 to 30 lower-case letters, digits and inner hyphens; null removes it.',
      }),
    ),
    reminder: Type.Optional(
      Type.Partial(Type.Omit(Reminder, ['$id']), {
        additionalProperties: false,
        minProperties: 1,
        description: 'The fields to change; the others stay as they are.',
      }),
    ),
    weeklyDigest: Type.Optional(Type.Boolean()),
    digestDay: Type.Optional(Weekday),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProfilePatch = Static<typeof ProfilePatch>;

export const RolePatch = Type.Object({ role: RoleSchema }, { additionalProperties: false });

export const UserIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const userSchemas = [Reminder, User];
