// SQL for cohorts. The mentor view is one statement per page: every member's counts are computed
// by PostgreSQL in set operations (no query per member), and only the page's rows get their next
// steps and daily minutes (for the streak) joined on — set-based too, not a subquery per row. When
// the page's members can be told apart before scoring (sorted by name, or one member), only they
// are scored.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import type { CohortRole } from '../../db/schema.ts';

export interface CohortRow {
  id: string;
  name: string;
  description: string;
  starts_on: string | null;
  ends_on: string | null;
  daily_goal_minutes: number | null;
  leaderboard: boolean;
  created_at: string | Date;
  owner_name: string;
  roadmaps: { slug: string; title: string; stepCount: number; requiredCount: number }[];
}

const COHORT_COLUMNS = sql`
  c.id, c.name, c.description, c.starts_on::text as starts_on, c.ends_on::text as ends_on,
  c.daily_goal_minutes, c.leaderboard, c.created_at,
  coalesce((select u.display_name from cohort_members o join users u on u.id = o.user_id
            where o.cohort_id = c.id and o.role = 'owner'), '') as owner_name,
  (select coalesce(json_agg(json_build_object(
            'slug', r.slug, 'title', r.title,
            'stepCount', (select count(*)::int from steps s where s.roadmap_id = r.id and s.retired_at is null),
            'requiredCount', (select count(*)::int from steps s
                              where s.roadmap_id = r.id and s.retired_at is null and s.required))
          order by cr.position), '[]'::json)
   from cohort_roadmaps cr join roadmaps r on r.id = cr.roadmap_id
   where cr.cohort_id = c.id and r.status = 'published') as roadmaps`;

/** The ids of published roadmaps by slug, in the order given; missing slugs are left out. */
export async function publishedRoadmapIds(db: Db, slugs: string[]) {
  return queryRows<{ id: string; slug: string }>(
    db,
    sql`select id, slug from roadmaps where status = 'published'
        and slug in (${sql.join(
          slugs.map((s) => sql`${s}`),
          sql`, `,
        )})`,
  );
}

export async function insertCohort(
  db: Db,
  input: {
    ownerId: string;
    name: string;
    description: string;
    startsOn: string | null;
    endsOn: string | null;
    dailyGoalMinutes: number | null;
    roadmapIds: string[];
  },
): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`insert into cohorts (name, description, starts_on, ends_on, daily_goal_minutes)
          values (${input.name}, ${input.description}, ${input.startsOn}, ${input.endsOn}, ${input.dailyGoalMinutes})
          returning id`,
    );
    const id = row!.id;
    await setRoadmaps(tx, id, input.roadmapIds);
    await queryRows(
      tx,
      sql`insert into cohort_members (cohort_id, user_id, role) values (${id}, ${input.ownerId}, 'owner')`,
    );
    return id;
  });
}

async function setRoadmaps(db: Db, cohortId: string, roadmapIds: string[]) {
  await queryRows(db, sql`delete from cohort_roadmaps where cohort_id = ${cohortId}`);
  await queryRows(
    db,
    sql`insert into cohort_roadmaps (cohort_id, roadmap_id, position)
        select ${cohortId}, id::uuid, position::int
        from unnest(${`{${roadmapIds.join(',')}}`}::text[]) with ordinality as t(id, position)`,
  );
}

export async function updateCohort(
  db: Db,
  id: string,
  patch: {
    name?: string;
    description?: string;
    startsOn?: string | null;
    endsOn?: string | null;
    dailyGoalMinutes?: number | null;
    leaderboard?: boolean;
    roadmapIds?: string[];
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    const sets: SQL[] = [sql`updated_at = now()`];
    if (patch.name !== undefined) sets.push(sql`name = ${patch.name}`);
    if (patch.description !== undefined) sets.push(sql`description = ${patch.description}`);
    if (patch.startsOn !== undefined) sets.push(sql`starts_on = ${patch.startsOn}`);
    if (patch.endsOn !== undefined) sets.push(sql`ends_on = ${patch.endsOn}`);
    if (patch.dailyGoalMinutes !== undefined) sets.push(sql`daily_goal_minutes = ${patch.dailyGoalMinutes}`);
    if (patch.leaderboard !== undefined) sets.push(sql`leaderboard = ${patch.leaderboard}`);
    await queryRows(tx, sql`update cohorts set ${sql.join(sets, sql`, `)} where id = ${id}`);
    if (patch.roadmapIds) await setRoadmaps(tx, id, patch.roadmapIds);
  });
}

