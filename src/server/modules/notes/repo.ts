// SQL for notes. A note belongs to (user, step id); the step is found by slugs when written.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';

export interface NoteRow {
  roadmap_slug: string;
  step_slug: string;
  roadmap_title: string;
  step_title: string;
  step_id: string;
  body: string;
  body_html: string;
  updated_at: string | Date;
}

// Timestamps are kept to the millisecond, so that a cursor (ISO, ms) names a row exactly.
const NOW_MS = sql`date_trunc('milliseconds', now())`;

/** Upserts the note on a live step of a published roadmap; undefined when there is no such step. */
export async function upsert(
  db: Db,
  input: { userId: string; roadmapSlug: string; stepSlug: string; body: string; bodyHtml: string },
): Promise<NoteRow | undefined> {
  const [row] = await queryRows<NoteRow>(
    db,
    sql`
    with saved as (
      insert into notes (user_id, step_id, roadmap_id, body, body_html, created_at, updated_at)
      select ${input.userId}, s.id, s.roadmap_id, ${input.body}, ${input.bodyHtml}, ${NOW_MS}, ${NOW_MS}
      from steps s join roadmaps r on r.id = s.roadmap_id
      where r.slug = ${input.roadmapSlug} and r.status = 'published'
        and s.slug = ${input.stepSlug} and s.retired_at is null
      on conflict (user_id, step_id) do update set
        body = excluded.body,
        body_html = excluded.body_html,
        updated_at = case when notes.body = excluded.body then notes.updated_at else excluded.updated_at end
      returning step_id, body, body_html, updated_at
    )
    select ${input.roadmapSlug} as roadmap_slug, ${input.stepSlug} as step_slug,
           r.title as roadmap_title, s.title as step_title, saved.*
    from saved join steps s on s.id = saved.step_id join roadmaps r on r.id = s.roadmap_id`,
  );
  return row;
}

const LIVE_STEP = (roadmapSlug: string, stepSlug: string) => sql`
  (select s.id from steps s join roadmaps r on r.id = s.roadmap_id
   where r.slug = ${roadmapSlug} and r.status = 'published' and s.slug = ${stepSlug} and s.retired_at is null)`;

export async function find(db: Db, userId: string, roadmapSlug: string, stepSlug: string) {
  const [row] = await queryRows<NoteRow>(
    db,
    sql`
    select r.slug as roadmap_slug, s.slug as step_slug, r.title as roadmap_title, s.title as step_title,
           n.step_id, n.body, n.body_html, n.updated_at
    from notes n join steps s on s.id = n.step_id join roadmaps r on r.id = n.roadmap_id
    where n.user_id = ${userId} and n.step_id = ${LIVE_STEP(roadmapSlug, stepSlug)}`,
  );
  return row;
}

export async function remove(db: Db, userId: string, roadmapSlug: string, stepSlug: string) {
  const rows = await queryRows<{ step_id: string }>(
    db,
    sql`delete from notes where user_id = ${userId} and step_id = ${LIVE_STEP(roadmapSlug, stepSlug)}
        returning step_id`,
  );
  return rows.length > 0;
}

/**
 * The user's notes, newest first (by save time, then step id), optionally only those matching
 * `q` (PostgreSQL full-text search, the same on PGlite). Notes on retired steps are listed too,
 * under the slug the step last had.
 */
export async function list(
  db: Db,
  userId: string,
  options: {
    q?: string | undefined;
    roadmapSlug?: string | undefined;
    limit: number;
    after?: { updatedAt: Date; stepId: string } | undefined;
  },
): Promise<NoteRow[]> {
  const conditions = [sql`n.user_id = ${userId}`];
  if (options.roadmapSlug !== undefined) conditions.push(sql`r.slug = ${options.roadmapSlug}`);
  if (options.q !== undefined)
    conditions.push(sql`n.search @@ websearch_to_tsquery('english', ${options.q})`);
  if (options.after)
    conditions.push(
      sql`(n.updated_at, n.step_id) < (${options.after.updatedAt.toISOString()}::timestamptz, ${options.after.stepId})`,
    );
  return queryRows<NoteRow>(
    db,
    sql`
    select r.slug as roadmap_slug, s.slug as step_slug, r.title as roadmap_title, s.title as step_title,
           n.step_id, n.body, n.body_html, n.updated_at
    from notes n join steps s on s.id = n.step_id join roadmaps r on r.id = n.roadmap_id
    where ${sql.join(conditions, sql` and `)}
    order by n.updated_at desc, n.step_id desc
    limit ${options.limit}`,
  );
}

/** Every note of the user, for the export (retired steps included). */
export async function all(db: Db, userId: string) {
  return queryRows<NoteRow & { retired: boolean }>(
    db,
    sql`
    select r.slug as roadmap_slug, s.slug as step_slug, r.title as roadmap_title, s.title as step_title, s.retired_at is not null as retired,
           n.step_id, n.body, n.body_html, n.updated_at
    from notes n join steps s on s.id = n.step_id join roadmaps r on r.id = n.roadmap_id
    where n.user_id = ${userId}
    order by n.updated_at desc`,
  );
}
