// Spaced review: the cards due, and a rating of one.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { Check, Slug } from '../roadmaps/schemas.ts';
import { RATINGS } from './scheduler.ts';

const Timestamp = Type.String({ format: 'date-time' });

export const ReviewItem = Type.Object(
  {
    cardId: Type.String({ format: 'uuid' }),
    roadmapSlug: Slug,
    roadmapTitle: Type.String(),
    stepSlug: Slug,
    title: Type.String({ description: "The step's title." }),
    summary: Type.String({ description: "The step's summary: the prompt when it has no check questions." }),
    due: Timestamp,
    checks: Type.Array(ref(Check), {
      description: "The step's check questions; answers are for showing after the learner has tried.",
    }),
  },
  { $id: 'ReviewItem', additionalProperties: false },
);
export type ReviewItem = Static<typeof ReviewItem>;

export const ReviewList = Type.Object(
  {
    items: Type.Array(ref(ReviewItem), { description: 'Due cards, the longest due first.' }),
    dueCount: Type.Integer({ description: 'How many cards are due now (all of them, not only this page).' }),
    nextDue: Type.Union([Timestamp, Type.Null()], {
      description: 'When the next card not yet due comes due; null when there is none.',
    }),
  },
  { $id: 'ReviewList', additionalProperties: false },
);
export type ReviewList = Static<typeof ReviewList>;

export const ReviewQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);

export const CardParams = Type.Object(
  { cardId: Type.String({ format: 'uuid', description: 'From the review list.' }) },
  { additionalProperties: false },
);

export const RatingBody = Type.Object(
  {
    rating: Type.Enum(RATINGS, {
      description: 'How well you remembered: again (not at all), hard, good, easy.',
    }),
  },
  { additionalProperties: false },
);
export type RatingBody = Static<typeof RatingBody>;

export const ReviewResult = Type.Object(
  {
    cardId: Type.String({ format: 'uuid' }),
    due: Timestamp,
    stability: Type.Number({ description: 'FSRS stability: days until recall falls to 90 %.' }),
    difficulty: Type.Number({ description: 'FSRS difficulty, 1 (easy) to 10 (hard).' }),
    reps: Type.Integer(),
    lapses: Type.Integer({ description: 'Times rated "again" after the card had been learnt.' }),
  },
  { $id: 'ReviewResult', additionalProperties: false },
);
export type ReviewResult = Static<typeof ReviewResult>;

export const reviewSchemas = [ReviewItem, ReviewList, ReviewResult];
