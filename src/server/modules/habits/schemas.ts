// The study log and the stats built on it.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { Slug } from '../roadmaps/schemas.ts';

const LocalDate = Type.String({
  format: 'date',
  description: 'A calendar date, YYYY-MM-DD, in your own time zone.',
});

export const StudySessionBody = Type.Object(
  {
    minutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'Minutes studied, 1..1440.' }),
    date: Type.Optional(
      Type.Unsafe<string>({
        ...LocalDate,
        description:
          'The day it counts for (default: today in your time zone); not in the future, at most a year back.',
      }),
    ),
    roadmapSlug: Type.Optional(Slug),
    stepSlug: Type.Optional(
      Type.Unsafe<string>({ ...Slug, description: 'A step of `roadmapSlug` (which it needs).' }),
    ),
    note: Type.Optional(
      Type.String({ format: 'text', maxLength: 500, description: 'Up to 500 characters.' }),
    ),
  },
  { additionalProperties: false },
);
export type StudySessionBody = Static<typeof StudySessionBody>;

export const StudySessionPatch = Type.Object(
  {
    minutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1440, description: 'Minutes studied, 1..1440.' }),
    ),
    date: Type.Optional(
      Type.Unsafe<string>({
        ...LocalDate,
        description: 'The day it counts for: not in the future, at most a year back.',
      }),
    ),
    roadmapSlug: Type.Optional(
      Type.Union([Slug, Type.Null()], { description: 'null detaches it (and its step).' }),
    ),
    stepSlug: Type.Optional(
      Type.Union([Type.Unsafe<string>({ ...Slug }), Type.Null()], {
        description: 'A step of the roadmap; null detaches it.',
      }),
    ),
    note: Type.Optional(
      Type.Union([Type.String({ format: 'text', maxLength: 500 }), Type.Null()], {
        description: 'null removes it.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type StudySessionPatch = Static<typeof StudySessionPatch>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      format: 'line',
      minLength: 1,
      maxLength: 255,
      description:
        'Any unique string per logical request (a UUID). A retry with the same key and body gets the first answer and logs nothing; the same key with another body → 422.',
    }),
  ),
});

export const StudySession = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    date: LocalDate,
    minutes: Type.Integer(),
    roadmapSlug: Type.Union([Slug, Type.Null()]),
    stepSlug: Type.Union([Slug, Type.Null()]),
    note: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'StudySession', additionalProperties: false },
);
export type StudySession = Static<typeof StudySession>;

export const StudySessionList = Type.Object(
  {
    items: Type.Array(ref(StudySession), { description: 'Newest day first.' }),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'StudySessionList', additionalProperties: false },
);

export const StudySessionQuery = Type.Object(
  {
    from: Type.Optional(Type.Unsafe<string>({ ...LocalDate, description: 'First day to include.' })),
    to: Type.Optional(Type.Unsafe<string>({ ...LocalDate, description: 'Last day to include.' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ format: 'line', maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type StudySessionQuery = Static<typeof StudySessionQuery>;

export const SessionIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const Stats = Type.Object(
  {
    currentStreak: Type.Integer({
      description:
        'Met days in a row, counted back from today (or from yesterday while today is not met yet).',
    }),
    longestStreak: Type.Integer(),
    todayMinutes: Type.Integer(),
    dailyGoalMinutes: Type.Integer({
      description: 'A day is met when its minutes reach this (the goal in force now).',
    }),
    totalMinutes: Type.Integer(),
    freezesHeld: Type.Integer({
      minimum: 0,
      maximum: 2,
      description:
        'Streak freezes you hold: one is earned by every 7 met days in a row, at most 2; a missed day uses one and the streak goes on. 0 with freezes turned off.',
    }),
    frozenDays: Type.Array(LocalDate, { description: 'Missed days a freeze covered, oldest first.' }),
    today: LocalDate,
    heatmap: Type.Array(
      Type.Object({ date: LocalDate, minutes: Type.Integer() }, { additionalProperties: false }),
      {
        description: '365 entries, one per local day, oldest first, ending today; 0 on empty days.',
      },
    ),
  },
  { $id: 'Stats', additionalProperties: false },
);
export type Stats = Static<typeof Stats>;

const NullableDate = Type.Union([LocalDate, Type.Null()]);

export const Forecast = Type.Object(
  {
    remainingHours: Type.Number({ description: 'Estimated hours of the steps neither done nor skipped.' }),
    requiredRemainingHours: Type.Number({ description: 'The same, required steps only.' }),
    pace: Type.Object(
      {
        minutesPerDay: Type.Integer({
          description:
            'Your average over the last 28 local days (since your first logged day, if later): minutes attached to this roadmap when you attached any, else all. Your daily goal while you have logged nothing.',
        }),
        basedOnDays: Type.Integer({
          description: 'How many days that average is over; 0 when it is your goal.',
        }),
      },
      { additionalProperties: false },
    ),
    projectedFinish: Type.Union([LocalDate, Type.Null()], {
      description: 'When the required steps are done at that pace; null at a pace of 0.',
    }),
    targetDate: Type.Union([LocalDate, Type.Null()], { description: 'The date you set, or null.' }),
    reviews: Type.Boolean({
      description:
        "Whether this roadmap's done steps come back for spaced review (on unless you turned it off).",
    }),
    neededMinutesPerDay: Type.Union([Type.Integer(), Type.Null()], {
      description:
        'Minutes a day from today to the target date (both included) to finish the required steps by then; null without a target or once it has passed.',
    }),
  },
  { $id: 'Forecast', additionalProperties: false },
);
export type Forecast = Static<typeof Forecast>;

export const PlanPatch = Type.Object(
  {
    targetDate: Type.Optional(
      Type.Unsafe<string | null>({
        ...NullableDate,
        description:
          'The local date you mean to finish the required steps by: today or later; null clears it.',
      }),
    ),
    reviews: Type.Optional(
      Type.Boolean({
        description: "false hides this roadmap's review cards (they are kept); true shows them again.",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PlanPatch = Static<typeof PlanPatch>;

export const habitSchemas = [StudySession, StudySessionList, Stats, Forecast];
