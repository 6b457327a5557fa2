// SQL of reminders, digests, push subscriptions and the calendar feed.
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  notificationSends,
  pushSubscriptions,
  reviewCards,
  roadmaps,
  steps,
  users,
  type NotificationKind,
} from '../../db/schema.ts';

export const recipientColumns = {
  id: users.id,
  email: users.email,
  emailVerified: sql<boolean>`${users.emailVerifiedAt} is not null`,
  displayName: users.displayName,
  timezone: users.timezone,
  dailyGoalMinutes: users.dailyGoalMinutes,
  reminder: users.reminder,
  weeklyDigest: users.weeklyDigest,
  digestDay: users.digestDay,
};

export type Recipient = {
  id: string;
  email: string;
  /** Mail goes only to a confirmed address: nobody is sent mail they did not ask for. */
  emailVerified: boolean;
  displayName: string;
  timezone: string;
  dailyGoalMinutes: number;
  reminder: typeof users.$inferSelect.reminder;
  weeklyDigest: boolean;
  digestDay: typeof users.$inferSelect.digestDay;
};

export async function recipient(db: Db, userId: string): Promise<Recipient | undefined> {
  const [row] = await db.select(recipientColumns).from(users).where(eq(users.id, userId));
  return row;
}

/** Learners with reminders or digests on, by id, keyset-paged (the sweep). */
export async function subscribers(db: Db, afterId: string | null, limit: number): Promise<Recipient[]> {
  return db
    .select(recipientColumns)
    .from(users)
    .where(
      and(
        sql`((${users.reminder}->>'enabled')::boolean or ${users.weeklyDigest})`,
        afterId ? gt(users.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(limit);
}

/**
 * Claims the one notification of `kind` for the learner's local day. True when this job holds
 * the claim (it made it now, or made it on an earlier attempt); false when another job has it.
 */
export async function claim(
  db: Db,
  row: { userId: string; kind: NotificationKind; localDate: string; jobId: string },
): Promise<boolean> {
  const inserted = await db.insert(notificationSends).values(row).onConflictDoNothing().returning();
  if (inserted.length > 0) return true;
  const [held] = await db
    .select({ jobId: notificationSends.jobId })
    .from(notificationSends)
    .where(
      and(
        eq(notificationSends.userId, row.userId),
        eq(notificationSends.kind, row.kind),
        eq(notificationSends.localDate, row.localDate),
      ),
    );
  return held?.jobId === row.jobId;
}

export type PushRow = typeof pushSubscriptions.$inferSelect;

/** Saves a browser's subscription; the same endpoint again (a re-subscribe) replaces its keys. */
export async function savePush(
  db: Db,
  row: { userId: string; endpoint: string; p256dh: string; auth: string },
) {
  const [saved] = await db
    .insert(pushSubscriptions)
    .values(row)
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { userId: row.userId, p256dh: row.p256dh, auth: row.auth, createdAt: new Date() },
    })
    .returning();
  return saved!;
}

export async function pushSubscriptionsOf(db: Db, userId: string): Promise<PushRow[]> {
  return db
    .select()
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.createdAt));
}

export async function deletePush(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
    .returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

export async function deletePushById(db: Db, id: string): Promise<void> {
  await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

export async function setCalendarTokenHash(db: Db, userId: string, hash: string | null): Promise<void> {
  await db.update(users).set({ calendarTokenHash: hash }).where(eq(users.id, userId));
}

export async function byCalendarTokenHash(db: Db, hash: string): Promise<Recipient | undefined> {
  const [row] = await db.select(recipientColumns).from(users).where(eq(users.calendarTokenHash, hash));
  return row;
}

/** Review cards coming due before `until`, with their step and roadmap titles, soonest first. */
export async function reviewsDueBefore(db: Db, userId: string, until: Date, limit: number) {
  return db
    .select({ due: reviewCards.due, stepTitle: steps.title, roadmapTitle: roadmaps.title })
    .from(reviewCards)
    .innerJoin(steps, eq(steps.id, reviewCards.stepId))
    .innerJoin(roadmaps, eq(roadmaps.id, reviewCards.roadmapId))
    .where(and(eq(reviewCards.userId, userId), lt(reviewCards.due, until)))
    .orderBy(asc(reviewCards.due))
    .limit(limit);
}
