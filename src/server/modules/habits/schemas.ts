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
    note: Type.Optional(Type.String({ maxLength: 500, description: 'Up to 500 characters.' })),
  },
  { additionalProperties: false },
);
export type StudySessionBody = Static<typeof StudySessionBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
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
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
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

export const habitSchemas = [StudySession, StudySessionList, Stats];
