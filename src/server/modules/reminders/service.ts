// Reminders and weekly digests: deciding, on the job queue, who is told what and when.
//
// The chain of one notification:
//   settings saved / the sweep  → a `notification` job for the next due time (keyed by user,
//                                 kind and time, so queuing it again changes nothing)
//   that job runs at its time   → it queues the next one, checks the settings still stand and
//                                 the goal is not met, claims the local day (one row per user,
//                                 kind and day: the database keeps it to one a day whichever
//                                 instance or retry gets there), and queues one `deliver` job
//                                 per channel
//   each `deliver` job          → one mail or one push, retried on its own.
import { DateTime } from 'luxon';
import type { Database } from '../../db/client.ts';
import { type Channel, type NotificationKind, type ReminderSettings } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { QUEUES, type Jobs } from '../../infra/jobs.ts';
import type { Mail, Mailer } from '../../infra/mailer.ts';
import { checkUrl, OutboundRefused, type LookupFn } from '../../infra/outbound.ts';
import type { AccessTokens } from '../auth/tokens.ts';
import { hashToken, randomToken } from '../auth/tokens.ts';
import { addDays } from '../habits/calendar.ts';
import type { HabitService } from '../habits/service.ts';
import type { ProgressService } from '../progress/service.ts';
import type { UserService } from '../users/service.ts';
import { studyCalendar } from './calendar-feed.ts';
import { digestMail, reminderMail, reminderText, type DigestFacts } from './messages.ts';
import type { PushSender } from './push.ts';
import * as repo from './repo.ts';
import { localDateIn, nextDigest, nextReminder, stillDue, DIGEST_LOCAL_TIME } from './schedule.ts';

export interface NotificationJob {
  userId: string;
  kind: NotificationKind;
  /** ISO instant the notification is due. */
  dueAt: string;
}

export type DeliverJob =
  | { channel: 'email'; userId: string; mail: Mail }
  | { channel: 'push'; userId: string; subscriptionId: string; payload: PushPayload };

export interface PushPayload {
  title: string;
  body: string;
  /** Opened when the notification is clicked. */
  url: string;
  tag: string;
}

/** A reminder that could not go out within this long of its time is dropped, not sent late. */
export const LATE_AFTER_MS = 3 * 3_600_000;
const UNSUBSCRIBE_AUDIENCE = 'waymark-unsubscribe';
const UNSUBSCRIBE_TTL_SECONDS = 180 * 86_400;
const SWEEP_PAGE = 1000;
export const CALENDAR_DAYS = 14;

