// Reminders and digests at fixed clocks. The app runs no workers here (WAYMARK_JOBS=off): each
// test reads the jobs the queue holds and runs them through the same handlers the workers call,
// at the moment the test's clock says, so every time rule is checked exactly.
import { and, eq, isNotNull } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, users } from '../../db/schema.ts';
import { QUEUES } from '../../infra/jobs.ts';
import type { DeliverJob, NotificationJob } from './service.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { addDays } from '../habits/calendar.ts';
import { generateVapidKeys } from './push.ts';

let t: TestApp;
const clock = { now: new Date('2026-12-02T12:00:00Z') };
const setClock = (iso: string) => {
  clock.now = new Date(iso);
};

beforeAll(async () => {
  t = await createTestApp(
    { WAYMARK_JOBS: 'off', PUBLIC_URL: 'https://waymark.test' },
    { now: () => clock.now },
  );
});
afterAll(() => t.close());

async function learner(profile: Record<string, unknown>, verified = true): Promise<SignedUp> {
  const me = await signUp(t.app, { displayName: 'Ada Learner' });
  if (verified) await t.app.services.users.markEmailVerified(me.user.id);
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: me.auth, payload: profile });
  expect(res.statusCode, res.body).toBe(200);
  return me;
}

const boss = () => t.app.services.jobs.boss;

/** Reminders and digests mailed to `to` (not the address-confirmation mail of sign-up). */
const mailsTo = (to: string) =>
  t.db.primary
    .select()
    .from(outbox)
    .where(and(eq(outbox.to, to), isNotNull(outbox.html)))
    .orderBy(outbox.createdAt);

async function notificationJobs(userId: string) {
  const jobs = await boss().findJobs<NotificationJob>(QUEUES.notification, {
    data: { userId },
    queued: true,
  });
  return jobs.sort((a, b) => a.startAfter.getTime() - b.startAfter.getTime());
}

/** Runs the user's notification jobs due by the clock, as a worker would, and removes them. */
async function runDue(userId: string) {
  for (const job of await notificationJobs(userId)) {
    if (new Date(job.data.dueAt) > clock.now) continue;
    await t.app.services.reminders.runNotification(job.data, { id: job.id });
    await boss().deleteJob(QUEUES.notification, job.id);
  }
}

/** Delivers the user's queued messages and returns them. */
async function deliver(userId: string): Promise<DeliverJob[]> {
  const jobs = await boss().findJobs<DeliverJob>(QUEUES.deliver, { data: { userId }, queued: true });
  for (const job of jobs) {
    await t.app.services.reminders.deliver(job.data);
    await boss().deleteJob(QUEUES.deliver, job.id);
  }
  return jobs.map((j) => j.data);
}

async function logMinutes(me: SignedUp, minutes: number, date: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/study-sessions',
    headers: me.auth,
    payload: { minutes, date },
  });
  expect(res.statusCode, res.body).toBe(201);
}

const daily = (localTime: string, extra: Record<string, unknown> = {}) => ({
  enabled: true,
  localTime,
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  channels: ['email'],
  ...extra,
});

