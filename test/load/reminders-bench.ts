// `DATABASE_URL=… npm run bench -- --reminders`: 10,000 learners whose reminders fall due in the
// same minute, on PostgreSQL, in one Waymark process (the real app: its sweep, its workers, the
// outbox mailer, which writes each mail to the database).
//
//   enqueue    the sweep queuing all 10,000 (reading the learners, computing each due time,
//              inserting the jobs) vs pg-boss inserting 10,000 bare jobs (the queue's floor)
//   due → sent from the minute they fall due to each mail written, through both hops
//              (notification → deliver) vs the same two hops of no-op jobs on the same queue
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { openPostgres } from '../../src/server/db/client.ts';
import { createMemoryCache } from '../../src/server/infra/cache.ts';
import { createOutboxMailer, type Mailer } from '../../src/server/infra/mailer.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';
import { databaseUrlFor } from '../helpers/postgres.ts';

const LEARNERS = 10_000;
const BATCH = 20;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** The next whole minute at least `leadMs` away. */
const minuteAhead = (leadMs: number) => new Date(Math.ceil((Date.now() + leadMs) / 60_000) * 60_000);

async function until(check: () => boolean, what: string, timeoutMs = 20 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function summary(label: string, dueAt: number, times: number[]) {
  const latencies = times.map((t) => (t - dueAt) / 1000).sort((a, b) => a - b);
  const drain = latencies.at(-1)!;
  console.log(
    `${label.padEnd(36)} p50 ${percentile(latencies, 0.5).toFixed(1).padStart(6)} s   p99 ${percentile(latencies, 0.99).toFixed(1).padStart(6)} s   last ${drain.toFixed(1).padStart(6)} s   ${(times.length / drain).toFixed(0).padStart(5)} sent/s`,
  );
  return drain;
}

export async function remindersBench(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('--reminders runs on PostgreSQL: set DATABASE_URL.');
  const name = `waymark_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const db = openPostgres({ url: databaseUrlFor(adminUrl, name), poolSize: 10 });
  try {
    await db.migrate();
    const keys = generateKeyPair();
    const config = loadConfig({
      NODE_ENV: 'test',
      JWT_PRIVATE_KEY: keys.privateKeyPem,
      JWT_PUBLIC_KEY: keys.publicKeyPem,
      JOB_POLL_SECONDS: '1',
    });
    const sent: number[] = [];
    const outbox = createOutboxMailer({ db: db.primary, logText: false });
    const mailer: Mailer = {
      async send(mail) {
        await outbox.send(mail);
        sent.push(Date.now());
      },
      close() {},
    };
    const app = await buildApp({ config, db, cache: createMemoryCache(), logger: false, mailer });
    const boss = app.services.jobs.boss;
    console.log(
      `\nReminders bench — PostgreSQL, ${LEARNERS} learners due in the same minute, one process, batches of ${BATCH}`,
    );

    // The baseline: two hops of no-op jobs, due together, on the same queue and workers' settings.
    await boss.createQueue('bench-first');
    await boss.createQueue('bench-second');
    const bare: number[] = [];
    await boss.work(
      'bench-first',
      { batchSize: BATCH, pollingIntervalSeconds: 1, burstWhenBatchFull: true },
      async (jobs) => {
        await boss.insert(
          'bench-second',
          jobs.map((j) => ({ data: j.data as object })),
        );
      },
    );
    await boss.work(
      'bench-second',
      { batchSize: BATCH, pollingIntervalSeconds: 1, burstWhenBatchFull: true },
      async (jobs) => {
        for (let i = 0; i < jobs.length; i++) bare.push(Date.now());
      },
    );
    const bareDue = minuteAhead(20_000);
    let started = performance.now();
    await boss.insert(
      'bench-first',
      Array.from({ length: LEARNERS }, (_, i) => ({ data: { i }, startAfter: bareDue })),
    );
    const bareEnqueue = (performance.now() - started) / 1000;
    await until(() => bare.length >= LEARNERS, 'the bare jobs');
    console.log(
      `${'enqueue: pg-boss insert of bare jobs'.padEnd(36)} ${(LEARNERS / bareEnqueue).toFixed(0).padStart(6)} jobs/s`,
    );
    const bareDrain = summary('due → done: two no-op hops', bareDue.getTime(), bare);

    // Waymark: 10,000 learners with a reminder at the same minute, queued by the sweep.
    const due = minuteAhead(30_000);
    const localTime = due.toISOString().slice(11, 16);
    await db.primary.execute(sql`
      insert into users (email, display_name, email_verified_at, reminder)
      select 'bench-' || g || '@example.com', 'Bench Learner', now(),
             jsonb_build_object('enabled', true, 'localTime', ${localTime}::text,
               'days', '["mon","tue","wed","thu","fri","sat","sun"]'::jsonb, 'channels', '["email"]'::jsonb)
      from generate_series(1, ${LEARNERS}) g`);
    started = performance.now();
    const queued = await app.services.reminders.sweep();
    const enqueue = (performance.now() - started) / 1000;
    if (queued !== LEARNERS) throw new Error(`the sweep queued ${queued} jobs, not ${LEARNERS}`);
    console.log(
      `${'enqueue: the sweep (Waymark)'.padEnd(36)} ${(LEARNERS / enqueue).toFixed(0).padStart(6)} jobs/s   ratio ${(bareEnqueue / enqueue).toFixed(2)}`,
    );
    await until(() => sent.length >= LEARNERS, 'the reminders');
    const drain = summary('due → sent: reminders (Waymark)', due.getTime(), sent);
    console.log(`ratio of drain times (no-op hops / Waymark) ${(bareDrain / drain).toFixed(2)}`);
    await app.close();
  } finally {
    await db.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
