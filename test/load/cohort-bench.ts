// `DATABASE_URL=… npm run bench -- --cohort`: the mentor view (GET /api/v1/cohorts/{id}/members)
// of a cohort of 500 members on the 3 bundled roadmaps, on PostgreSQL, against a bare Fastify
// route calling the same repo function with the same arguments in the same process, on the same
// pool (test/load/bench-server.ts). Issue 15: one SQL statement per page, p99 under 50 ms, the
// route at least 0.8 × the bare route's throughput — judged with one mentor at a time; with
// `--connections` (4) at once, shown beside it.
//
// DATABASE_URL names the server and credentials; the bench drops and recreates a database of its
// own on it (`waymark_bench_cohort`, or COHORT_BENCH_DB) and leaves it there afterwards, for
// EXPLAIN. The seed is one signup and one cohort through the API, then set-based INSERTs.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { openPostgres, queryRows, type Db } from '../../src/server/db/client.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';
import * as cohortRepo from '../../src/server/modules/cohorts/repo.ts';
import { databaseUrlFor } from '../helpers/postgres.ts';
import { childEnv, freePort, ROOT } from '../helpers/process.ts';
import { alternate, resultTable, stop, timeToFirst200 } from './harness.ts';

const MEMBERS = 500;
const ROADMAPS = ['backend-developer', 'git-essentials', 'linux-command-line'];
const PAGE = 100;
const ROUNDS = 3;
/** Issue 15's targets. */
const P99_MS = 50;
const RATIO = 0.8;

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Kay'];
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'America/Sao_Paulo'];

const textArray = (items: string[]) => `{${items.map((s) => `"${s}"`).join(',')}}`;

/** Users, memberships, progress and 14 days of study sessions for `MEMBERS` members. */
async function seed(client: pg.Client, cohortId: string) {
  await client.query('select setseed(0.15)'); // the same cohort every run
  await client.query(
    `insert into users (email, display_name, email_verified_at, timezone, daily_goal_minutes, streak_freezes, created_at)
     select 'cohort-member-' || g || '@example.com',
            ($2::text[])[1 + g % array_length($2::text[], 1)] || ' ' ||
              ($3::text[])[1 + (g * 7) % array_length($3::text[], 1)] || ' ' || g,
            now(), ($4::text[])[1 + g % array_length($4::text[], 1)],
            (array[15, 20, 30, 45, 60])[1 + (g * 3) % 5], g % 4 <> 0, now() - interval '60 days'
     from generate_series(1, $1::int) g`,
    [MEMBERS, textArray(FIRST), textArray(LAST), textArray(ZONES)],
  );
  // Most joined weeks ago, some this week.
  await client.query(
    `insert into cohort_members (cohort_id, user_id, role, leaderboard, joined_at)
     select $1, id, 'member', random() < 0.3, now() - (1 + random() * 40) * interval '1 day'
     from users where email like 'cohort-member-%'`,
    [cohortId],
  );
  // Per member × roadmap how far along (f: none, some, all) and whether their current step has
  // sat in progress for over a week.
  await client.query(
    `create temp table bench_pace as
     select user_id, roadmap_id,
            case when x < 0.12 then 0.0 when x > 0.93 then 1.0 else y end as f, z < 0.05 as stale
     from (select cm.user_id, cr.roadmap_id, random() as x, random() as y, random() as z
           from cohort_members cm join cohort_roadmaps cr on cr.cohort_id = cm.cohort_id
           where cm.cohort_id = $1 and cm.role = 'member') t`,
    [cohortId],
  );
  await client.query(
    `create temp table bench_steps as
     select id, roadmap_id, required,
            row_number() over (partition by roadmap_id order by position) - 1 as k,
            count(*) over (partition by roadmap_id) as n
     from steps where retired_at is null
       and roadmap_id in (select roadmap_id from cohort_roadmaps where cohort_id = $1)`,
    [cohortId],
  );
  // The steps before the member's point are done (an optional one skipped now and then), the
  // one at it in progress; the rest have no row (todo).
  await client.query(
    `insert into progress (user_id, step_id, roadmap_id, status, updated_at, completed_at)
     select user_id, id, roadmap_id, status, at, case when status = 'done' then at end
     from (
       select p.user_id, s.id, s.roadmap_id,
              case when s.k = floor(p.f * s.n) then 'in_progress'
                   when not s.required and random() < 0.2 then 'skipped' else 'done' end as status,
              case when s.k = floor(p.f * s.n) and p.stale then now() - (8 + random() * 10) * interval '1 day'
                   when s.k = floor(p.f * s.n) then now() - random() * 6 * interval '1 day'
                   else now() - (1 + (s.n - s.k) * (0.5 + random())) * interval '1 day' end as at
       from bench_pace p join bench_steps s on s.roadmap_id = p.roadmap_id
       where s.k <= floor(p.f * s.n)
     ) t`,
  );
  // Study time: some members idle, the others on a share of the last 14 local days.
  await client.query(
    `create temp table bench_activity as
     select user_id, case when random() < 0.15 then 0 else 0.2 + random() * 0.7 end as p
     from cohort_members where cohort_id = $1 and role = 'member'`,
    [cohortId],
  );
  await client.query(
    `insert into study_sessions (user_id, date, minutes, roadmap_id, created_at)
     select a.user_id, (now() at time zone u.timezone)::date - d, 10 + floor(random() * 80)::int,
            (select roadmap_id from cohort_roadmaps where cohort_id = $1
             order by position offset floor(random() * 3)::int limit 1),
            now() - d * interval '1 day' - random() * interval '8 hours'
     from bench_activity a join users u on u.id = a.user_id cross join generate_series(0, 13) d
     where random() < a.p`,
    [cohortId],
  );
  await client.query('analyze');
  const { rows } = await client.query<{ progress: number; sessions: number; statuses: string }>(
    `select (select count(*)::int from progress) as progress, (select count(*)::int from study_sessions) as sessions,
            (select string_agg(status || ' ' || n, ', ' order by status)
             from (select status, count(*) as n from progress group by status) s) as statuses`,
  );
  return rows[0]!;
}

