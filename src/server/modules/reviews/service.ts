// Spaced review: a done step is a card (progress/repo.ts creates, suspends and resumes it with
// the status), scheduled by FSRS (scheduler.ts).
//
// "Due now, in the learner's time zone": a card whose interval is whole days (ts-fsrs's Review
// state) is due from the start of its local day, as a flashcard app shows today's cards in the
// morning; a card in its (re)learning steps (minutes apart) is due when its time comes.
import { isoTimestamp, type Database } from '../../db/client.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { addDays, localDate, startOfLocalDay } from '../habits/calendar.ts';
import type { EventService } from '../events/service.ts';
import type { UserService } from '../users/service.ts';
import * as repo from './repo.ts';
import { gradeOf, rate, RATINGS, type RatingName } from './scheduler.ts';
import type { ReviewList, ReviewResult } from './schemas.ts';

const toResult = (cardId: string, card: ReturnType<typeof rate>): ReviewResult => ({
  cardId,
  due: card.due.toISOString(),
  stability: card.stability,
  difficulty: card.difficulty,
  reps: card.reps,
  lapses: card.lapses,
});

export function createReviewService(deps: {
  db: Database;
  users: UserService;
  events: EventService;
  now?: () => Date;
}) {
  const { db, users } = deps;
  const now = deps.now ?? (() => new Date());

  /** Now, and the end of the learner's local day. */
  async function clock(userId: string) {
    const user = await users.get(userId);
    const at = now();
    const tomorrow = addDays(localDate(at, user.timezone), 1);
    return { at, endOfDay: startOfLocalDay(tomorrow, user.timezone) };
  }

  return {
    async due(userId: string, limit: number): Promise<ReviewList> {
      const { at, endOfDay } = await clock(userId);
      const [rows, summary] = await Promise.all([
        repo.due(db.primary, userId, at, endOfDay, limit),
        repo.dueSummary(db.primary, userId, at, endOfDay),
      ]);
      return {
        items: rows.map((r) => ({
          cardId: r.card_id,
          roadmapSlug: r.roadmap_slug,
          roadmapTitle: r.roadmap_title,
          stepSlug: r.step_slug,
          title: r.title,
          summary: r.summary,
          due: new Date(r.due).toISOString(),
          checks: r.checks,
        })),
        dueCount: summary.dueCount,
        nextDue: summary.nextDue?.toISOString() ?? null,
      };
    },

    /**
     * Rates a card and schedules its next review. With an Idempotency-Key, a retry (the same
     * key, card and rating) answers what the first one did and changes nothing; the card row is
     * locked for the rating, so concurrent retries wait for the first and then replay it.
     */
    async rate(
      userId: string,
      cardId: string,
      rating: RatingName,
      idempotencyKey: string | undefined,
    ): Promise<{ result: ReviewResult; replayed: boolean }> {
      const rated = await db.primary.transaction(async (tx) => {
        const row = await repo.lockCard(tx, userId, cardId);
        if (!row) throw notFound('You have no review card with this id.');
        const earlier = idempotencyKey ? await repo.findLog(tx, userId, idempotencyKey) : undefined;
        if (earlier) return { result: replay(earlier), replayed: true };
        if (row.suspended) {
          throw new AppError(
            'conflict',
            'This step is no longer marked done, so its card is paused. Mark the step done to review it again.',
          );
        }
        const at = now();
        const card = rate(repo.toCard(row), rating, at);
        const result = toResult(cardId, card);
        const logged = await repo.addLog(tx, {
          cardId,
          userId,
          rating: gradeOf(rating),
          reviewedAt: at,
          idempotencyKey: idempotencyKey ?? null,
          result,
        });
        if (!logged) {
          // The same key, used at the same moment for another card: that rating has it.
          return { result: replay((await repo.findLog(tx, userId, idempotencyKey!))!), replayed: true };
        }
        await repo.saveCard(tx, cardId, card);
        return { result, replayed: false, stepId: row.stepId, reviewedAt: at };
      });
      // Told once the rating is committed, and once: a replayed retry is no new review.
      if ('stepId' in rated && rated.reviewedAt) {
        await deps.events.publish(userId, 'review', {
          cardId,
          stepId: rated.stepId,
          rating,
          reviewedAt: rated.reviewedAt.toISOString(),
          due: rated.result.due,
        });
      }
      return { result: rated.result, replayed: rated.replayed };

      function replay(log: { cardId: string; rating: number; result: unknown }): ReviewResult {
        if (log.cardId !== cardId || log.rating !== gradeOf(rating)) {
          throw new AppError(
            'unprocessable',
            'This Idempotency-Key was already used for another rating. Use a new key for a new rating.',
            { errors: [{ path: '/headers/idempotency-key', message: 'was used with another body' }] },
          );
        }
        return log.result as ReviewResult;
      }
    },

    async exportRows(userId: string) {
      return (await repo.exportRows(db.primary, userId)).map((r) => ({
        roadmapSlug: r.roadmap_slug,
        stepId: r.step_id,
        stepSlug: r.step_slug,
        due: isoTimestamp(r.due),
        stability: r.stability,
        difficulty: r.difficulty,
        reps: r.reps,
        lapses: r.lapses,
        state: r.state,
        lastReview: isoTimestamp(r.last_review),
        suspended: r.suspended,
        ratings: r.ratings.map((l) => ({
          rating: RATINGS[l.rating - 1]!,
          reviewedAt: isoTimestamp(l.reviewedAt),
        })),
      }));
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
