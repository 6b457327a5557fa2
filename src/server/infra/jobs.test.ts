// The job queue's guarantees, with real workers (pg-boss on this run's database) and real SMTP:
// a failing job is retried with growing delays and ends in the dead-letter queue, where an admin
// sees it and sends it back; a graceful shutdown lets a running job finish. (A job surviving
// kill -9, and running once across two instances, is in test/scale/reminders.test.ts.)
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { signUp } from '../../../test/helpers/auth.ts';
import type { JobRun } from './jobs.ts';

const FAST = { JOB_RETRY_DELAY_SECONDS: '1', JOB_RETRY_LIMIT: '2', JOB_POLL_SECONDS: '1' };

/** Polls `check` until it returns something truthy (the queue works at its own pace). */
async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A real SMTP server that accepts every mail but reminders, which it treats as `reminders` says:
 * refuse them (451, a temporary failure, as a busy mail server would) or accept them slowly.
 */
async function smtpSink(reminders: 'refuse' | 'slow') {
  const seen = { started: 0, delivered: 0 };
  let started!: () => void;
  const reminderArrived = new Promise<void>((r) => (started = r));
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        if (!/^Subject: .*today's goal/m.test(raw)) return callback();
        seen.started++;
        started();
        if (reminders === 'refuse') {
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        // Accepted only a while after it arrived: the job is mid-send meanwhile.
        setTimeout(() => {
          seen.delivered++;
          callback();
        }, 1500);
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    seen,
    reminderArrived,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function verifiedLearner(t: TestApp) {
  const me = await signUp(t.app);
  await t.app.services.users.markEmailVerified(me.user.id);
  return me;
}

const apps: TestApp[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const t of apps) await t.close();
  for (const cleanup of cleanups) await cleanup();
});

describe('a failing job', () => {
  it('is retried with growing delays, dead-lettered, shown to admins and sent back', async () => {
    const smtp = await smtpSink('refuse');
    const t = await createTestApp({ ...FAST, SMTP_URL: smtp.url });
    apps.push(t);
    cleanups.push(smtp.close);
    const runs: Array<JobRun & { at: number }> = [];
    t.app.services.jobs.onRun((run) => runs.push({ ...run, at: Date.now() }));
    const me = await verifiedLearner(t);
    const admin = await signUp(t.app);
    await t.app.services.users.setRole(admin.user.id, 'admin');

    const sent = await t.app.inject({ method: 'POST', url: '/api/v1/me/reminder/test', headers: me.auth });
    expect(sent.statusCode).toBe(202);
    const overview = await eventually(async () => {
      const res = await t.app.inject({ url: '/api/v1/admin/jobs', headers: admin.auth });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      return body.dead.length > 0 && body;
    }, 'the job to reach the dead-letter queue');

    // One attempt and two retries, each later than the last by more.
    const failed = runs.filter((r) => r.queue === 'deliver' && r.outcome === 'failed');
    expect(failed).toHaveLength(3);
    const gaps = [failed[1]!.at - failed[0]!.at, failed[2]!.at - failed[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1900);

    const [dead] = overview.dead;
    expect(dead).toMatchObject({ queue: 'deliver', data: { channel: 'email', userId: me.user.id } });
    expect(dead.data).not.toHaveProperty('mail'); // its text holds the unsubscribe link
    expect(dead.error).toMatch(/451/);
    expect(smtp.seen.started).toBe(3);
    expect(
      overview.queues.find((q: { queue: string }) => q.queue === 'dead-letter').queued,
    ).toBeGreaterThanOrEqual(0);

    // Learners may not look; the admin sends it back, and it is no longer dead.
    expect((await t.app.inject({ url: '/api/v1/admin/jobs', headers: me.auth })).statusCode).toBe(403);
    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/jobs/${dead.id}/retry`,
      headers: admin.auth,
    });
    expect(retried.statusCode).toBe(202);
    const after = (await t.app.inject({ url: '/api/v1/admin/jobs', headers: admin.auth })).json();
    expect(after.dead.map((d: { id: string }) => d.id)).not.toContain(dead.id);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/jobs/${dead.id}/retry`,
      headers: admin.auth,
    });
    expect(again.statusCode).toBe(404);

    // Operators see the same in /metrics.
    const metrics = (await t.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).body;
    expect(metrics).toMatch(/waymark_job_runs_total\{queue="deliver",outcome="failed"\} [3-9]/);
    expect(metrics).toMatch(/waymark_jobs\{queue="deliver",state="(queued|deferred|active)"\}/);
    expect(metrics).toMatch(/waymark_job_latency_seconds_count\{queue="deliver"\} \d+/);
  }, 120_000);
});

describe('a graceful shutdown', () => {
  it('lets a running job finish before the app closes', async () => {
    const smtp = await smtpSink('slow');
    cleanups.push(smtp.close);
    const t = await createTestApp({ ...FAST, SMTP_URL: smtp.url });
    const runs: JobRun[] = [];
    t.app.services.jobs.onRun((run) => runs.push(run));
    const me = await verifiedLearner(t);
    const sent = await t.app.inject({ method: 'POST', url: '/api/v1/me/reminder/test', headers: me.auth });
    expect(sent.statusCode).toBe(202);
    await smtp.reminderArrived;
    expect(smtp.seen.delivered).toBe(0);
    await t.close();
    expect(smtp.seen.delivered).toBe(1);
    expect(runs).toContainEqual(expect.objectContaining({ queue: 'deliver', outcome: 'completed' }));
  }, 120_000);
});