export async function cohortBench(options: { duration: number; connections: number }): Promise<number> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('--cohort runs on PostgreSQL: set DATABASE_URL.');
  const name = process.env.COHORT_BENCH_DB ?? 'waymark_bench_cohort';
  if (!/^[a-z_][a-z0-9_]*$/.test(name) || name === 'test' || name === 'postgres')
    throw new Error(`not a database the bench may drop and recreate: ${name}`);
  const benchUrl = databaseUrlFor(serverUrl, name);
  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();

  const { duration, connections } = options;
  const keys = generateKeyPair();
  const port = await freePort();
  const barePort = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-bench-'));
  const server = spawn(
    process.execPath,
    ['--import', './src/server/preload.ts', 'test/load/bench-server.ts'],
    {
      cwd: ROOT,
      env: childEnv({
        DATABASE_URL: benchUrl,
        PORT: String(port),
        BARE_PORT: String(barePort),
        WAYMARK_DATA_DIR: dataDir,
        RATE_LIMIT_PER_MINUTE: '0',
        AUTH_RATE_LIMIT_PER_MINUTE: '0',
        NODE_ENV: 'production',
        JWT_PRIVATE_KEY: keys.privateKeyPem,
        JWT_PUBLIC_KEY: keys.publicKeyPem,
        ACCESS_TOKEN_TTL_SECONDS: '900',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      }),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const db = openPostgres({ url: benchUrl, poolSize: 2 });
  const seeder = new pg.Client({ connectionString: benchUrl });
  const table = resultTable(66);
  try {
    const base = `http://127.0.0.1:${port}`;
    const bareBase = `http://127.0.0.1:${barePort}`;
    await timeToFirst200(`${base}/healthz`, server, performance.now());
    await timeToFirst200(`${bareBase}/cohorts/00000000-0000-0000-0000-000000000000/members`, server, 0);

    // The owner and the cohort through the API (the server migrated and imported the roadmaps).
    const post = async <T>(url: string, body: object, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const owner = await post<{ accessToken: string }>('/api/v1/auth/signup', {
      email: 'cohort-owner@example.com',
      password: 'a benchmark passphrase',
      displayName: 'Bench Owner',
    });
    const auth = { authorization: `Bearer ${owner.accessToken}` };
    const cohort = await post<{ id: string }>(
      '/api/v1/cohorts',
      { name: 'Bench cohort', roadmapSlugs: ROADMAPS, endsOn: '2099-12-31' },
      auth,
    );
    const started = performance.now();
    await seeder.connect();
    const seeded = await seed(seeder, cohort.id);
    console.log(
      `\nCohort bench — PostgreSQL (${name}), 1 cohort × ${MEMBERS} members × ${ROADMAPS.length} roadmaps, 1 and ${connections} connections, ${duration} s per route per scenario in ${ROUNDS} alternating runs`,
    );
    console.log(`node ${process.version}, ${os.cpus().length} cores`);
    console.log(
      `seeded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${seeded.progress} progress rows (${seeded.statuses}), ${seeded.sessions} study sessions over 14 days`,
    );
    const about = await fetch(`${base}/api/v1/cohorts/${cohort.id}`, { headers: auth }).then(
      (r) =>
        r.json() as Promise<{ summary: { memberCount: number; medianPercent: number; stuckCount: number } }>,
    );
    console.log(
      `cohort summary: ${about.summary.memberCount} members, median ${about.summary.medianPercent} %, ${about.summary.stuckCount} stuck`,
    );

    // One statement per page: the repo function's statements, counted; then that one explained.
    const statements: SQL[] = [];
    const counting = new Proxy(db.primary, {
      get(target, property, receiver) {
        if (property === 'execute')
          return (query: SQL) => {
            statements.push(query);
            return target.execute(query);
          };
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Db;
    const scenarios = [
      { label: `limit=${PAGE} (sort=name)`, query: `limit=${PAGE}` },
      {
        label: `limit=${PAGE}&sort=progress&filter=stuck`,
        query: `limit=${PAGE}&sort=progress&filter=stuck`,
      },
    ];
    console.log('\n— the statement (EXPLAIN (ANALYZE, BUFFERS), warm, once)');
    for (const [sort, filter] of [
      ['name', 'all'],
      ['progress', 'stuck'],
    ] as const) {
      const page = { sort, desc: false, filter, limit: PAGE + 1, after: undefined };
      await cohortRepo.memberPage(db.primary, cohort.id, new Date(), page);
      statements.length = 0;
      const rows = await cohortRepo.memberPage(counting, cohort.id, new Date(), page);
      if (statements.length !== 1)
        throw new Error(`memberPage ran ${statements.length} statements for a page`);
      const plan = await queryRows<{ 'QUERY PLAN': string }>(
        db.primary,
        sql`explain (analyze, buffers) ${statements[0]!}`,
      );
      const lines = plan.map((r) => r['QUERY PLAN']);
      const buffers = lines.find((l) => /^\s*Buffers:/.test(l))?.trim() ?? '';
      const timing = lines.filter((l) => /^(Planning|Execution) Time/.test(l)).join(', ');
      console.log(
        `sort=${sort} filter=${filter}: 1 statement, ${rows.length} rows; ${timing}; top ${buffers || 'no buffers line'}`,
      );
    }

    // Both answer the same people in the same order.
    for (const { query } of scenarios) {
      const [ours, bare] = await Promise.all([
        fetch(`${base}/api/v1/cohorts/${cohort.id}/members?${query}`, { headers: auth }).then(async (r) => {
          if (r.status !== 200) throw new Error(`mentor view: ${r.status} ${await r.text()}`);
          return (await r.json()) as { items: { userId: string }[] };
        }),
        fetch(`${bareBase}/cohorts/${cohort.id}/members?${query}`).then(
          (r) => r.json() as Promise<{ user_id: string }[]>,
        ),
      ]);
      const same = ours.items.every((m, i) => m.userId === bare[i]?.user_id);
      if (!same || ours.items.length === 0)
        throw new Error(`the mentor view and the bare route disagree on ${query}`);
    }

    // The targets are judged one mentor at a time: the page's own latency, and what Waymark's work
    // around the statement costs. With `connections` at once the two cores (shared by PostgreSQL,
    // the server and the load generator) are saturated, and p99 is mostly waiting in line: shown,
    // not judged.
    const verdicts: string[] = [];
    console.log(`
— the mentor view (authenticated, validated, streaks, logged) vs the repo function alone`);
    table.header();
    for (const concurrency of [...new Set([1, connections])]) {
      for (const { label, query } of scenarios) {
        const subject = {
          url: `${base}/api/v1/cohorts/${cohort.id}/members?${query}`,
          headers: auth,
          connections: concurrency,
        };
        const baseline = {
          url: `${bareBase}/cohorts/${cohort.id}/members?${query}`,
          connections: concurrency,
        };
        const r = await alternate(subject, baseline, duration, ROUNDS);
        const at = `${label}, ${concurrency} conn`;
        table.row(`bare Fastify: memberPage, ${at}`, r.baseline);
        table.row(`GET /cohorts/{id}/members?${at}`, r.subject);
        const judged = concurrency === 1;
        const pass = r.subject.p99 < P99_MS && r.ratio >= RATIO;
        const verdict = `${judged ? (pass ? 'PASS' : 'FAIL') : 'info'}  ${at}: p99 ${r.subject.p99.toFixed(1)} ms (target < ${P99_MS}), ratio ${r.ratio} (target ≥ ${RATIO})`;
        console.log(verdict);
        verdicts.push(verdict);
      }
    }
    console.log('');
    for (const v of verdicts) console.log(v);
  } finally {
    await seeder.end().catch(() => {});
    await db.close();
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(`(the database ${name} is left for EXPLAIN; the next run recreates it)`);
  return table.failed;
}
