// SQL of spaced review. A card is "due" as reviews/service.ts explains; the repo takes the two
// instants that rule needs (now, and the end of the learner's local day).
import { and, eq, sql } from 'drizzle-orm';
import type { Card } from 'ts-fsrs';
import { queryRows, type Db } from '../../db/client.ts';
import { reviewCards, reviewLogs, type StepCheck } from '../../db/schema.ts';

/** ts-fsrs `State.Review`: a card whose interval is whole days. */
const REVIEW_STATE = 2;

/** The card columns as ts-fsrs's `Card`, for inserting or updating a row. */
export function cardColumns(card: Card) {
  return {
    due: card.due,
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsed_days,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: card.state,
    lastReview: card.last_review ?? null,
  };
}

type CardRow = typeof reviewCards.$inferSelect;

export function toCard(row: CardRow): Card {
  return {
    due: row.due,
    stability: row.stability,
    difficulty: row.difficulty,
    elapsed_days: row.elapsedDays,
    scheduled_days: row.scheduledDays,
    learning_steps: row.learningSteps,
    reps: row.reps,
    lapses: row.lapses,
    state: row.state,
    ...(row.lastReview ? { last_review: row.lastReview } : {}),
  };
}

export interface DueRow {
  card_id: string;
  roadmap_slug: string;
  roadmap_title: string;
  step_slug: string;
  title: string;
  summary: string;
  due: string | Date;
  checks: StepCheck[];
}

/**
 * The cards a learner can review: not suspended, of a live step of a published roadmap whose
 * reviews they have not turned off.
 */
const reviewable = (userId: string) => sql`
  from review_cards c
  join steps s on s.id = c.step_id and s.retired_at is null
  join roadmaps r on r.id = c.roadmap_id and r.status = 'published'
  left join roadmap_plans p on p.user_id = c.user_id and p.roadmap_id = c.roadmap_id
  where c.user_id = ${userId} and not c.suspended and coalesce(p.reviews, true)`;

/** Due at `now`: day-interval cards by the end of the local day, the others by the clock. */
const isDue = (now: Date, endOfDay: Date) =>
  sql`(c.due <= ${now.toISOString()} or (c.state = ${REVIEW_STATE} and c.due < ${endOfDay.toISOString()}))`;

export async function due(db: Db, userId: string, now: Date, endOfDay: Date, limit: number) {
  return queryRows<DueRow>(
    db,
    sql`select c.id as card_id, r.slug as roadmap_slug, r.title as roadmap_title, s.slug as step_slug,
               s.title, s.summary, c.due, s.checks
        ${reviewable(userId)} and ${isDue(now, endOfDay)}
        order by c.due, c.id
        limit ${limit}`,
  );
}

/** How many cards are due, and when the first of the others comes due. */
export async function dueSummary(db: Db, userId: string, now: Date, endOfDay: Date) {
  const [row] = await queryRows<{ due_count: number; next_due: string | Date | null }>(
    db,
    sql`select count(*) filter (where ${isDue(now, endOfDay)})::int as due_count,
               min(c.due) filter (where not ${isDue(now, endOfDay)}) as next_due
        ${reviewable(userId)}`,
  );
  return { dueCount: row?.due_count ?? 0, nextDue: row?.next_due ? new Date(row.next_due) : null };
}

/** The card, locked until the transaction ends, when it is this user's. */
export async function lockCard(tx: Db, userId: string, cardId: string): Promise<CardRow | undefined> {
  const [row] = await tx
    .select()
    .from(reviewCards)
    .where(and(eq(reviewCards.id, cardId), eq(reviewCards.userId, userId)))
    .for('update');
  return row;
}

export async function findLog(db: Db, userId: string, key: string) {
  const [row] = await db
    .select()
    .from(reviewLogs)
    .where(and(eq(reviewLogs.userId, userId), eq(reviewLogs.idempotencyKey, key)));
  return row;
}

/** Records a rating; false when its Idempotency-Key is already taken (a concurrent retry). */
export async function addLog(
  tx: Db,
  log: {
    cardId: string;
    userId: string;
    rating: number;
    reviewedAt: Date;
    idempotencyKey: string | null;
    result: object;
  },
): Promise<boolean> {
  const rows = await tx
    .insert(reviewLogs)
    .values({ ...log, result: log.result as Record<string, unknown> })
    .onConflictDoNothing({ target: [reviewLogs.userId, reviewLogs.idempotencyKey] })
    .returning({ id: reviewLogs.id });
  return rows.length > 0;
}

export async function saveCard(tx: Db, cardId: string, card: Card) {
  await tx.update(reviewCards).set(cardColumns(card)).where(eq(reviewCards.id, cardId));
}

/** Every card of the user with its ratings (the export). */
export async function exportRows(db: Db, userId: string) {
  return queryRows<{
    roadmap_slug: string;
    step_id: string;
    step_slug: string;
    due: string | Date;
    stability: number;
    difficulty: number;
    reps: number;
    lapses: number;
    state: number;
    last_review: string | Date | null;
    suspended: boolean;
    ratings: { rating: number; reviewedAt: string }[];
  }>(
    db,
    sql`select r.slug as roadmap_slug, c.step_id, s.slug as step_slug, c.due, c.stability, c.difficulty,
               c.reps, c.lapses, c.state, c.last_review, c.suspended,
               coalesce((select json_agg(json_build_object('rating', l.rating, 'reviewedAt', l.reviewed_at)
                                         order by l.reviewed_at)
                         from review_logs l where l.card_id = c.id), '[]') as ratings
        from review_cards c
        join steps s on s.id = c.step_id
        join roadmaps r on r.id = c.roadmap_id
        where c.user_id = ${userId}
        order by r.slug, s.position`,
  );
}
