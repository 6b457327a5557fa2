// SQL for webhooks and their deliveries.
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { cohortMembers, webhookDeliveries as wd, webhooks, type WebhookEvent } from '../../db/schema.ts';

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof wd.$inferSelect;

export async function insert(
  db: Db,
  input: { userId: string; cohortId: string | null; url: string; events: WebhookEvent[]; secret: string },
): Promise<WebhookRow> {
  const [row] = await db.insert(webhooks).values(input).returning();
  return row!;
}

export async function countFor(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhooks).where(eq(webhooks.userId, userId));
  return row!.n;
}

export async function listFor(db: Db, userId: string): Promise<WebhookRow[]> {
  return db.select().from(webhooks).where(eq(webhooks.userId, userId)).orderBy(desc(webhooks.createdAt));
}

export async function find(db: Db, userId: string, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.userId, userId)));
  return row;
}

export async function update(
  db: Db,
  userId: string,
  id: string,
  changes: Partial<Pick<WebhookRow, 'url' | 'events' | 'enabled' | 'failingSince' | 'disabledReason'>>,
): Promise<WebhookRow | undefined> {
  const [row] = await db
    .update(webhooks)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(webhooks.id, id), eq(webhooks.userId, userId)))
    .returning();
  return row;
}

export async function remove(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.userId, userId)))
    .returning({ id: webhooks.id });
  return rows.length > 0;
}

/**
 * The enabled webhooks that hear `event`: the learner's own (`userId`), or with `cohortId` the
 * cohort's — only while their maker still owns it.
 */
export async function setSecret(db: Db, id: string, secret: string): Promise<void> {
  await db.update(webhooks).set({ secret }).where(eq(webhooks.id, id));
}

/** The learner's own webhooks that are on (not a cohort's), whatever they hear. */
export async function enabledFor(db: Db, userId: string): Promise<WebhookRow[]> {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.userId, userId), isNull(webhooks.cohortId), eq(webhooks.enabled, true)));
}

export async function listening(
  db: Db,
  event: WebhookEvent,
  to: { userId: string } | { cohortId: string },
): Promise<WebhookRow[]> {
  const hears = sql`${event} = any(${webhooks.events})`;
  if ('userId' in to) {
    return db
      .select()
      .from(webhooks)
      .where(
        and(eq(webhooks.userId, to.userId), isNull(webhooks.cohortId), eq(webhooks.enabled, true), hears),
      );
  }
  const rows = await db
    .select({ webhook: webhooks })
    .from(webhooks)
    .innerJoin(
      cohortMembers,
      and(
        eq(cohortMembers.cohortId, webhooks.cohortId),
        eq(cohortMembers.userId, webhooks.userId),
        eq(cohortMembers.role, 'owner'),
      ),
    )
    .where(and(eq(webhooks.cohortId, to.cohortId), eq(webhooks.enabled, true), hears));
  return rows.map((r) => r.webhook);
}

export async function insertDeliveries(
  db: Db,
  rows: { webhookId: string; event: string; body: string }[],
): Promise<DeliveryRow[]> {
  if (rows.length === 0) return [];
  return db.insert(wd).values(rows).returning();
}

export async function findDelivery(
  db: Db,
  id: string,
): Promise<{ delivery: DeliveryRow; webhook: WebhookRow } | undefined> {
  const [row] = await db
    .select({ delivery: wd, webhook: webhooks })
    .from(wd)
    .innerJoin(webhooks, eq(webhooks.id, wd.webhookId))
    .where(eq(wd.id, id));
  return row;
}

export async function recordAttempt(
  db: Db,
  id: string,
  attempt: { status: DeliveryRow['status']; responseStatus: number | null; error: string | null; at: Date },
): Promise<void> {
  await db
    .update(wd)
    .set({
      status: attempt.status,
      responseStatus: attempt.responseStatus,
      error: attempt.error,
      lastAttemptAt: attempt.at,
      attempts: sql`${wd.attempts} + 1`,
    })
    .where(eq(wd.id, id));
}

/** The endpoint answered: it is not failing any more. */
export async function markAnswering(db: Db, webhookId: string): Promise<void> {
  await db.update(webhooks).set({ failingSince: null }).where(eq(webhooks.id, webhookId));
}

/** The endpoint failed at `at`: since when it has been failing (this failure, if it is the first). */
export async function markFailing(db: Db, webhookId: string, at: Date): Promise<Date> {
  const [row] = await db
    .update(webhooks)
    .set({ failingSince: sql`coalesce(${webhooks.failingSince}, ${at.toISOString()}::timestamptz)` })
    .where(eq(webhooks.id, webhookId))
    .returning({ since: webhooks.failingSince });
  return row?.since ?? at;
}

export async function recentDeliveries(db: Db, webhookId: string, limit: number): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(wd)
    .where(eq(wd.webhookId, webhookId))
    .orderBy(desc(wd.createdAt), desc(wd.id))
    .limit(limit);
}

/** Keeps the newest `keep` deliveries of a webhook (the log is for reading, not an archive). */
export async function pruneDeliveries(db: Db, webhookId: string, keep: number): Promise<void> {
  await db.execute(sql`
    delete from webhook_deliveries where webhook_id = ${webhookId} and id not in (
      select id from webhook_deliveries where webhook_id = ${webhookId}
      order by created_at desc, id desc limit ${keep})`);
}
