// The job queue across processes, for real: 200 learners' reminders queued through two Waymark
// instances on one PostgreSQL, both instances killed with SIGKILL before the reminders are due,
// both started again — and every learner gets exactly one mail, at a real SMTP server here.
// Alongside, the same kill -9 and restart for one instance on PGlite.
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { childEnv, freePort, processes, run, SERVER, waitForOk, type Running } from '../helpers/process.ts';
import { removeDir } from '../helpers/temp.ts';

if (!process.env.DATABASE_URL) throw new Error('The multi-instance test needs DATABASE_URL (PostgreSQL).');

const LEARNERS = 200;
const PASSWORD = 'a reminder test passphrase';
const keys = generateKeyPair();
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let smtp: SMTPServer;
let smtpUrl: string;
/** Reminder mails received, by recipient. */
const received = new Map<string, number>();
/** The other mails (address confirmations), raw. */
const otherMail: Array<{ to: string; raw: string }> = [];
const running: Running[] = [];
let pgliteDir: string;

function startWaymark(env: Record<string, string>) {
  const proc = run(SERVER, childEnv({ ...env, SMTP_URL: smtpUrl, JOB_POLL_SECONDS: '1' }));
  running.push(proc);
  return proc;
}

async function killHard(proc: Running) {
  proc.child.kill('SIGKILL');
  await proc.exited;
}

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        for (const to of session.envelope.rcptTo) {
          if (/^Subject: .*today's goal/m.test(raw))
            received.set(to.address, (received.get(to.address) ?? 0) + 1);
          else otherMail.push({ to: to.address, raw });
        }
        callback();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  pgliteDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-reminders-'));
});

afterAll(async () => {
  for (const p of running) p.child.kill('SIGTERM');
  await Promise.all(running.map((p) => p.exited));
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await db?.close();
  await removeDir(pgliteDir);
});

/** Signs a learner up through `base` and returns their access header. */
async function learner(base: string, email: string) {
  const res = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, displayName: 'Rem Learner' }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
}

