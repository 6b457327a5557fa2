// SQL for step progress. The summary is computed by PostgreSQL in one statement.
import { and, desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import type { Card } from 'ts-fsrs';
import { progress, roadmaps, type StepStatus } from '../../db/schema.ts';
import { cardColumns } from '../reviews/repo.ts';

/**
 * Sets the status of a live step of a published roadmap, in one statement: the step is found
 * by slugs and the row upserted by (user, step id). `completed_at` is set when the step becomes
 * done (kept if it already was) and cleared when it leaves done; `updated_at` moves only when
 * the status changes, so repeating a PUT changes nothing. Undefined when there is no such step.
 *
 * The step's review card changes in the same statement: done creates it (`newCard`, ts-fsrs's
 * empty card) or resumes a paused one; any other status pauses it, keeping its schedule.
 */
export async function setStatus(
  db: Db,
  input: { userId: string; roadmapSlug: string; stepSlug: string; status: StepStatus; newCard: Card },
): Promise<{ status: StepStatus; updatedAt: Date } | undefined> {
  const card = cardColumns(input.newCard);
  const [row] = await queryRows<{ status: StepStatus; updated_at: string | Date }>(
    db,
    sql`
    with p as (
      insert into progress (user_id, step_id, roadmap_id, status, updated_at, completed_at)
      select ${input.userId}, s.id, s.roadmap_id, ${input.status}, now(),
             case when ${input.status} = 'done' then now() end
      from steps s join roadmaps r on r.id = s.roadmap_id
      where r.slug = ${input.roadmapSlug} and r.status = 'published'
        and s.slug = ${input.stepSlug} and s.retired_at is null
      on conflict (user_id, step_id) do update set
        status = excluded.status,
        updated_at = case when progress.status = excluded.status then progress.updated_at else now() end,
        completed_at = case when excluded.status <> 'done' then null
                            else coalesce(progress.completed_at, now()) end
      returning step_id, roadmap_id, status, updated_at
    ),
    resumed as (
      insert into review_cards (user_id, step_id, roadmap_id, due, stability, difficulty, elapsed_days,
                                scheduled_days, learning_steps, reps, lapses, state, last_review)
      select ${input.userId}, p.step_id, p.roadmap_id, ${card.due.toISOString()}, ${card.stability},
             ${card.difficulty}, ${card.elapsedDays}, ${card.scheduledDays}, ${card.learningSteps},
             ${card.reps}, ${card.lapses}, ${card.state}, null
      from p where p.status = 'done'
      on conflict (user_id, step_id) do update set suspended = false
      returning 1
    ),
    paused as (
      update review_cards c set suspended = true
      from p where p.status <> 'done' and c.user_id = ${input.userId} and c.step_id = p.step_id
      returning 1
    )
    select status, updated_at from p`,
  );
  return row ? { status: row.status, updatedAt: new Date(row.updated_at) } : undefined;
}

export interface SummaryRow {
  roadmap_slug: string;
  roadmap_title: string;
  step_count: number;
  done_count: number;
  required_count: number;
  required_done_count: number;
  steps: Record<string, StepStatus>;
  next_step: { slug: string; title: string; required: boolean } | null;
  milestones: { slug: string; title: string; reached: boolean; reachedAt: string | null }[];
  updated_at: string | Date | null;
  resources_done: Record<string, string[]>;
}

/**
 * The progress summary of one learner on one published roadmap, in one round trip: counts over
 * the live steps, the status of each, the next step, and every milestone of the current
 * version — reached when all required steps up to its `afterStep` are done, at the time the
 * last of them became done.
 */
export async function summary(db: Db, userId: string, roadmapSlug: string): Promise<SummaryRow | undefined> {
  const [row] = await queryRows<SummaryRow>(
    db,
    sql`
    with r as (
      select id, slug, title, current_version from roadmaps where slug = ${roadmapSlug} and status = 'published'
    ), s as (
      select st.slug, st.title, st.required, st.position, coalesce(p.status, 'todo') as status, p.completed_at
      from steps st join r on st.roadmap_id = r.id
      left join progress p on p.step_id = st.id and p.user_id = ${userId}
      where st.retired_at is null
    )
    select r.slug as roadmap_slug, r.title as roadmap_title,
      (select count(*)::int from s) as step_count,
      (select count(*)::int from s where status = 'done') as done_count,
      (select count(*)::int from s where required) as required_count,
      (select count(*)::int from s where required and status = 'done') as required_done_count,
      (select coalesce(json_object_agg(slug, status order by position), '{}'::json) from s) as steps,
      (select json_build_object('slug', slug, 'title', title, 'required', required)
         from s where status not in ('done', 'skipped') order by position limit 1) as next_step,
      (select coalesce(json_agg(json_build_object(
                 'slug', m.value->>'slug', 'title', m.value->>'title',
                 'reached', coalesce(x.reached, true), 'reachedAt', x.reached_at) order by m.ordinality), '[]'::json)
         from roadmap_versions v
         cross join lateral jsonb_array_elements(v.document->'milestones') with ordinality m
         cross join lateral (
           select bool_and(s2.status = 'done') as reached,
                  case when bool_and(s2.status = 'done') then max(s2.completed_at) end as reached_at
           from s s2
           where s2.required and s2.position <= (select s3.position from s s3 where s3.slug = m.value->>'afterStep')
         ) x
         where v.roadmap_id = r.id and v.version = r.current_version) as milestones,
      (select max(p.updated_at) from progress p where p.user_id = ${userId} and p.roadmap_id = r.id) as updated_at,
      (select coalesce(json_object_agg(x.slug, x.urls), '{}'::json) from (
         select st.slug, json_agg(rc.url order by rc.url) as urls
         from resource_checks rc join steps st on st.id = rc.step_id
         where rc.user_id = ${userId} and rc.roadmap_id = r.id and st.retired_at is null
         group by st.slug) x) as resources_done
    from r`,
  );
  return row;
}

/**
 * Ticks (`done`) or unticks a resource of a live step, in one statement. Undefined when there is
 * no such step; `known: false` when the URL is not one of the step's resources (nothing written).
 */
export async function setResource(
  db: Db,
  input: { userId: string; roadmapSlug: string; stepSlug: string; url: string; done: boolean },
): Promise<{ known: boolean } | undefined> {
  const [row] = await queryRows<{ known: boolean }>(
    db,
    sql`
    with s as (
      select s.id, s.roadmap_id,
             exists (select 1 from jsonb_array_elements(s.resources) e where e->>'url' = ${input.url}) as known
      from steps s join roadmaps r on r.id = s.roadmap_id
      where r.slug = ${input.roadmapSlug} and r.status = 'published'
        and s.slug = ${input.stepSlug} and s.retired_at is null
    ), ticked as (
      insert into resource_checks (user_id, step_id, roadmap_id, url)
      select ${input.userId}, s.id, s.roadmap_id, ${input.url} from s where s.known and ${input.done}
      on conflict do nothing
      returning 1
    ), unticked as (
      delete from resource_checks
      where user_id = ${input.userId} and step_id = (select id from s) and url = ${input.url} and not ${input.done}
      returning 1
    )
    select known from s`,
  );
  return row;
}

/** Every resource the user ticked, retired steps included (the export). */
export async function allResourceChecks(db: Db, userId: string) {
  return queryRows<{
    roadmap_slug: string;
    step_id: string;
    step_slug: string;
    url: string;
    checked_at: string | Date;
  }>(
    db,
    sql`
    select r.slug as roadmap_slug, s.id as step_id, s.slug as step_slug, rc.url, rc.checked_at
    from resource_checks rc join steps s on s.id = rc.step_id join roadmaps r on r.id = rc.roadmap_id
    where rc.user_id = ${userId}
    order by r.slug, s.position, rc.url`,
  );
}

/** Hours of the live steps neither done nor skipped: all, and required only. Undefined: no such roadmap. */
export async function remainingHours(db: Db, userId: string, roadmapSlug: string) {
  const [row] = await queryRows<{ roadmap_id: string; all_hours: number; required_hours: number }>(
    db,
    sql`
    select r.id as roadmap_id,
      coalesce(sum(st.estimated_hours) filter (where coalesce(p.status, 'todo') not in ('done', 'skipped')), 0)::float8 as all_hours,
      coalesce(sum(st.estimated_hours) filter (where st.required and coalesce(p.status, 'todo') not in ('done', 'skipped')), 0)::float8 as required_hours
    from roadmaps r
    left join steps st on st.roadmap_id = r.id and st.retired_at is null
    left join progress p on p.step_id = st.id and p.user_id = ${userId}
    where r.slug = ${roadmapSlug} and r.status = 'published'
    group by r.id`,
  );
  return row
    ? { roadmapId: row.roadmap_id, all: Number(row.all_hours), required: Number(row.required_hours) }
    : undefined;
}

/** The published roadmaps a learner has any progress on, most recently touched first. */
export async function touchedRoadmaps(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ slug: roadmaps.slug, touched: sql<Date>`max(${progress.updatedAt})` })
    .from(progress)
    .innerJoin(roadmaps, eq(roadmaps.id, progress.roadmapId))
    .where(and(eq(progress.userId, userId), eq(roadmaps.status, 'published')))
    .groupBy(roadmaps.slug)
    .orderBy(desc(sql`max(${progress.updatedAt})`), roadmaps.slug);
  return rows.map((r) => r.slug);
}

/** Every progress row of a user, retired steps included (the export). */
export async function allRows(db: Db, userId: string) {
  return queryRows<{
    roadmap_slug: string;
    step_id: string;
    step_slug: string;
    step_title: string;
    retired: boolean;
    status: StepStatus;
    updated_at: string | Date;
    completed_at: string | Date | null;
  }>(
    db,
    sql`
    select r.slug as roadmap_slug, s.id as step_id, s.slug as step_slug, s.title as step_title,
           s.retired_at is not null as retired, p.status, p.updated_at, p.completed_at
    from progress p join steps s on s.id = p.step_id join roadmaps r on r.id = p.roadmap_id
    where p.user_id = ${userId}
    order by r.slug, s.position`,
  );
}
