// The review schedule: FSRS through ts-fsrs, with its default parameters (no fuzz, so the same
// ratings at the same times give the same schedule). Waymark only stores ts-fsrs's `Card`
// (column for field, reviews/repo.ts) and hands it back; it never computes intervals itself.
import { createEmptyCard, fsrs, generatorParameters, Rating, type Card, type Grade } from 'ts-fsrs';

export const RATINGS = ['again', 'hard', 'good', 'easy'] as const;
export type RatingName = (typeof RATINGS)[number];

const GRADES: Record<RatingName, Grade> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};

const scheduler = fsrs(generatorParameters());

/** A card for a step just marked done: new, and due at once. */
export function newCard(now: Date): Card {
  return createEmptyCard(now);
}

/** The card after one rating at `now`. */
export function rate(card: Card, rating: RatingName, now: Date): Card {
  return scheduler.next(card, now, GRADES[rating]).card;
}

export const gradeOf = (rating: RatingName): Grade => GRADES[rating];
