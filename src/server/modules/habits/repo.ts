// SQL for the study log.
import { and, desc, eq, gte, lte, or, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { roadmapPlans, roadmaps, steps, studySessions } from '../../db/schema.ts';

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

export async function update(
  db: Db,
  userId: string,
  id: string,
  values: {
    date: string;
    minutes: number;
    roadmapId: string | null;
    stepId: string | null;
    note: string | null;
  },
): Promise<boolean> {
  const rows = await db
    .update(studySessions)
    .set(values)
    .where(and(eq(studySessions.userId, userId), eq(studySessions.id, id)))
    .returning({ id: studySessions.id });
  return rows.length > 0;
}

/** The stored ids behind a session's slugs (an edit keeps what it does not change). */
export async function findIds(db: Db, userId: string, id: string) {
  const [row] = await db
    .select({ roadmapId: studySessions.roadmapId, stepId: studySessions.stepId })
    .from(studySessions)
    .where(and(eq(studySessions.userId, userId), eq(studySessions.id, id)));
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

/** Minutes per local day, all time (a streak may be long); with `roadmapId`, only those attached to it. */
export async function dailyTotals(db: Db, userId: string, roadmapId?: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ date: studySessions.date, minutes: sql<number>`sum(${studySessions.minutes})`.mapWith(Number) })
    .from(studySessions)
    .where(
      roadmapId === undefined
        ? eq(studySessions.userId, userId)
        : and(eq(studySessions.userId, userId), eq(studySessions.roadmapId, roadmapId)),
    )
    .groupBy(studySessions.date);
  return new Map(rows.map((r) => [r.date, r.minutes]));
}

/** The learner's target date for a roadmap, or null. */
/** The learner's plan for a roadmap: its target date and whether its reviews are on. */
export async function plan(db: Db, userId: string, roadmapId: string) {
  const [row] = await db
    .select({ targetDate: roadmapPlans.targetDate, reviews: roadmapPlans.reviews })
    .from(roadmapPlans)
    .where(and(eq(roadmapPlans.userId, userId), eq(roadmapPlans.roadmapId, roadmapId)));
  return row ?? { targetDate: null, reviews: true };
}

/** Changes the fields given (an absent one keeps its value). */
export async function setPlan(
  db: Db,
  userId: string,
  roadmapId: string,
  patch: { targetDate?: string | null; reviews?: boolean },
) {
  await db
    .insert(roadmapPlans)
    .values({ userId, roadmapId, ...patch })
    .onConflictDoUpdate({
      target: [roadmapPlans.userId, roadmapPlans.roadmapId],
      set: { ...patch, updatedAt: sql`now()` },
    });
}

/** Every plan of the user (the export). */
export async function allPlans(db: Db, userId: string) {
  return db
    .select({
      roadmapSlug: roadmaps.slug,
      targetDate: roadmapPlans.targetDate,
      reviews: roadmapPlans.reviews,
      updatedAt: roadmapPlans.updatedAt,
    })
    .from(roadmapPlans)
    .innerJoin(roadmaps, eq(roadmaps.id, roadmapPlans.roadmapId))
    .where(eq(roadmapPlans.userId, userId))
    .orderBy(roadmaps.slug);
}

export async function all(db: Db, userId: string): Promise<SessionRow[]> {
  return withSlugs(db)
    .where(eq(studySessions.userId, userId))
    .orderBy(desc(studySessions.date), desc(studySessions.createdAt));
}
