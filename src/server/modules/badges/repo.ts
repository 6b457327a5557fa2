// SQL for credentials.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { credentials, roadmaps } from '../../db/schema.ts';

export type CredentialRow = typeof credentials.$inferSelect & { roadmapSlug: string; roadmapTitle: string };

const withRoadmap = {
  id: credentials.id,
  userId: credentials.userId,
  roadmapId: credentials.roadmapId,
  achievement: credentials.achievement,
  name: credentials.name,
  document: credentials.document,
  public: credentials.public,
  issuedAt: credentials.issuedAt,
  revokedAt: credentials.revokedAt,
  revokedReason: credentials.revokedReason,
  roadmapSlug: roadmaps.slug,
  roadmapTitle: roadmaps.title,
};

export interface IssuableRoadmap {
  id: string;
  slug: string;
  title: string;
  version: number;
  milestones: {
    slug: string;
    title: string;
    description: string;
    afterStep: string;
    afterStepTitle: string;
  }[];
  /** Achievements already issued to the learner on this roadmap (`milestone:<slug>`, `roadmap`). */
  issued: string[];
}

/** The published roadmap's current milestones (with their last step's title) and what the learner holds. */
export async function issuable(db: Db, userId: string, slug: string): Promise<IssuableRoadmap | undefined> {
  const [row] = await queryRows<IssuableRoadmap>(
    db,
    sql`
    select r.id, r.slug, r.title, r.current_version as version,
      (select coalesce(json_agg(json_build_object(
          'slug', m.value->>'slug', 'title', m.value->>'title',
          'description', coalesce(m.value->>'description', ''), 'afterStep', m.value->>'afterStep',
          'afterStepTitle', coalesce(st.title, m.value->>'afterStep')) order by m.ordinality), '[]'::json)
        from jsonb_array_elements(v.document->'milestones') with ordinality m
        left join steps st on st.roadmap_id = r.id and st.slug = m.value->>'afterStep' and st.retired_at is null) as milestones,
      (select coalesce(array_agg(c.achievement), '{}') from credentials c
        where c.user_id = ${userId} and c.roadmap_id = r.id) as issued
    from roadmaps r join roadmap_versions v on v.roadmap_id = r.id and v.version = r.current_version
    where r.slug = ${slug} and r.status = 'published'`,
  );
  return row;
}

/** Stores a newly issued credential; undefined when the learner already holds this achievement. */
export async function insert(
  db: Db,
  row: typeof credentials.$inferInsert,
): Promise<{ id: string } | undefined> {
  const [inserted] = await db
    .insert(credentials)
    .values(row)
    .onConflictDoNothing({ target: [credentials.userId, credentials.roadmapId, credentials.achievement] })
    .returning({ id: credentials.id });
  return inserted;
}

export async function listFor(db: Db, userId: string): Promise<CredentialRow[]> {
  return db
    .select(withRoadmap)
    .from(credentials)
    .innerJoin(roadmaps, eq(roadmaps.id, credentials.roadmapId))
    .where(eq(credentials.userId, userId))
    .orderBy(desc(credentials.issuedAt), desc(credentials.id));
}

/** A learner's shared, standing credentials: what their public profile shows. */
export async function publicFor(db: Db, userId: string): Promise<CredentialRow[]> {
  return db
    .select(withRoadmap)
    .from(credentials)
    .innerJoin(roadmaps, eq(roadmaps.id, credentials.roadmapId))
    .where(and(eq(credentials.userId, userId), eq(credentials.public, true), isNull(credentials.revokedAt)))
    .orderBy(desc(credentials.issuedAt), desc(credentials.id));
}

export async function find(db: Db, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select(withRoadmap)
    .from(credentials)
    .innerJoin(roadmaps, eq(roadmaps.id, credentials.roadmapId))
    .where(eq(credentials.id, id));
  return row;
}

export async function setPublic(db: Db, id: string, shared: boolean): Promise<void> {
  await db.update(credentials).set({ public: shared }).where(eq(credentials.id, id));
}

/** Revokes it, once: a second revocation keeps the first's time and reason. */
export async function revoke(db: Db, id: string, at: Date, reason: string | null): Promise<void> {
  await db
    .update(credentials)
    .set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(credentials.id, id), isNull(credentials.revokedAt)));
}