describe('PATCH /api/v1/me reminder settings', () => {
  it('changes only the reminder fields sent', async () => {
    const me = await learner({ reminder: daily('07:15', { days: ['sat'] }) });
    await learnerPatch(me, { reminder: { enabled: false } });
    const res = await t.app.inject({ url: '/api/v1/me', headers: me.auth });
    expect(res.json().reminder).toEqual({
      enabled: false,
      localTime: '07:15',
      days: ['sat'],
      channels: ['email'],
    });
  });

  it('is off by default, and accepts a reminder and a digest', async () => {
    const me = await signUp(t.app);
    const before = (await t.app.inject({ url: '/api/v1/me', headers: me.auth })).json();
    expect(before.reminder).toEqual({
      enabled: false,
      localTime: '19:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      channels: ['email'],
    });
    expect(before.weeklyDigest).toBe(false);
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: me.auth,
      payload: { reminder: daily('18:30', { days: ['mon', 'wed'] }), weeklyDigest: true, digestDay: 'sun' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      reminder: { localTime: '18:30', days: ['mon', 'wed'] },
      digestDay: 'sun',
    });
  });

  it.each([
    [{ ...daily('24:00') }, '/body/reminder/localTime'],
    [{ ...daily('7:00') }, '/body/reminder/localTime'],
    [{ ...daily('07:00', { days: ['mon', 'mon'] }) }, '/body/reminder/days'],
    [{ ...daily('07:00', { days: ['monday'] }) }, '/body/reminder/days/0'],
    [{ ...daily('07:00', { channels: ['sms'] }) }, '/body/reminder/channels/0'],
    [{}, '/body/reminder'],
  ])('refuses %j naming %s', async (reminder, path) => {
    const me = await signUp(t.app);
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: me.auth,
      payload: { reminder },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('queues the next reminder at the local time in the learner’s zone', async () => {
    setClock('2026-12-02T12:00:00Z');
    const me = await learner({ timezone: 'Europe/Berlin', reminder: daily('19:00') });
    const [job] = await notificationJobs(me.user.id);
    expect(job!.data).toMatchObject({ kind: 'reminder', dueAt: '2026-12-02T18:00:00.000Z' });
    expect(job!.startAfter.toISOString()).toBe('2026-12-02T18:00:00.000Z');
  });
});

describe('the daily reminder', () => {
  it('says how far today is from the goal, the streak and the next step, once', async () => {
    setClock('2026-12-02T10:00:00Z');
    const me = await learner({ reminder: daily('19:00') });
    const tick = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/language-fundamentals',
      headers: me.auth,
      payload: { status: 'done' },
    });
    expect(tick.statusCode, tick.body).toBe(200);
    // A 9-day streak up to yesterday, and 12 minutes today.
    for (let d = 1; d <= 9; d++) await logMinutes(me, 30, addDays('2026-12-02', -d));
    await logMinutes(me, 12, '2026-12-02');
    setClock('2026-12-02T19:00:05Z');
    await runDue(me.user.id);
    const sent = await deliver(me.user.id);
    expect(sent).toHaveLength(1);
    const [mail] = await mailsTo(me.user.email);
    const summary = (
      await t.app.inject({ url: '/api/v1/me/roadmaps/backend-developer/progress', headers: me.auth })
    ).json();
    expect(mail!.text).toContain(
      `12 of 30 minutes today — your 9-day streak continues with 18 more. Next step: ${summary.nextStep.title}.`,
    );
    expect(mail!.subject).toBe("18 minutes to today's goal");
    expect(mail!.html).toContain('12 of 30 minutes today');
    expect(mail!.html).not.toMatch(/<img|<script|<link/i);
    expect(mail!.headers!['List-Unsubscribe']).toMatch(
      /^<https:\/\/waymark\.test\/api\/v1\/unsubscribe\?token=[\w.-]+>$/,
    );
    expect(mail!.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // The next one is queued for tomorrow; a second job for today (a duplicate) sends nothing.
    const [next] = await notificationJobs(me.user.id);
    expect(next!.data.dueAt).toBe('2026-12-03T19:00:00.000Z');
    await t.app.services.reminders.runNotification(
      { userId: me.user.id, kind: 'reminder', dueAt: '2026-12-02T19:00:00.000Z' },
      { id: '00000000-0000-4000-8000-000000000001' },
    );
    expect(await deliver(me.user.id)).toHaveLength(0);
  });

  it('sends nothing when the goal is already met', async () => {
    setClock('2026-12-02T10:00:00Z');
    const me = await learner({ reminder: daily('19:00') });
    await logMinutes(me, 30, '2026-12-02');
    setClock('2026-12-02T19:00:01Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(0);
  });

  it('mails only a confirmed address', async () => {
    setClock('2026-12-02T10:00:00Z');
    const me = await learner({ reminder: daily('19:00') }, false);
    setClock('2026-12-02T19:00:01Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(0);
  });

  it('comes at 03:30 on the day the clocks skip 02:30', async () => {
    setClock('2027-03-13T12:00:00Z');
    const me = await learner({ timezone: 'America/New_York', reminder: daily('02:30') });
    const [job] = await notificationJobs(me.user.id);
    expect(job!.data.dueAt).toBe('2027-03-14T07:30:00.000Z'); // 03:30 EDT
    setClock('2027-03-14T07:30:02Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(1);
    const [next] = await notificationJobs(me.user.id);
    expect(next!.data.dueAt).toBe('2027-03-15T06:30:00.000Z'); // 02:30 EDT
  });

  it('follows a move from Tokyo to Lisbon, and still reminds at most once that day', async () => {
    setClock('2026-12-01T11:00:00Z');
    const me = await learner({ timezone: 'Asia/Tokyo', reminder: daily('21:00') });
    // 21:00 JST on 1 December is 12:00Z.
    expect((await notificationJobs(me.user.id))[0]!.data.dueAt).toBe('2026-12-01T12:00:00.000Z');
    setClock('2026-12-01T12:00:01Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(1);
    // The learner flies to Lisbon that evening, where 1 December is not over yet.
    setClock('2026-12-01T14:00:00Z');
    await learnerPatch(me, { timezone: 'Europe/Lisbon' });
    const due = (await notificationJobs(me.user.id)).map((j) => j.data.dueAt);
    // Lisbon's 21:00 (WET, UTC+0) on 1 December, and the Tokyo time queued for 2 December.
    expect(due).toEqual(['2026-12-01T21:00:00.000Z', '2026-12-02T12:00:00.000Z']);
    // 21:00 in Lisbon on 1 December: that local day already had its reminder.
    setClock('2026-12-01T21:00:01Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(0);
    // On 2 December the Tokyo time stands down and 21:00 Lisbon sends.
    setClock('2026-12-02T21:00:01Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(1);
  });

  it('stands a queued job down when the reminder is turned off', async () => {
    setClock('2026-12-02T10:00:00Z');
    const me = await learner({ reminder: daily('19:00') });
    await learnerPatch(me, { reminder: daily('19:00', { enabled: false }) });
    setClock('2026-12-02T19:00:01Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(0);
    expect(await notificationJobs(me.user.id)).toHaveLength(0);
  });

  it('drops a reminder that could only go out hours late', async () => {
    setClock('2026-12-02T10:00:00Z');
    const me = await learner({ reminder: daily('11:00') });
    setClock('2026-12-02T15:00:00Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(0);
  });
});

async function learnerPatch(me: SignedUp, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: me.auth, payload });
  expect(res.statusCode, res.body).toBe(200);
}

describe('the weekly digest', () => {
  it('goes out on the chosen weekday at 08:00 with the week in numbers, in text and HTML', async () => {
    setClock('2026-12-02T10:00:00Z'); // a Wednesday
    const me = await learner({ weeklyDigest: true, digestDay: 'mon', dailyGoalMinutes: 20 });
    await logMinutes(me, 25, '2026-12-02');
    setClock('2026-12-03T10:00:00Z');
    await logMinutes(me, 10, '2026-12-03');
    const [job] = await notificationJobs(me.user.id);
    expect(job!.data).toMatchObject({ kind: 'digest', dueAt: '2026-12-07T08:00:00.000Z' });
    setClock('2026-12-07T08:00:03Z');
    await runDue(me.user.id);
    expect(await deliver(me.user.id)).toHaveLength(1);
    const [mail] = await mailsTo(me.user.email);
    expect(mail!.subject).toBe('Your week on Waymark: 35 minutes, 1 of 7 days');
    expect(mail!.text).toContain('Your week, 2026-11-30 to 2026-12-06');
    expect(mail!.text).toContain('35 of 140 minutes');
    expect(mail!.text).toContain('1 of 7 days met.');
    expect(mail!.text).toContain('No reviews due.');
    expect(mail!.html).toContain('<li>1 of 7 days met.');
    expect(mail!.html).not.toMatch(/<img|<script|<link|url\(/i);
    expect(mail!.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });
});

describe('unsubscribing from a mail', () => {
  async function mailedLearner() {
    setClock('2026-12-02T10:00:00Z');
    const me = await learner({ reminder: daily('19:00', { channels: ['email', 'push'] }) });
    setClock('2026-12-02T19:00:01Z');
    await runDue(me.user.id);
    await deliver(me.user.id);
    const [mail] = await mailsTo(me.user.email);
    return { me, url: /^<(.+)>$/.exec(mail!.headers!['List-Unsubscribe']!)![1]! };
  }

  it('takes a one-click POST (RFC 8058) without signing in, and repeating it changes nothing', async () => {
    const { me, url } = await mailedLearner();
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: url.replace('https://waymark.test', ''),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().kind).toBe('reminder');
    }
    const [row] = await t.db.primary.select().from(users).where(eq(users.id, me.user.id));
    expect(row!.reminder).toMatchObject({ enabled: true, channels: ['push'] });
  });

  it('refuses a forged or foreign token, naming it', async () => {
    const { url } = await mailedLearner();
    const token = new URL(url).searchParams.get('token')!;
    const accessToken = (await signUp(t.app)).accessToken;
    for (const bad of [`${token.slice(0, -4)}AAAA`, accessToken]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/unsubscribe?token=${bad}` });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('/query/token');
    }
  });
});

describe('push subscriptions', () => {
  const subscription = {
    endpoint: 'https://push.example.net/send/abc123',
    expirationTime: null,
    keys: {
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    },
  };

  it('are refused with a clear problem when the server has no VAPID keys', async () => {
    const me = await signUp(t.app);
    const list = (await t.app.inject({ url: '/api/v1/me/push-subscriptions', headers: me.auth })).json();
    expect(list).toEqual({ vapidPublicKey: null, items: [] });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/push-subscriptions',
      headers: me.auth,
      payload: subscription,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/VAPID/);
  });

  it.each([
    'https://127.0.0.1/push',
    'https://[::1]/push',
    'https://10.1.2.3/push',
    'https://169.254.169.254/latest/meta-data',
    'https://[::ffff:192.168.1.1]/push',
    'https://localhost:8443/push',
  ])('refuse an endpoint on a private network: %s', async (endpoint) => {
    const vapid = generateVapidKeys();
    const other = await createTestApp(
      {
        WAYMARK_JOBS: 'off',
        VAPID_PUBLIC_KEY: vapid.publicKey,
        VAPID_PRIVATE_KEY: vapid.privateKey,
      },
      { db: t.db },
    );
    try {
      const me = await signUp(other.app);
      const res = await other.app.inject({
        method: 'POST',
        url: '/api/v1/me/push-subscriptions',
        headers: me.auth,
        payload: { ...subscription, endpoint },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('/body/endpoint');
    } finally {
      await other.close();
    }
  });

  it.each([
    [{ ...subscription, endpoint: 'ftp://push.example.net/x' }, '/body/endpoint'],
    [{ ...subscription, keys: { ...subscription.keys, auth: 'not base64!' } }, '/body/keys/auth'],
    [{ endpoint: subscription.endpoint }, '/body/keys'],
  ])('validates the PushSubscription %#', async (body, path) => {
    const me = await signUp(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/push-subscriptions',
      headers: me.auth,
      payload: body,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('the test reminder', () => {
  it('says what to do when no channel can deliver, and sends on the ones that can', async () => {
    const me = await learner({ reminder: daily('19:00') }, false);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/me/reminder/test', headers: me.auth });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toMatch(/Confirm your email address/);
    await t.app.services.users.markEmailVerified(me.user.id);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/reminder/test', headers: me.auth });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ channels: ['email'] });
    expect(await deliver(me.user.id)).toHaveLength(1);
  });
});

describe('the calendar feed', () => {
  it('serves an iCalendar feed at a revocable secret URL', async () => {
    setClock('2026-12-02T10:00:00Z');
    const me = await learner({
      timezone: 'Europe/Lisbon',
      reminder: daily('19:00', { days: ['mon', 'wed', 'fri'] }),
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/calendar-token',
      headers: me.auth,
    });
    expect(created.statusCode).toBe(201);
    const url = new URL(created.json().url);
    expect(url.origin).toBe('https://waymark.test');
    const feed = await t.app.inject({ url: url.pathname + url.search });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(feed.headers['cache-control']).toBe('private, no-store');
    const calendar = new ICAL.Component(ICAL.parse(feed.body));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    // 14 days from Wednesday 2 December: three Mon/Wed/Fri blocks a week.
    expect(events).toHaveLength(6);
    expect(events[0]!.startDate.toJSDate().toISOString()).toBe('2026-12-02T19:00:00.000Z');
    // A new URL replaces the old one; revoking ends the new one too.
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/me/calendar-token', headers: me.auth });
    expect((await t.app.inject({ url: url.pathname + url.search })).statusCode).toBe(404);
    const second = new URL(again.json().url);
    expect((await t.app.inject({ url: second.pathname + second.search })).statusCode).toBe(200);
    await t.app.inject({ method: 'DELETE', url: '/api/v1/me/calendar-token', headers: me.auth });
    const gone = await t.app.inject({ url: second.pathname + second.search });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
  });
});