async function remindAt(base: string, headers: Record<string, string>, localTime: string) {
  const res = await fetch(`${base}/api/v1/me`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({
      reminder: {
        enabled: true,
        localTime,
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        channels: ['email'],
      },
    }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** The first whole UTC minute at least `leadMs` from now, as HH:MM. */
function minuteAhead(leadMs: number) {
  const at = new Date(Math.ceil((Date.now() + leadMs) / 60_000) * 60_000);
  return at.toISOString().slice(11, 16);
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what} (${received.size} mailed)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('reminders on the job queue', () => {
  it(
    'survive kill -9 of every instance and reach each of 200 learners exactly once',
    async () => {
      const [portA, portB, portC] = [await freePort(), await freePort(), await freePort()];
      const pg = {
        DATABASE_URL: db.url!,
        NODE_ENV: 'production',
        JWT_PRIVATE_KEY: keys.privateKeyPem,
        JWT_PUBLIC_KEY: keys.publicKeyPem,
        RATE_LIMIT_PER_MINUTE: '0',
        AUTH_RATE_LIMIT_PER_MINUTE: '0',
        WAYMARK_DATA_DIR: pgliteDir, // unused on PostgreSQL
      };
      const lite = { ...pg, DATABASE_URL: '', WAYMARK_DATA_DIR: pgliteDir, PORT: String(portC) };
      const A = `http://127.0.0.1:${portA}`;
      const B = `http://127.0.0.1:${portB}`;
      const C = `http://127.0.0.1:${portC}`;
      let a = startWaymark({ ...pg, PORT: String(portA), PUBLIC_URL: A });
      let b = startWaymark({ ...pg, PORT: String(portB), PUBLIC_URL: A });
      let c = startWaymark({ ...lite, PUBLIC_URL: C });
      await Promise.all([
        waitForOk(`${A}/readyz`, a),
        waitForOk(`${B}/readyz`, b),
        waitForOk(`${C}/readyz`, c),
      ]);

      // Sign up through both instances, then confirm the addresses (mail goes only to those).
      const emails = Array.from({ length: LEARNERS }, (_, i) => `rem-${i}@example.com`);
      const sessions: Array<{ base: string; headers: Record<string, string> }> = [];
      for (let i = 0; i < LEARNERS; i += 10) {
        sessions.push(
          ...(await Promise.all(
            emails.slice(i, i + 10).map(async (email, j) => {
              const base = (i + j) % 2 === 0 ? A : B;
              return { base, headers: await learner(base, email) };
            }),
          )),
        );
      }
      const liteEmail = 'rem-pglite@example.com';
      const liteHeaders = await learner(C, liteEmail);
      await db.primary.execute(sql`update users set email_verified_at = now() where email like 'rem-%'`);
      // PGlite's directory belongs to its server: this learner confirms the way a person would.
      await until(() => otherMail.some((m) => m.to === liteEmail), 'the confirmation mail');
      // The text part is quoted-printable: undo its soft line breaks and escapes.
      const text = otherMail
        .find((m) => m.to === liteEmail)!
        .raw.replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      const token = decodeURIComponent(/verify-email\?token=(\S+)/.exec(text)![1]!);
      const confirmed = await fetch(`${C}/api/v1/auth/verify-email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(confirmed.status, await confirmed.clone().text()).toBeLessThan(300);

      // Everyone's reminder at the same minute, far enough ahead to queue them all and restart.
      const localTime = minuteAhead(60_000);
      for (let i = 0; i < LEARNERS; i += 20) {
        await Promise.all(sessions.slice(i, i + 20).map((s) => remindAt(s.base, s.headers, localTime)));
      }
      await remindAt(C, liteHeaders, localTime);
      const queued = await queryRows<{ n: number }>(
        db.primary,
        sql`select count(*)::int as n from jobs.job where name = 'notification' and state = 'created'`,
      );
      expect(queued[0]!.n).toBe(LEARNERS);

      // Every instance dies at once, before anything is due; then they come back.
      await Promise.all([killHard(a), killHard(b), killHard(c)]);
      expect(received.size).toBe(0);
      a = startWaymark({ ...pg, PORT: String(portA), PUBLIC_URL: A });
      b = startWaymark({ ...pg, PORT: String(portB), PUBLIC_URL: A });
      c = startWaymark({ ...lite, PUBLIC_URL: C });
      await Promise.all([
        waitForOk(`${A}/readyz`, a),
        waitForOk(`${B}/readyz`, b),
        waitForOk(`${C}/readyz`, c),
      ]);

      await until(
        () => emails.every((e) => received.has(e)) && received.has(liteEmail),
        `all ${LEARNERS + 1} reminders mailed`,
      );
      // Then until nothing due is left in either queue, so a duplicate would have had its chance.
      await until(async () => {
        const [left] = await queryRows<{ n: number }>(
          db.primary,
          sql`select count(*)::int as n from jobs.job
              where name in ('notification', 'deliver') and state in ('created', 'retry', 'active')
                and start_after <= now()`,
        );
        return left!.n === 0;
      }, 'the queues to drain');
      const duplicates = [...received].filter(([, n]) => n !== 1);
      expect(duplicates).toEqual([]);
      expect(emails.filter((e) => received.get(e) === 1)).toHaveLength(LEARNERS);

      // Which instance delivered how many (both take part; the split is the queue's business).
      const delivered = await Promise.all(
        [A, B].map(async (base) => {
          const text = await fetch(`${base}/metrics`).then((r) => r.text());
          const line = text
            .split('\n')
            .find((l) => l.startsWith('waymark_job_runs_total{queue="deliver",outcome="completed"}'));
          return Number(line?.split(' ').at(-1) ?? 0);
        }),
      );
      console.warn(`reminders delivered by instance A: ${delivered[0]}, B: ${delivered[1]}`);
      expect(delivered[0]! + delivered[1]!).toBe(LEARNERS);
    },
    processes(6),
  );
});