export async function deleteCohort(db: Db, id: string): Promise<boolean> {
  const rows = await queryRows(db, sql`delete from cohorts where id = ${id} returning id`);
  return rows.length > 0;
}

export async function findCohort(db: Db, id: string): Promise<CohortRow | undefined> {
  const [row] = await queryRows<CohortRow>(
    db,
    sql`select ${COHORT_COLUMNS} from cohorts c where c.id = ${id}`,
  );
  return row;
}

/** The actor's role in a cohort (null when not in it), and whether the cohort exists at all. */
export async function roleIn(db: Db, cohortId: string, userId: string) {
  const [row] = await queryRows<{ role: CohortRole | null; leaderboard: boolean | null }>(
    db,
    sql`select m.role, m.leaderboard from cohorts c
        left join cohort_members m on m.cohort_id = c.id and m.user_id = ${userId}
        where c.id = ${cohortId}`,
  );
  return row;
}

export interface CohortListRow {
  id: string;
  name: string;
  role: CohortRole | null;
  ends_on: string | null;
  member_count: number;
  roadmap_slugs: string[];
  created_at: string | Date;
}

/** Cohorts by newest first: the user's own (with `userId`), or every one (admins). */
export async function listCohorts(
  db: Db,
  options: { userId?: string; viewerId: string; limit: number; after?: { createdAt: string; id: string } },
): Promise<CohortListRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (options.userId)
    conditions.push(
      sql`exists (select 1 from cohort_members x where x.cohort_id = c.id and x.user_id = ${options.userId})`,
    );
  if (options.after)
    conditions.push(
      sql`(c.created_at, c.id) < (${options.after.createdAt}::timestamptz, ${options.after.id}::uuid)`,
    );
  return queryRows<CohortListRow>(
    db,
    sql`select c.id, c.name, c.ends_on::text as ends_on, c.created_at,
          (select m.role from cohort_members m where m.cohort_id = c.id and m.user_id = ${options.viewerId}) as role,
          (select count(*)::int from cohort_members m where m.cohort_id = c.id and m.role = 'member') as member_count,
          (select coalesce(array_agg(r.slug order by cr.position), '{}') from cohort_roadmaps cr
             join roadmaps r on r.id = cr.roadmap_id where cr.cohort_id = c.id and r.status = 'published') as roadmap_slugs
        from cohorts c where ${sql.join(conditions, sql` and `)}
        order by c.created_at desc, c.id desc limit ${options.limit}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Members

export interface MemberRow {
  user_id: string;
  display_name: string;
  role: CohortRole;
  joined_at: string | Date;
  leaderboard: boolean;
  timezone: string;
  daily_goal_minutes: number;
  streak_freezes: boolean;
  mean_percent: number;
  minutes7: number;
  stuck: boolean;
  finished: boolean;
  roadmaps: {
    slug: string;
    percent: number;
    requiredPercent: number;
    nextStep: { slug: string; title: string } | null;
    lastActivityAt: string | null;
  }[];
  /** Minutes per local date, all of the member's history: the streak is computed from it. */
  days: Record<string, number> | null;
}

/** A row of the mentor view, with the value it is sorted by (for the next page's cursor). */
export interface MemberPageRow extends MemberRow {
  sort_key: string | number;
}

/**
 * Which members `scored` scores when not everyone: extra conditions on `cm` (cohort_members) and
 * `u` (users), and optionally an order and a limit over them.
 */
interface MemberPick {
  conditions: SQL[];
  orderLimit?: SQL;
}

/**
 * Every member of a cohort with their counts, as a CTE chain for the statements below: per
 * member × roadmap the done and required-done counts over live steps, the last activity, whether
 * a step has sat in progress for 7 days; per member the mean percent, minutes over their last 7
 * local days, `stuck` and `finished`. With `pick`, only the members it picks (the median `med`
 * is then theirs only: a caller that needs it over everyone passes no pick).
 */
function scored(cohortId: string, now: Date, pick?: MemberPick): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  const weekAgo = sql`(${at} - interval '7 days')`;
  return sql`
    cr as (
      select r.id, r.slug, cr.position from cohort_roadmaps cr join roadmaps r on r.id = cr.roadmap_id
      where cr.cohort_id = ${cohortId} and r.status = 'published'
    ), st as (
      select s.id, s.roadmap_id, s.required, s.position, s.slug, s.title
      from steps s join cr on cr.id = s.roadmap_id where s.retired_at is null
    ), tot as (
      select roadmap_id, count(*)::int as steps, (count(*) filter (where required))::int as req
      from st group by roadmap_id
    ), m as (
      select cm.user_id, cm.role, cm.joined_at, cm.leaderboard, u.display_name, u.timezone,
             u.daily_goal_minutes, u.streak_freezes
      from cohort_members cm join users u on u.id = cm.user_id
      where ${sql.join([sql`cm.cohort_id = ${cohortId}`, ...(pick?.conditions ?? [])], sql` and `)}
      ${pick?.orderLimit ?? sql``}
    ), pr as (
      select p.user_id, p.roadmap_id,
             (count(*) filter (where p.status = 'done'))::int as done,
             (count(*) filter (where p.status = 'done' and st.required))::int as req_done,
             max(p.updated_at) as last_at,
             coalesce(bool_or(p.status = 'in_progress' and p.updated_at < ${weekAgo}), false) as stale
      from progress p join st on st.id = p.step_id
      where p.user_id in (select user_id from m)
      group by p.user_id, p.roadmap_id
    ), sl as (
      select s.user_id, s.roadmap_id, max(s.created_at) as last_at from study_sessions s
      where s.user_id in (select user_id from m) and s.roadmap_id in (select id from cr)
      group by s.user_id, s.roadmap_id
    ), wk as (
      select s.user_id, sum(s.minutes)::int as minutes from study_sessions s join m on m.user_id = s.user_id
      where s.date > (${at} at time zone m.timezone)::date - 7
      group by s.user_id
    ), mr as (
      select m.user_id, cr.id as roadmap_id, cr.slug, cr.position,
             case when coalesce(t.steps, 0) = 0 then 0 else round(coalesce(pr.done, 0) * 100.0 / t.steps)::int end as percent,
             case when coalesce(t.req, 0) = 0 then 0 else round(coalesce(pr.req_done, 0) * 100.0 / t.req)::int end as req_percent,
             coalesce(pr.req_done, 0) >= coalesce(t.req, 0) as finished,
             coalesce(pr.stale, false) as stale,
             pr.last_at as progress_at,
             nullif(greatest(coalesce(pr.last_at, '-infinity'), coalesce(sl.last_at, '-infinity')), '-infinity') as last_at
      from m cross join cr
      left join tot t on t.roadmap_id = cr.id
      left join pr on pr.user_id = m.user_id and pr.roadmap_id = cr.id
      left join sl on sl.user_id = m.user_id and sl.roadmap_id = cr.id
    ), agg as (
      select m.user_id, m.display_name, m.role, m.joined_at, m.leaderboard, m.timezone, m.daily_goal_minutes,
             m.streak_freezes, coalesce(round(avg(mr.percent)), 0)::int as mean_percent,
             max(mr.last_at) as last_at, max(mr.progress_at) as progress_at,
             coalesce(bool_or(mr.stale), false) as stale, coalesce(bool_and(mr.finished), true) as finished,
             coalesce(wk.minutes, 0) as minutes7
      from m left join mr on mr.user_id = m.user_id left join wk on wk.user_id = m.user_id
      group by m.user_id, m.display_name, m.role, m.joined_at, m.leaderboard, m.timezone,
               m.daily_goal_minutes, m.streak_freezes, wk.minutes
    ), scored as (
      select agg.*,
             not agg.finished and (agg.stale or (agg.minutes7 = 0 and agg.joined_at < ${weekAgo}
               and coalesce(agg.progress_at, '-infinity') < ${weekAgo})) as stuck
      from agg
    ), med as (
      select coalesce(percentile_cont(0.5) within group (order by mean_percent), 0) as median
      from scored where role = 'member'
    )`;
}

/**
 * The CTEs, after `pg` (rows of `scored`, possibly a user twice), that only `pg`'s users get: per
 * user × roadmap the first live step not done or skipped (`nx`), per user the roadmaps as JSON
 * with it (`rj`), and the minutes per local date, all of their history, for the streak (`dd`).
 */
const PAGE_DETAILS = sql`
    pu as (select distinct user_id from pg),
    nx as (
      select distinct on (pu.user_id, st.roadmap_id) pu.user_id, st.roadmap_id, st.slug, st.title
      from pu cross join st
      left join progress p on p.user_id = pu.user_id and p.step_id = st.id
      where coalesce(p.status, 'todo') not in ('done', 'skipped')
      order by pu.user_id, st.roadmap_id, st.position
    ), rj as (
      select mr.user_id, json_agg(json_build_object(
               'slug', mr.slug, 'percent', mr.percent, 'requiredPercent', mr.req_percent,
               'lastActivityAt', to_char(mr.last_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'nextStep', case when nx.user_id is null then null
                                else json_build_object('slug', nx.slug, 'title', nx.title) end)
             order by mr.position) as roadmaps
      from pu join mr on mr.user_id = pu.user_id
      left join nx on nx.user_id = mr.user_id and nx.roadmap_id = mr.roadmap_id
      group by mr.user_id
    ), dd as (
      select d.user_id, json_object_agg(d.date, d.minutes) as days from (
        select s.user_id, s.date::text as date, sum(s.minutes)::int as minutes from study_sessions s
        where s.user_id in (select user_id from pu) group by s.user_id, s.date) d
      group by d.user_id
    )`;

/** The columns of a `MemberRow` for the rows of `pg`, joined to `PAGE_DETAILS` by `MEMBER_JOINS`. */
const MEMBER_COLUMNS = sql`
  pg.user_id, pg.display_name, pg.role, pg.joined_at, pg.leaderboard, pg.timezone,
  pg.daily_goal_minutes, pg.streak_freezes, pg.mean_percent, pg.minutes7, pg.stuck, pg.finished,
  coalesce(rj.roadmaps, '[]'::json) as roadmaps, dd.days`;
const MEMBER_JOINS = sql`left join rj on rj.user_id = pg.user_id left join dd on dd.user_id = pg.user_id`;

const SORT_KEYS = {
  name: sql`lower(display_name)`,
  progress: sql`mean_percent`,
  activity: sql`coalesce(floor(extract(epoch from last_at) * 1000), 0)::bigint`,
  minutes: sql`minutes7`,
} as const;
export type SortKey = keyof typeof SORT_KEYS;

export interface MemberPage {
  sort: SortKey;
  desc: boolean;
  filter: 'all' | 'stuck' | 'behind' | 'finished' | 'leaderboard';
  limit: number;
  after?: { key: string | number; userId: string } | undefined;
  /** Just this member (one's own row). */
  userId?: string;
}

/**
 * The members a page needs scored, picked from cohort_members × users before scoring: one member,
 * those on the leaderboard, and — sorted by name, unless a filter needs the scores — just the
 * page. The `behind` filter needs the median over everyone, so it picks nobody out. `memberPage`
 * applies all its conditions to the scored rows again, so a pick only ever saves work.
 */
function pickFor(page: MemberPage, direction: SQL): MemberPick | undefined {
  if (page.filter === 'behind') return undefined;
  const conditions: SQL[] = [];
  if (page.userId) conditions.push(sql`cm.user_id = ${page.userId}`);
  if (page.filter === 'leaderboard') conditions.push(sql`cm.leaderboard and cm.role = 'member'`);
  if (page.sort !== 'name' || (page.filter !== 'all' && page.filter !== 'leaderboard'))
    return conditions.length ? { conditions } : undefined;
  if (page.after)
    conditions.push(
      page.desc
        ? sql`(lower(u.display_name), cm.user_id) < (${page.after.key}::text, ${page.after.userId}::uuid)`
        : sql`(lower(u.display_name), cm.user_id) > (${page.after.key}::text, ${page.after.userId}::uuid)`,
    );
  return {
    conditions,
    orderLimit: sql`order by lower(u.display_name) ${direction}, cm.user_id ${direction} limit ${page.limit}`,
  };
}

/** One page of the mentor view, in one statement. */
export async function memberPage(
  db: Db,
  cohortId: string,
  now: Date,
  page: MemberPage,
): Promise<MemberPageRow[]> {
  const key = SORT_KEYS[page.sort];
  const conditions: SQL[] = [sql`true`];
  if (page.filter === 'stuck') conditions.push(sql`stuck`);
  if (page.filter === 'finished') conditions.push(sql`finished`);
  if (page.filter === 'behind')
    conditions.push(sql`role = 'member' and mean_percent < (select median from med)`);
  if (page.filter === 'leaderboard') conditions.push(sql`leaderboard and role = 'member'`);
  if (page.userId) conditions.push(sql`user_id = ${page.userId}`);
  if (page.after) {
    const k = page.sort === 'name' ? sql`${page.after.key}::text` : sql`${page.after.key}::bigint`;
    conditions.push(
      page.desc
        ? sql`(${key}, user_id) < (${k}, ${page.after.userId}::uuid)`
        : sql`(${key}, user_id) > (${k}, ${page.after.userId}::uuid)`,
    );
  }
  const direction = page.desc ? sql`desc` : sql`asc`;
  return queryRows<MemberPageRow>(
    db,
    sql`
    with ${scored(cohortId, now, pickFor(page, direction))},
    pg as (
      select scored.*, ${key} as sort_key from scored
      where ${sql.join(conditions, sql` and `)}
      order by ${key} ${direction}, user_id ${direction}
      limit ${page.limit}
    ), ${PAGE_DETAILS}
    select ${MEMBER_COLUMNS}, pg.sort_key
    from pg ${MEMBER_JOINS}
    order by pg.sort_key ${direction}, pg.user_id ${direction}`,
  );
}

export interface SummaryRow {
  member_count: number;
  mentor_count: number;
  median_percent: number;
  median_minutes: number;
  finished_count: number;
  stuck_count: number;
}

/** How many rows the cohort page's leaderboard shows. */
export const STANDINGS_LIMIT = 50;

export interface Overview {
  summary: SummaryRow;
  /** The viewer's own row, when `userId` was given and is in the cohort. */
  me: MemberRow | undefined;
  /** When the cohort's leaderboard is on: the members who opted in, best first. */
  standings: MemberRow[];
}

/**
 * The cohort page in one statement, scoring every member once: the counts and medians over the
 * cohort's members (role `member`), the viewer's own row and, when the leaderboard is on, the
 * rows of the members who opted in (by progress, best first). The summary is one row that the
 * picked member rows are left-joined to, so it comes back even when no row is picked.
 */
export async function overview(
  db: Db,
  cohortId: string,
  now: Date,
  userId: string | undefined,
): Promise<Overview> {
  const rows = await queryRows<SummaryRow & ({ part: null } | ({ part: 'me' | 'standing' } & MemberRow))>(
    db,
    sql`
    with ${scored(cohortId, now)},
    sm as (
      select (count(*) filter (where role = 'member'))::int as member_count,
             (count(*) filter (where role = 'mentor'))::int as mentor_count,
             round((select median from med))::int as median_percent,
             coalesce(round(percentile_cont(0.5) within group (order by minutes7) filter (where role = 'member')), 0)::int
               as median_minutes,
             (count(*) filter (where role = 'member' and finished))::int as finished_count,
             (count(*) filter (where role = 'member' and stuck))::int as stuck_count
      from scored
    ), pg as (
      (select 'me'::text as part, scored.* from scored where ${userId === undefined ? sql`false` : sql`user_id = ${userId}::uuid`})
      union all
      (select 'standing'::text as part, scored.* from scored
       where leaderboard and role = 'member'
         and exists (select 1 from cohorts c where c.id = ${cohortId} and c.leaderboard)
       order by mean_percent desc, user_id desc
       limit ${STANDINGS_LIMIT})
    ), ${PAGE_DETAILS}
    select sm.member_count, sm.mentor_count, sm.median_percent, sm.median_minutes, sm.finished_count,
           sm.stuck_count, pg.part, ${MEMBER_COLUMNS}
    from sm left join pg on true ${MEMBER_JOINS}
    order by pg.part, pg.mean_percent desc, pg.user_id desc`,
  );
  const { member_count, mentor_count, median_percent, median_minutes, finished_count, stuck_count } =
    rows[0]!;
  const members = (part: 'me' | 'standing') => rows.flatMap((r) => (r.part === part ? [r] : []));
  return {
    summary: { member_count, mentor_count, median_percent, median_minutes, finished_count, stuck_count },
    me: members('me')[0],
    standings: members('standing'),
  };
}

export interface HeatmapRow {
  slug: string;
  title: string;
  steps: {
    slug: string;
    title: string;
    layerTitle: string;
    required: boolean;
    done: number;
    inProgress: number;
  }[];
}

/** How many members, and for each live step of the cohort's roadmaps how many have done it or are on it. */
export async function heatmap(
  db: Db,
  cohortId: string,
): Promise<{ member_count: number; roadmaps: HeatmapRow[] }> {
  const [row] = await queryRows<{ member_count: number; roadmaps: HeatmapRow[] }>(
    db,
    sql`
    with m as (select user_id from cohort_members where cohort_id = ${cohortId} and role = 'member'),
    counts as (
      select p.step_id, (count(*) filter (where p.status = 'done'))::int as done,
             (count(*) filter (where p.status = 'in_progress'))::int as in_progress
      from progress p join m on m.user_id = p.user_id
      where p.roadmap_id in (select roadmap_id from cohort_roadmaps where cohort_id = ${cohortId})
      group by p.step_id
    ), rm as (
      select r.slug, r.title, cr.position,
        (select coalesce(json_agg(json_build_object('slug', s.slug, 'title', s.title, 'layerTitle', s.layer_title,
                  'required', s.required, 'done', coalesce(c.done, 0), 'inProgress', coalesce(c.in_progress, 0))
                order by s.position), '[]'::json)
         from steps s left join counts c on c.step_id = s.id
         where s.roadmap_id = r.id and s.retired_at is null) as steps
      from cohort_roadmaps cr join roadmaps r on r.id = cr.roadmap_id
      where cr.cohort_id = ${cohortId} and r.status = 'published'
    )
    select (select count(*)::int from m) as member_count,
           (select coalesce(json_agg(json_build_object('slug', slug, 'title', title, 'steps', steps)
                     order by position), '[]'::json) from rm) as roadmaps`,
  );
  return row!;
}

export async function setLeaderboardChoice(db: Db, cohortId: string, userId: string, on: boolean) {
  await queryRows(
    db,
    sql`update cohort_members set leaderboard = ${on} where cohort_id = ${cohortId} and user_id = ${userId}`,
  );
}

export async function memberRole(db: Db, cohortId: string, userId: string): Promise<CohortRole | undefined> {
  const [row] = await queryRows<{ role: CohortRole }>(
    db,
    sql`select role from cohort_members where cohort_id = ${cohortId} and user_id = ${userId}`,
  );
  return row?.role;
}

export async function setRole(db: Db, cohortId: string, userId: string, role: 'mentor' | 'member') {
  await queryRows(
    db,
    sql`update cohort_members set role = ${role} where cohort_id = ${cohortId} and user_id = ${userId}`,
  );
}

/** Hands the cohort to `userId`: the old owner stays on as a mentor. */
export async function transferOwnership(db: Db, cohortId: string, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await queryRows(
      tx,
      sql`update cohort_members set role = 'mentor' where cohort_id = ${cohortId} and role = 'owner'`,
    );
    await queryRows(
      tx,
      sql`update cohort_members set role = 'owner' where cohort_id = ${cohortId} and user_id = ${userId}`,
    );
  });
}

export async function removeMember(db: Db, cohortId: string, userId: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`delete from cohort_members where cohort_id = ${cohortId} and user_id = ${userId} returning user_id`,
  );
  return rows.length > 0;
}

/**
 * Before an account goes: each cohort it owns passes to its longest-standing mentor (else
 * member); a cohort with nobody else in it goes too. Members' own progress is never touched.
 */
export async function handOverOwnedCohorts(db: Db, userId: string): Promise<void> {
  const owned = await queryRows<{ cohort_id: string }>(
    db,
    sql`delete from cohort_members where user_id = ${userId} and role = 'owner' returning cohort_id`,
  );
  for (const { cohort_id: cohortId } of owned) {
    const [heir] = await queryRows<{ user_id: string }>(
      db,
      sql`update cohort_members set role = 'owner'
          where cohort_id = ${cohortId} and user_id = (
            select user_id from cohort_members where cohort_id = ${cohortId}
            order by (role = 'mentor') desc, joined_at, user_id limit 1)
          returning user_id`,
    );
    if (!heir) await deleteCohort(db, cohortId);
  }
}

// ---------------------------------------------------------------------------------------------
// Invitations

export interface InviteRow {
  id: string;
  cohort_id: string;
  role: 'mentor' | 'member';
  max_uses: number | null;
  uses: number;
  expires_at: string | Date;
  revoked_at: string | Date | null;
  email: string | null;
  created_at: string | Date;
}

const INVITE_COLUMNS = sql`id, cohort_id, role, max_uses, uses, expires_at, revoked_at, email, created_at`;

export async function insertInvite(
  db: Db,
  input: {
    cohortId: string;
    tokenHash: string;
    role: 'mentor' | 'member';
    maxUses: number | null;
    expiresAt: Date;
    email: string | null;
    createdBy: string;
  },
): Promise<InviteRow> {
  const [row] = await queryRows<InviteRow>(
    db,
    sql`insert into cohort_invites (cohort_id, token_hash, role, max_uses, expires_at, email, created_by)
        values (${input.cohortId}, ${input.tokenHash}, ${input.role}, ${input.maxUses},
                ${input.expiresAt.toISOString()}, ${input.email}, ${input.createdBy})
        returning ${INVITE_COLUMNS}`,
  );
  return row!;
}

export async function listInvites(db: Db, cohortId: string): Promise<InviteRow[]> {
  return queryRows<InviteRow>(
    db,
    sql`select ${INVITE_COLUMNS} from cohort_invites where cohort_id = ${cohortId}
        order by created_at desc, id desc limit 100`,
  );
}

export async function findInvite(db: Db, cohortId: string, inviteId: string): Promise<InviteRow | undefined> {
  const [row] = await queryRows<InviteRow>(
    db,
    sql`select ${INVITE_COLUMNS} from cohort_invites where cohort_id = ${cohortId} and id = ${inviteId}`,
  );
  return row;
}

export async function revokeInvite(db: Db, cohortId: string, inviteId: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`update cohort_invites set revoked_at = coalesce(revoked_at, now())
        where cohort_id = ${cohortId} and id = ${inviteId} returning id`,
  );
  return rows.length > 0;
}

export async function findInviteByHash(db: Db, tokenHash: string): Promise<InviteRow | undefined> {
  const [row] = await queryRows<InviteRow>(
    db,
    sql`select ${INVITE_COLUMNS} from cohort_invites where token_hash = ${tokenHash}`,
  );
  return row;
}

/**
 * Joins with an invitation in one statement: the use is counted only while the invitation is
 * live (not revoked, not expired, not used up — checked in the same UPDATE, so two people racing
 * for the last use cannot both get it), and only for someone not yet in the cohort.
 * `joined` is null when the invitation is not live; `existing` is the role of one already in.
 */
export async function join(db: Db, tokenHash: string, userId: string, now: Date) {
  const at = now.toISOString();
  const [row] = await queryRows<{
    cohort_id: string;
    existing: CohortRole | null;
    joined: CohortRole | null;
  }>(
    db,
    sql`
    with i as (select * from cohort_invites where token_hash = ${tokenHash}),
    existing as (select m.role from cohort_members m join i on i.cohort_id = m.cohort_id where m.user_id = ${userId}),
    used as (
      update cohort_invites set uses = uses + 1
      where id = (select id from i) and not exists (select 1 from existing)
        and revoked_at is null and expires_at > ${at}::timestamptz and (max_uses is null or uses < max_uses)
      returning cohort_id, role
    ),
    added as (
      insert into cohort_members (cohort_id, user_id, role) select cohort_id, ${userId}, role from used
      on conflict do nothing
      returning role
    )
    select i.cohort_id, (select role from existing) as existing, (select role from added) as joined from i`,
  );
  return row;
}

// ---------------------------------------------------------------------------------------------
// Nudges

export async function nudgesSince(db: Db, fromUserId: string, since: Date) {
  return queryRows<{ to_user_id: string; created_at: string | Date }>(
    db,
    sql`select to_user_id, created_at from cohort_nudges
        where from_user_id = ${fromUserId} and created_at > ${since.toISOString()}::timestamptz
        order by created_at`,
  );
}

export async function insertNudge(
  db: Db,
  input: { cohortId: string; fromUserId: string; toUserId: string; message: string },
) {
  const [row] = await queryRows<{ id: string; created_at: string | Date }>(
    db,
    sql`insert into cohort_nudges (cohort_id, from_user_id, to_user_id, message)
        values (${input.cohortId}, ${input.fromUserId}, ${input.toUserId}, ${input.message})
        returning id, created_at`,
  );
  return row!;
}

/** Every cohort the user is in, and nudges sent and received: for their data export. */
export async function exportRows(db: Db, userId: string) {
  const memberships = await queryRows<{
    cohort_id: string;
    name: string;
    role: CohortRole;
    joined_at: string | Date;
    leaderboard: boolean;
  }>(
    db,
    sql`select m.cohort_id, c.name, m.role, m.joined_at, m.leaderboard
        from cohort_members m join cohorts c on c.id = m.cohort_id
        where m.user_id = ${userId} order by m.joined_at`,
  );
  const nudges = await queryRows<{
    cohort_id: string;
    direction: 'sent' | 'received';
    message: string;
    created_at: string | Date;
  }>(
    db,
    sql`select cohort_id, case when from_user_id = ${userId} then 'sent' else 'received' end as direction,
               message, created_at
        from cohort_nudges where from_user_id = ${userId} or to_user_id = ${userId} order by created_at`,
  );
  return { memberships, nudges };
}

/** The cohorts whose owners and mentors watch this user's activity (the live dashboard). */
export async function cohortsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await queryRows<{ cohort_id: string }>(
    db,
    sql`select cohort_id from cohort_members where user_id = ${userId}`,
  );
  return rows.map((r) => r.cohort_id);
}
