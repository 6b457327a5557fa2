// The daily habit: the study log (with idempotent retries) and the stats built on it.
import { createHash } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import { cursorFields, decodeCursor, pageOf } from '../../http/cursor.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { EventService } from '../events/service.ts';
import type { RoadmapService } from '../roadmaps/service.ts';
import type { UserService } from '../users/service.ts';
import type { ProgressService } from '../progress/service.ts';
import { addDays, forgivingStreaks, heatmap, localDate } from './calendar.ts';
import { forecast } from './forecast.ts';
import * as repo from './repo.ts';
import type {
  Forecast,
  PlanPatch,
  Stats,
  StudySession,
  StudySessionBody,
  StudySessionPatch,
  StudySessionQuery,
} from './schemas.ts';

function toSession(row: repo.SessionRow): StudySession {
  return {
    id: row.id,
    date: row.date,
    minutes: row.minutes,
    roadmapSlug: row.roadmapSlug,
    stepSlug: row.stepSlug,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The body as the same bytes whatever its key order: what a retry must repeat exactly. */
function requestHash(body: StudySessionBody): string {
  const fields = ['minutes', 'date', 'roadmapSlug', 'stepSlug', 'note'] as const;
  return createHash('sha256')
    .update(JSON.stringify(fields.map((f) => body[f] ?? null)))
    .digest('hex');
}

/** A study-log position: the last row's date, creation time and id. */
const positionOf = (row: repo.SessionRow) => [row.date, row.createdAt.toISOString(), row.id];

function readPosition(value: unknown) {
  if (!Array.isArray(value)) return undefined;
  const [date, createdAt, id] = value as unknown[];
  if (!cursorFields.date(date) || !cursorFields.timestamp(createdAt) || !cursorFields.uuid(id))
    return undefined;
  return { date, createdAt: new Date(createdAt), id };
}

export function createHabitService(deps: {
  db: Database;
  users: UserService;
  roadmaps: RoadmapService;
  events: EventService;
  progress: ProgressService;
  now?: () => Date;
}) {
  const { db, users, events } = deps;
  const now = deps.now ?? (() => new Date());

  /** The rule for the day a session counts for: not in the learner's future, at most a year back. */
  async function checkDate(userId: string, date: string | undefined): Promise<string> {
    const user = await users.get(userId);
    const today = localDate(now(), user.timezone);
    const day = date ?? today;
    if (day > today) {
      throw new AppError('validation', `${day} is in the future: today is ${today} in ${user.timezone}.`, {
        errors: [{ path: '/body/date', message: `must not be after today (${today})` }],
      });
    }
    const oldest = addDays(today, -365);
    if (day < oldest) {
      throw new AppError('validation', `Study time can be logged at most a year back (from ${oldest}).`, {
        errors: [{ path: '/body/date', message: `must not be before ${oldest}` }],
      });
    }
    return day;
  }

  /** The ids of a published roadmap and (optionally) one of its steps, or a problem naming the field. */
  async function resolveIds(roadmapSlug: string | null | undefined, stepSlug: string | null | undefined) {
    if (stepSlug && !roadmapSlug) {
      throw new AppError('validation', 'A step needs its roadmap: give roadmapSlug too.', {
        errors: [{ path: '/body/roadmapSlug', message: 'is required with stepSlug' }],
      });
    }
    if (!roadmapSlug) return { roadmapId: null, stepId: null };
    const ids = await deps.roadmaps.findIds(roadmapSlug, stepSlug ?? undefined);
    if (!ids) {
      const path = stepSlug ? '/body/stepSlug' : '/body/roadmapSlug';
      throw new AppError(
        'validation',
        `There is no published ${stepSlug ? 'step' : 'roadmap'} "${stepSlug ?? roadmapSlug}".`,
        {
          errors: [{ path, message: 'names nothing published' }],
        },
      );
    }
    return { roadmapId: ids.roadmapId, stepId: ids.stepId ?? null };
  }

  return {
    /**
     * Logs study time. With an idempotency key, a retry (same key, same body) returns the
     * first session and writes nothing; the same key with another body is refused (422).
     */
    async log(
      userId: string,
      body: StudySessionBody,
      idempotencyKey: string | undefined,
    ): Promise<{ session: StudySession; replayed: boolean }> {
      const hash = requestHash(body);
      if (idempotencyKey) {
        const earlier = await repo.findByKey(db.primary, userId, idempotencyKey);
        if (earlier) return replay(earlier, hash);
      }
      const date = await checkDate(userId, body.date);
      const ids = await resolveIds(body.roadmapSlug, body.stepSlug);
      const id = await repo.insert(db.primary, {
        userId,
        date,
        minutes: body.minutes,
        roadmapId: ids.roadmapId,
        stepId: ids.stepId,
        note: body.note?.trim() || null,
        idempotencyKey: idempotencyKey ?? null,
        requestHash: idempotencyKey ? hash : null,
      });
      if (!id) {
        // A concurrent request with the same key inserted first.
        return replay((await repo.findByKey(db.primary, userId, idempotencyKey!))!, hash);
      }
      const session = toSession((await repo.findById(db.primary, userId, id))!);
      await events.publish(userId, 'study-session', { action: 'created', session });
      return { session, replayed: false };

      function replay(row: repo.SessionRow, bodyHash: string) {
        if (row.requestHash !== bodyHash) {
          throw new AppError(
            'unprocessable',
            'This Idempotency-Key was already used for a different request. Use a new key for a new session.',
            {
              errors: [{ path: '/headers/idempotency-key', message: 'was used with another body' }],
            },
          );
        }
        return { session: toSession(row), replayed: true };
      }
    },

    /**
     * Edits a logged session (minutes, day, note, roadmap and step); fields left out stay as
     * they are, null clears one. The same rules as logging apply to the result.
     */
    async update(userId: string, id: string, patch: StudySessionPatch): Promise<StudySession> {
      const current = await repo.findById(db.primary, userId, id);
      if (!current) throw notFound('You have no study session with this id.');
      const date = patch.date !== undefined ? await checkDate(userId, patch.date) : current.date;
      let ids = (await repo.findIds(db.primary, userId, id))!;
      if (patch.roadmapSlug !== undefined || patch.stepSlug !== undefined) {
        const roadmapSlug = patch.roadmapSlug !== undefined ? patch.roadmapSlug : current.roadmapSlug;
        // A new roadmap without a step named drops the old step (it belonged to the old roadmap).
        const stepSlug =
          patch.stepSlug !== undefined
            ? patch.stepSlug
            : patch.roadmapSlug !== undefined
              ? null
              : current.stepSlug;
        ids = await resolveIds(roadmapSlug, stepSlug);
      }
      const note = patch.note !== undefined ? patch.note?.trim() || null : current.note;
      await repo.update(db.primary, userId, id, {
        date,
        minutes: patch.minutes ?? current.minutes,
        ...ids,
        note,
      });
      const session = toSession((await repo.findById(db.primary, userId, id))!);
      await events.publish(userId, 'study-session', { action: 'updated', session });
      return session;
    },

    async remove(userId: string, id: string): Promise<void> {
      // Another user's session is simply not found: no hint that it exists.
      if (!(await repo.remove(db.primary, userId, id)))
        throw notFound('You have no study session with this id.');
      await events.publish(userId, 'study-session', { action: 'deleted', id });
    },

    async list(userId: string, query: StudySessionQuery) {
      const after = query.cursor ? decodeCursor(query.cursor, readPosition) : undefined;
      const rows = await repo.list(db.primary, userId, { ...query, limit: query.limit + 1, after });
      const page = pageOf(rows, query.limit, positionOf);
      return { items: page.items.map(toSession), nextCursor: page.nextCursor };
    },

    async stats(userId: string): Promise<Stats> {
      const [user, totals] = await Promise.all([users.get(userId), repo.dailyTotals(db.primary, userId)]);
      const today = localDate(now(), user.timezone);
      let totalMinutes = 0;
      for (const minutes of totals.values()) totalMinutes += minutes;
      return {
        ...forgivingStreaks(totals, today, user.dailyGoalMinutes, user.streakFreezes),
        todayMinutes: totals.get(today) ?? 0,
        dailyGoalMinutes: user.dailyGoalMinutes,
        totalMinutes,
        today,
        heatmap: heatmap(totals, today),
      };
    },

    /** The pace forecast of a roadmap (habits/forecast.ts has the rules). */
    async forecast(userId: string, roadmapSlug: string): Promise<Forecast> {
      const [user, left] = await Promise.all([
        users.get(userId),
        deps.progress.remainingHours(userId, roadmapSlug),
      ]);
      const [attached, plan] = await Promise.all([
        repo.dailyTotals(db.primary, userId, left.roadmapId),
        repo.plan(db.primary, userId, left.roadmapId),
      ]);
      const totals = attached.size > 0 ? attached : await repo.dailyTotals(db.primary, userId);
      const projection = forecast({
        remainingHours: left.all,
        requiredRemainingHours: left.required,
        totals,
        today: localDate(now(), user.timezone),
        dailyGoalMinutes: user.dailyGoalMinutes,
        targetDate: plan.targetDate,
      });
      return { ...projection, reviews: plan.reviews };
    },

    /**
     * Changes a roadmap plan: the target date (null clears it; a past date is a 400) and whether
     * its reviews are on.
     */
    async setPlan(userId: string, roadmapSlug: string, patch: PlanPatch): Promise<Forecast> {
      const { targetDate } = patch;
      const [user, left] = await Promise.all([
        users.get(userId),
        deps.progress.remainingHours(userId, roadmapSlug),
      ]);
      const today = localDate(now(), user.timezone);
      if (targetDate && targetDate < today) {
        throw new AppError('validation', `${targetDate} has passed: today is ${today} in ${user.timezone}.`, {
          errors: [{ path: '/body/targetDate', message: `must be today (${today}) or later` }],
        });
      }
      await repo.setPlan(db.primary, userId, left.roadmapId, patch);
      return this.forecast(userId, roadmapSlug);
    },

    async planExportRows(userId: string) {
      return (await repo.allPlans(db.primary, userId)).map((p) => ({
        roadmapSlug: p.roadmapSlug,
        targetDate: p.targetDate,
        reviews: p.reviews,
        updatedAt: p.updatedAt.toISOString(),
      }));
    },

    async exportRows(userId: string): Promise<StudySession[]> {
      return (await repo.all(db.primary, userId)).map(toSession);
    },
  };
}

export type HabitService = ReturnType<typeof createHabitService>;
