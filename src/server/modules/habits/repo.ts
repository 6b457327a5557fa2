// SQL for the study log.
import { and, desc, eq, gte, lte, or, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { roadmaps, steps, studySessions } from '../../db/schema.ts';

export interface SessionRow {
  id: string;
  date: string;
  minutes: number;
  roadmapSlug: string | null;
  stepSlug: string | null;
  note: string | null;
  createdAt: Date;
  requestHash: string | null;
}

const columns = {
  id: studySessions.id,
  date: studySessions.date,
  minutes: studySessions.minutes,
  roadmapSlug: roadmaps.slug,
  stepSlug: steps.slug,
  note: studySessions.note,
  createdAt: studySessions.createdAt,
  requestHash: studySessions.requestHash,
};

function withSlugs(db: Db) {
  return db
    .select(columns)
    .from(studySessions)
    .leftJoin(roadmaps, eq(roadmaps.id, studySessions.roadmapId))
    .leftJoin(steps, eq(steps.id, studySessions.stepId));
}

/**
 * Adds a session. With an idempotency key, the unique (user, key) index decides: of any number
 * of concurrent requests with one key, one inserts and the others get `undefined` here.
 */
export async function insert(
  db: Db,
  values: {
    userId: string;
    date: string;
    minutes: number;
    roadmapId: string | null;
    stepId: string | null;
    note: string | null;
    idempotencyKey: string | null;
    requestHash: string | null;
  },
): Promise<string | undefined> {
  const [row] = await db
    .insert(studySessions)
    .values(values)
    .onConflictDoNothing({ target: [studySessions.userId, studySessions.idempotencyKey] })
    .returning({ id: studySessions.id });
  return row?.id;
}

export async function findById(db: Db, userId: string, id: string): Promise<SessionRow | undefined> {
  const [row] = await withSlugs(db).where(and(eq(studySessions.userId, userId), eq(studySessions.id, id)));
  return row;
}

export async function findByKey(db: Db, userId: string, key: string): Promise<SessionRow | undefined> {
  const [row] = await withSlugs(db).where(
    and(eq(studySessions.userId, userId), eq(studySessions.idempotencyKey, key)),
  );
  return row;
}

export async function remove(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(studySessions)
    .where(and(eq(studySessions.userId, userId), eq(studySessions.id, id)))
    .returning({ id: studySessions.id });
  return rows.length > 0;
}

/** Newest first: by date, then creation time, then id; `after` is the last row of the previous page. */
export async function list(
  db: Db,
  userId: string,
  options: {
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    after?: { date: string; createdAt: Date; id: string } | undefined;
  },
): Promise<SessionRow[]> {
  const conditions = [eq(studySessions.userId, userId)];
  if (options.from) conditions.push(gte(studySessions.date, options.from));
  if (options.to) conditions.push(lte(studySessions.date, options.to));
  const after = options.after;
  if (after) {
    conditions.push(
      or(
        lt(studySessions.date, after.date),
        and(eq(studySessions.date, after.date), lt(studySessions.createdAt, after.createdAt)),
        and(
          eq(studySessions.date, after.date),
          eq(studySessions.createdAt, after.createdAt),
          lt(studySessions.id, after.id),
        ),
      )!,
    );
  }
  return withSlugs(db)
    .where(and(...conditions))
    .orderBy(desc(studySessions.date), desc(studySessions.createdAt), desc(studySessions.id))
    .limit(options.limit);
}

/** Minutes per local day, all time (a streak may be long). */
export async function dailyTotals(db: Db, userId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ date: studySessions.date, minutes: sql<number>`sum(${studySessions.minutes})`.mapWith(Number) })
    .from(studySessions)
    .where(eq(studySessions.userId, userId))
    .groupBy(studySessions.date);
  return new Map(rows.map((r) => [r.date, r.minutes]));
}

export async function all(db: Db, userId: string): Promise<SessionRow[]> {
  return withSlugs(db)
    .where(eq(studySessions.userId, userId))
    .orderBy(desc(studySessions.date), desc(studySessions.createdAt));
}