export function createReminderService(deps: {
  db: Database;
  jobs: Jobs;
  users: UserService;
  habits: HabitService;
  progress: ProgressService;
  mailer: Mailer;
  push: PushSender | undefined;
  tokens: Pick<AccessTokens, 'signState' | 'verifyState'>;
  publicUrl: string;
  /** Accept push endpoints on this machine's network (tests); off, they are refused. */
  pushPrivateEndpoints?: boolean;
  /** Resolves an endpoint's host name before it is accepted (default: the system's DNS). */
  lookup?: LookupFn;
  now?: () => Date;
}) {
  const { db, jobs } = deps;
  const now = deps.now ?? (() => new Date());
  const dashboardUrl = `${deps.publicUrl}/dashboard`;

  function jobsFor(r: repo.Recipient, after: Date) {
    const due: Array<{ kind: NotificationKind; at: Date | null }> = [
      { kind: 'reminder', at: nextReminder(r.reminder, r.timezone, after) },
      { kind: 'digest', at: nextDigest(r.weeklyDigest, r.digestDay, r.timezone, after) },
    ];
    return due.flatMap(({ kind, at }) =>
      at
        ? [
            {
              key: `${kind}:${r.id}:${at.toISOString()}`,
              startAfter: at,
              data: { userId: r.id, kind, dueAt: at.toISOString() } satisfies NotificationJob,
            },
          ]
        : [],
    );
  }

  /** Queues the learner's next reminder and digest (queuing one twice changes nothing). */
  async function schedule(userId: string, after = now()): Promise<void> {
    const r = await repo.recipient(db.primary, userId);
    if (r) await jobs.sendMany(QUEUES.notification, jobsFor(r, after));
  }

  async function unsubscribeUrls(userId: string, kind: NotificationKind) {
    const token = await deps.tokens.signState(
      { sub: userId, kind },
      UNSUBSCRIBE_TTL_SECONDS,
      UNSUBSCRIBE_AUDIENCE,
    );
    return {
      /** The page a person opens from the mail (one click there unsubscribes). */
      page: `${deps.publicUrl}/unsubscribe?token=${token}`,
      /** RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` here. */
      oneClick: `${deps.publicUrl}/api/v1/unsubscribe?token=${token}`,
    };
  }

  async function reminderFacts(userId: string) {
    const [stats, mine] = await Promise.all([deps.habits.stats(userId), deps.progress.myRoadmaps(userId)]);
    const next = mine.items.find((s) => s.nextStep)?.nextStep?.title ?? null;
    return {
      todayMinutes: stats.todayMinutes,
      goalMinutes: stats.dailyGoalMinutes,
      currentStreak: stats.currentStreak,
      nextStep: next,
    };
  }

  /** One deliver job per channel: mail (to a confirmed address) and each push subscription. */
  async function queueDeliveries(
    jobKey: string,
    r: repo.Recipient,
    channels: readonly Channel[],
    message: { mail: () => Promise<Mail>; push: PushPayload },
  ): Promise<Channel[]> {
    const deliveries: Array<{ key: string; data: DeliverJob }> = [];
    const used = new Set<Channel>();
    if (channels.includes('email') && r.emailVerified) {
      deliveries.push({
        key: `${jobKey}:email`,
        data: { channel: 'email', userId: r.id, mail: await message.mail() },
      });
      used.add('email');
    }
    if (channels.includes('push') && deps.push) {
      for (const sub of await repo.pushSubscriptionsOf(db.primary, r.id)) {
        deliveries.push({
          key: `${jobKey}:push:${sub.id}`,
          data: { channel: 'push', userId: r.id, subscriptionId: sub.id, payload: message.push },
        });
        used.add('push');
      }
    }
    await jobs.sendMany(QUEUES.deliver, deliveries);
    return [...used];
  }

  async function reminderMessage(r: repo.Recipient, facts: Awaited<ReturnType<typeof reminderFacts>>) {
    return {
      mail: async (): Promise<Mail> => {
        const links = await unsubscribeUrls(r.id, 'reminder');
        const body = reminderMail(
          { ...facts, displayName: r.displayName },
          {
            dashboard: dashboardUrl,
            unsubscribe: links.page,
          },
        );
        return { to: r.email, ...body, headers: listUnsubscribe(links.oneClick) };
      },
      push: { title: 'Time to study', body: reminderText(facts), url: '/dashboard', tag: 'waymark-reminder' },
    };
  }

  async function digestFacts(r: repo.Recipient, today: string): Promise<DigestFacts> {
    const from = addDays(today, -7);
    const to = addDays(today, -1);
    const [stats, mine, reviewsDue] = await Promise.all([
      deps.habits.stats(r.id),
      deps.progress.myRoadmaps(r.id),
      repo.reviewsDueBefore(db.primary, r.id, now(), 1000),
    ]);
    const week = stats.heatmap.filter((d) => d.date >= from && d.date <= to);
    const weekStart = DateTime.fromISO(from, { zone: r.timezone }).toJSDate();
    const recent = mine.items[0];
    const forecast = recent ? await deps.habits.forecast(r.id, recent.roadmapSlug) : null;
    const stepsDone = (await deps.progress.exportRows(r.id)).filter(
      (row) => row.completedAt && new Date(row.completedAt) >= weekStart,
    ).length;
    return {
      displayName: r.displayName,
      from,
      to,
      weekMinutes: week.reduce((sum, d) => sum + d.minutes, 0),
      goalMinutes: r.dailyGoalMinutes,
      daysMet: week.filter((d) => d.minutes >= r.dailyGoalMinutes).length,
      currentStreak: stats.currentStreak,
      freezesHeld: stats.freezesHeld,
      stepsDone,
      milestones: mine.items.flatMap((s) =>
        s.milestones.filter((m) => m.reachedAt && new Date(m.reachedAt) >= weekStart).map((m) => m.title),
      ),
      reviewsDue: reviewsDue.length,
      forecast:
        recent && forecast
          ? { roadmapTitle: recent.roadmapTitle, projectedFinish: forecast.projectedFinish }
          : null,
    };
  }

  const service = {
    schedule,

    /** A `notification` job at its time: see the chain at the top of this file. */
    async runNotification(job: NotificationJob, jobMeta: { id: string }): Promise<void> {
      const dueAt = new Date(job.dueAt);
      const r = await repo.recipient(db.primary, job.userId);
      if (!r) return; // the account is gone
      await jobs.sendMany(QUEUES.notification, jobsFor(r, dueAt));
      const standing =
        job.kind === 'reminder'
          ? r.reminder.enabled && stillDue(r.reminder.localTime, r.reminder.days, r.timezone, dueAt)
          : r.weeklyDigest && stillDue(DIGEST_LOCAL_TIME, [r.digestDay], r.timezone, dueAt);
      if (!standing) return; // the settings changed since; they queued their own job
      if (now().getTime() - dueAt.getTime() > LATE_AFTER_MS) return;
      const localDate = localDateIn(dueAt, r.timezone);
      if (job.kind === 'reminder') {
        const facts = await reminderFacts(r.id);
        if (facts.todayMinutes >= facts.goalMinutes) return; // nothing to nudge
        if (!(await repo.claim(db.primary, { userId: r.id, kind: 'reminder', localDate, jobId: jobMeta.id })))
          return;
        await queueDeliveries(
          `reminder:${jobMeta.id}`,
          r,
          r.reminder.channels,
          await reminderMessage(r, facts),
        );
      } else {
        if (!(await repo.claim(db.primary, { userId: r.id, kind: 'digest', localDate, jobId: jobMeta.id })))
          return;
        const facts = await digestFacts(r, localDate);
        const links = await unsubscribeUrls(r.id, 'digest');
        const body = digestMail(facts, { dashboard: dashboardUrl, unsubscribe: links.page });
        if (r.emailVerified) {
          await jobs.send(
            QUEUES.deliver,
            {
              channel: 'email',
              userId: r.id,
              mail: { to: r.email, ...body, headers: listUnsubscribe(links.oneClick) },
            },
            { key: `digest:${jobMeta.id}:email` },
          );
        }
      }
    },

    /**
     * Queues one mail on the `deliver` queue (retried on its own, at most once per `key`): how
     * other modules send mail that must not be lost (a cohort's invitation, a mentor's nudge).
     */
    async queueMail(key: string, userId: string, mail: Mail): Promise<void> {
      await jobs.send(QUEUES.deliver, { channel: 'email', userId, mail } satisfies DeliverJob, { key });
    },

    /** A `deliver` job: one message on one channel. Throws to have the queue retry it. */
    async deliver(job: DeliverJob): Promise<void> {
      if (job.channel === 'email') {
        await deps.mailer.send(job.mail);
        return;
      }
      const sub = (await repo.pushSubscriptionsOf(db.primary, job.userId)).find(
        (s) => s.id === job.subscriptionId,
      );
      if (!sub || !deps.push) return; // unsubscribed since
      const outcome = await deps.push.send(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        job.payload,
      );
      if (outcome === 'gone') await repo.deletePushById(db.primary, sub.id);
    },

    /** Every few minutes: each learner with reminders or digests on has their next one queued. */
    async sweep(): Promise<number> {
      let after: string | null = null;
      let queued = 0;
      const at = now();
      for (;;) {
        const page = await repo.subscribers(db.primary, after, SWEEP_PAGE);
        const batch = page.flatMap((r) => jobsFor(r, at));
        await jobs.sendMany(QUEUES.notification, batch);
        queued += batch.length;
        if (page.length < SWEEP_PAGE) return queued;
        after = page.at(-1)!.id;
      }
    },

    /** "Send me a test reminder": now, on the chosen channels, whatever the goal says. */
    async sendTest(userId: string): Promise<{ channels: Channel[] }> {
      const r = await repo.recipient(db.primary, userId);
      if (!r) throw notFound('There is no such user.');
      const facts = await reminderFacts(userId);
      const channels = await queueDeliveries(
        `test:${userId}:${now().toISOString()}`,
        r,
        r.reminder.channels,
        await reminderMessage(r, facts),
      );
      if (channels.length === 0) {
        throw new AppError(
          'unprocessable',
          r.reminder.channels.includes('email') && !r.emailVerified
            ? 'Confirm your email address first (open the link we mailed you, or ask for a new one in Settings → Reminders), or turn on push notifications in this browser.'
            : 'Choose a channel first: email, or push notifications allowed in this browser.',
          { errors: [{ path: '/body/reminder/channels', message: 'has no channel that can deliver' }] },
        );
      }
      return { channels };
    },

    async subscribePush(userId: string, body: { endpoint: string; keys: { p256dh: string; auth: string } }) {
      if (!deps.push) {
        throw new AppError(
          'unprocessable',
          'Push notifications are not set up on this server (VAPID keys).',
          {
            errors: [{ path: '/body', message: 'push is not configured' }],
          },
        );
      }
      try {
        // The server POSTs to the endpoint: one on our own network would let a learner reach it.
        await checkUrl(body.endpoint, {
          // PUSH_ALLOW_PRIVATE_ENDPOINTS=on is for a push service on this machine (tests, development).
          allowPrivate: deps.pushPrivateEndpoints ?? false,
          allowHttp: deps.pushPrivateEndpoints ?? false,
          ...(deps.lookup ? { lookup: deps.lookup } : {}),
        });
      } catch (err) {
        if (!(err instanceof OutboundRefused)) throw err;
        throw new AppError('validation', 'A push endpoint must be a public push service.', {
          errors: [{ path: '/body/endpoint', message: err.message }],
          cause: err,
        });
      }
      const row = await repo.savePush(db.primary, { userId, endpoint: body.endpoint, ...body.keys });
      return { id: row.id, createdAt: row.createdAt.toISOString() };
    },

    async unsubscribePush(userId: string, id: string): Promise<void> {
      if (!(await repo.deletePush(db.primary, userId, id)))
        throw notFound('You have no push subscription with this id.');
    },

    async pushSubscriptions(userId: string) {
      return (await repo.pushSubscriptionsOf(db.primary, userId)).map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
      }));
    },

    /** The one-click unsubscribe of a mail's link (RFC 8058); repeating it changes nothing. */
    async unsubscribe(token: string): Promise<{ kind: NotificationKind }> {
      let claims: Record<string, string>;
      try {
        claims = await deps.tokens.verifyState(token, UNSUBSCRIBE_AUDIENCE);
      } catch {
        throw new AppError(
          'validation',
          'This unsubscribe link is not valid. Change reminders in Settings instead.',
          {
            errors: [{ path: '/query/token', message: 'is not a valid unsubscribe token' }],
          },
        );
      }
      const kind = claims.kind === 'digest' ? 'digest' : 'reminder';
      const r = await repo.recipient(db.primary, claims.sub!);
      if (!r) throw notFound('This account no longer exists.');
      if (kind === 'digest') {
        await deps.users.updateProfile(r.id, { weeklyDigest: false });
      } else {
        const channels = r.reminder.channels.filter((c) => c !== 'email');
        const reminder: ReminderSettings = {
          ...r.reminder,
          channels,
          enabled: r.reminder.enabled && channels.length > 0,
        };
        await deps.users.updateProfile(r.id, { reminder });
      }
      return { kind };
    },

    /** A new calendar feed URL; the previous one stops working. */
    async createCalendarToken(userId: string): Promise<{ url: string }> {
      const token = randomToken();
      await repo.setCalendarTokenHash(db.primary, userId, hashToken(token));
      return { url: `${deps.publicUrl}/api/v1/me/calendar.ics?token=${token}` };
    },

    async revokeCalendarToken(userId: string): Promise<void> {
      await repo.setCalendarTokenHash(db.primary, userId, null);
    },

    /** The iCalendar feed of the token's owner; not found for an unknown or revoked token. */
    async calendar(token: string): Promise<string> {
      const r = await repo.byCalendarTokenHash(db.primary, hashToken(token));
      if (!r)
        throw notFound(
          'No calendar feed has this token: it was revoked or replaced. Copy the new URL from Settings.',
        );
      const today = localDateIn(now(), r.timezone);
      const until = DateTime.fromISO(today, { zone: r.timezone }).plus({ days: CALENDAR_DAYS }).toJSDate();
      const reviews = await repo.reviewsDueBefore(db.primary, r.id, until, 500);
      return studyCalendar({
        userId: r.id,
        displayName: r.displayName,
        timezone: r.timezone,
        localTime: r.reminder.localTime,
        days: r.reminder.days,
        blockMinutes: r.dailyGoalMinutes,
        today,
        horizonDays: CALENDAR_DAYS,
        // A review already overdue is due today.
        reviewsDue: reviews.map((rev) => ({
          date: rev.due < now() ? today : localDateIn(rev.due, r.timezone),
          stepTitle: rev.stepTitle,
          roadmapTitle: rev.roadmapTitle,
        })),
        dashboardUrl,
      });
    },

    /** Registers this instance's workers and the sweep's schedule. */
    async startWorkers(): Promise<void> {
      await jobs.work<NotificationJob>(
        QUEUES.notification,
        (data, meta) => service.runNotification(data, meta),
        {
          batchSize: 20,
        },
      );
      await jobs.work<DeliverJob>(QUEUES.deliver, (data) => service.deliver(data), { batchSize: 20 });
      await jobs.work<object>(QUEUES.sweep, async () => {
        await service.sweep();
      });
      await jobs.schedule(QUEUES.sweep, '*/10 * * * *');
    },
  };
  return service;
}

function listUnsubscribe(oneClick: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${oneClick}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export type ReminderService = ReturnType<typeof createReminderService>;
