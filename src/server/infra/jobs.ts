// The job queue: pg-boss, in the same database as everything else (PGlite through pg-boss's own
// adapter, or PostgreSQL through a small pool of its own). Work that must survive a crash or
// run at a given time goes here: reminders, digests, their deliveries. A job is claimed with
// SELECT … FOR UPDATE SKIP LOCKED, so with several instances each job runs on one of them; it
// is retried with exponential backoff, and a job out of retries is copied to the dead-letter
// queue, where an admin sees it (`waymark jobs list`, the admin page) and can send it back.
//
// pg-boss keeps its tables in the `jobs` schema, installed by `Database.migrate()` (so the
// template every new database is copied from already holds them, and the CLI can read them).
import { createHash } from 'node:crypto';
import { PgBoss, type ConstructorOptions, type JobResult, type JobWithMetadata } from 'pg-boss';

export const JOBS_SCHEMA = 'jobs';

export const QUEUES = {
  /** A learner's reminder or digest came due: decide, then hand the message to `deliver`. */
  notification: 'notification',
  /** One message on one channel (email or push), retried on its own. */
  deliver: 'deliver',
  /** Every few minutes: make sure each learner with reminders has their next one queued. */
  sweep: 'notification-sweep',
  /** One webhook delivery: retried with backoff for about a day (its own retry limit). */
  webhook: 'webhook',
  /** Jobs out of retries, kept for an admin to read and send back. */
  dead: 'dead-letter',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobsOptions {
  /** pg-boss's connection: `Database.jobsConnection`. */
  connection: Pick<ConstructorOptions, 'db' | 'backend' | 'connectionString' | 'max'>;
  /** Seconds before the first retry; it doubles (with jitter) after each failure. */
  retryDelaySeconds: number;
  retryLimit: number;
  /** Queues with a retry limit of their own (webhooks retry for a day, not minutes). */
  retryLimits?: Partial<Record<QueueName, number>>;
  /** How often an idle worker looks for due jobs. */
  pollSeconds: number;
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface JobRun {
  queue: string;
  outcome: 'completed' | 'failed';
  /** Seconds from when the job was due (its start-after time) to when it finished. */
  latencySeconds: number;
  runSeconds: number;
}

export interface DeadJob {
  id: string;
  queue: string;
  data: unknown;
  error: string | null;
  failedAt: string;
}

export interface QueueCount {
  queue: string;
  queued: number;
  deferred: number;
  active: number;
  failed: number;
}

/** What a handler may say about one job: by default it completed. */
export type Handler<T> = (
  data: T,
  job: { id: string; retryCount: number; startAfter: Date },
) => Promise<void>;

/** A job id from a key: sending the same key twice makes one job (pg-boss ignores the second). */
export function jobId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  // An RFC 9562 version 8 (custom) UUID: the version and variant bits set, the rest the hash.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface Jobs {
  readonly boss: PgBoss;
  /** Queues a job; with `key`, at most once per key (returns null for a repeat). */
  send(queue: QueueName, data: object, options?: { key?: string; startAfter?: Date }): Promise<string | null>;
  /** Queues many jobs at once (the sweep, the bench). */
  sendMany(queue: QueueName, jobs: Array<{ data: object; key: string; startAfter?: Date }>): Promise<void>;
  /** Runs `handler` for each job of `queue` on this instance (batches settled job by job). */
  work<T>(queue: QueueName, handler: Handler<T>, options?: { batchSize?: number }): Promise<void>;
  /** Runs `queue` on `cron` (UTC), once per occurrence across every instance. */
  schedule(queue: QueueName, cron: string): Promise<void>;
  onRun(listener: (run: JobRun) => void): void;
  counts(): Promise<QueueCount[]>;
  dead(limit: number): Promise<DeadJob[]>;
  /** Sends a dead-lettered job back to the queue it failed in; false when there is no such job. */
  retry(id: string): Promise<boolean>;
  /** Stops taking jobs and waits up to `timeoutMs` for running ones; the rest are handed back. */
  stop(timeoutMs: number): Promise<void>;
}

function queueOptions(options: JobsOptions, queue: QueueName) {
  return {
    retryLimit: options.retryLimits?.[queue] ?? options.retryLimit,
    retryDelay: options.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: 3600,
    deadLetter: QUEUES.dead,
    // A job still active after this long is taken to have died with its instance and is retried.
    expireInSeconds: 300,
  };
}

/** Installs or upgrades pg-boss's tables and our queues (from `Database.migrate()`). */
export async function installJobs(connection: JobsOptions['connection']): Promise<void> {
  const boss = new PgBoss({ ...connection, schema: JOBS_SCHEMA, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.stop({ graceful: false, close: true });
}

export async function createJobs(options: JobsOptions): Promise<Jobs> {
  const boss = new PgBoss({
    ...options.connection,
    schema: JOBS_SCHEMA,
    // The schema is migrate()'s business; a stale one is an error at start, not a surprise.
    migrate: false,
    createSchema: false,
  });
  boss.on('error', (err) => options.log.error({ err }, 'job queue error'));
  boss.on('warning', (warning) => options.log.warn({ warning }, 'job queue warning'));
  await boss.start();
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  if (!existing.has(QUEUES.dead)) {
    await boss.createQueue(QUEUES.dead, { retryLimit: 0, deleteAfterSeconds: 30 * 86_400 });
  }
  for (const name of [QUEUES.notification, QUEUES.deliver, QUEUES.sweep, QUEUES.webhook]) {
    if (existing.has(name)) await boss.updateQueue(name, queueOptions(options, name));
    else await boss.createQueue(name, queueOptions(options, name));
  }

  const listeners: Array<(run: JobRun) => void> = [];
  const emit = (run: JobRun) => {
    for (const listener of listeners) listener(run);
  };

  return {
    boss,
    async send(queue, data, sendOptions = {}) {
      return boss.send(queue, data, {
        ...(sendOptions.key ? { id: jobId(sendOptions.key) } : {}),
        ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
      });
    },
    async sendMany(queue, jobs) {
      if (jobs.length === 0) return;
      await boss.insert(
        queue,
        jobs.map((job) => ({
          id: jobId(job.key),
          data: job.data,
          ...(job.startAfter ? { startAfter: job.startAfter } : {}),
        })),
      );
    },
    async work<T>(queue: QueueName, handler: Handler<T>, workOptions: { batchSize?: number } = {}) {
      await boss.work(
        queue,
        {
          batchSize: workOptions.batchSize ?? 10,
          includeMetadata: true,
          perJobResults: true,
          pollingIntervalSeconds: options.pollSeconds,
          burstWhenBatchFull: true,
        } as const,
        async (batch: JobWithMetadata<T>[]) =>
          Promise.all(
            batch.map(async (job) => {
              const started = Date.now();
              let outcome: JobRun['outcome'] = 'completed';
              let output: object | undefined;
              try {
                await handler(job.data, {
                  id: job.id,
                  retryCount: job.retryCount,
                  startAfter: job.startAfter,
                });
              } catch (err) {
                outcome = 'failed';
                // Stored on the job for `waymark jobs list`: the message only, never a stack.
                output = { message: err instanceof Error ? err.message : String(err) };
                options.log.warn({ err, queue, jobId: job.id, retryCount: job.retryCount }, 'job failed');
              }
              const finished = Date.now();
              emit({
                queue,
                outcome,
                latencySeconds: Math.max(0, finished - job.startAfter.getTime()) / 1000,
                runSeconds: (finished - started) / 1000,
              });
              return { id: job.id, status: outcome, ...(output ? { output } : {}) } satisfies JobResult;
            }),
          ),
      );
    },
    async schedule(queue, cron) {
      await boss.schedule(queue, cron, {}, { tz: 'UTC' });
    },
    onRun(listener) {
      listeners.push(listener);
    },
    async counts() {
      const queues = await boss.getQueues(Object.values(QUEUES));
      return queues.map((q) => ({
        queue: q.name,
        queued: q.readyCount,
        deferred: q.deferredCount,
        active: q.activeCount,
        failed: q.failedCount,
      }));
    },
    async dead(limit) {
      // Oldest first; the failure's message is on the original job, which the copy names.
      const jobs = await boss.findJobs<Record<string, unknown>>(QUEUES.dead, { limit });
      return Promise.all(
        jobs.map(async (job) => {
          const source =
            job.sourceName && job.sourceId ? await boss.getJobById(job.sourceName, job.sourceId) : null;
          return {
            id: job.id,
            queue: job.sourceName ?? 'unknown',
            data: job.data,
            error: errorOf(source?.output ?? job.output),
            failedAt: job.createdOn.toISOString(),
          };
        }),
      );
    },
    async retry(id) {
      const moved = await boss.redrive(QUEUES.dead, { ids: [id] });
      return moved > 0;
    },
    async stop(timeoutMs) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}

function errorOf(output: unknown): string | null {
  if (output && typeof output === 'object' && 'message' in output) return String(output.message);
  return null;
}
