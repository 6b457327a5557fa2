// The daily habit: the study log (with idempotent retries) and the stats built on it.
import { createHash } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import { decodeCursor, encodeCursor } from '../../http/cursor.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { EventService } from '../events/service.ts';
import type { RoadmapService } from '../roadmaps/service.ts';
import type { UserService } from '../users/service.ts';
import { addDays, heatmap, localDate, streaks } from './calendar.ts';
import * as repo from './repo.ts';
import type { Stats, StudySession, StudySessionBody, StudySessionQuery } from './schemas.ts';

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
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return undefined;
  if (typeof id !== 'string' || !id) return undefined;
  return { date, createdAt: new Date(createdAt), id };
}

export function createHabitService(deps: {
  db: Database;
  users: UserService;
  roadmaps: RoadmapService;
  events: EventService;
  now?: () => Date;
}) {
  const { db, users, events } = deps;
  const now = deps.now ?? (() => new Date());

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
      const user = await users.get(userId);
      const today = localDate(now(), user.timezone);
      const date = body.date ?? today;
      if (date > today) {
        throw new AppError('validation', `${date} is in the future: today is ${today} in ${user.timezone}.`, {
          errors: [{ path: '/body/date', message: `must not be after today (${today})` }],
        });
      }
      const oldest = addDays(today, -365);
      if (date < oldest) {
        throw new AppError('validation', `Study time can be logged at most a year back (from ${oldest}).`, {
          errors: [{ path: '/body/date', message: `must not be before ${oldest}` }],
        });
      }
      if (body.stepSlug && !body.roadmapSlug) {
        throw new AppError('validation', 'A step needs its roadmap: give roadmapSlug too.', {
          errors: [{ path: '/body/roadmapSlug', message: 'is required with stepSlug' }],
        });
      }
      let ids: { roadmapId: string; stepId: string | null } | undefined;
      if (body.roadmapSlug) {
        ids = await deps.roadmaps.findIds(body.roadmapSlug, body.stepSlug);
        if (!ids) {
          const path = body.stepSlug ? '/body/stepSlug' : '/body/roadmapSlug';
          throw new AppError(
            'validation',
            `There is no published ${body.stepSlug ? 'step' : 'roadmap'} "${body.stepSlug ?? body.roadmapSlug}".`,
            { errors: [{ path, message: 'names nothing published' }] },
          );
        }
      }
      const id = await repo.insert(db.primary, {
        userId,
        date,
        minutes: body.minutes,
        roadmapId: ids?.roadmapId ?? null,
        stepId: ids?.stepId ?? null,
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

    async remove(userId: string, id: string): Promise<void> {
      // Another user's session is simply not found: no hint that it exists.
      if (!(await repo.remove(db.primary, userId, id)))
        throw notFound('You have no study session with this id.');
      await events.publish(userId, 'study-session', { action: 'deleted', id });
    },

    async list(userId: string, query: StudySessionQuery) {
      const after = query.cursor ? decodeCursor(query.cursor, readPosition) : undefined;
      const rows = await repo.list(db.primary, userId, { ...query, limit: query.limit + 1, after });
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(toSession),
        nextCursor: rows.length > query.limit ? encodeCursor(positionOf(page.at(-1)!)) : null,
      };
    },

    async stats(userId: string): Promise<Stats> {
      const [user, totals] = await Promise.all([users.get(userId), repo.dailyTotals(db.primary, userId)]);
      const today = localDate(now(), user.timezone);
      let totalMinutes = 0;
      for (const minutes of totals.values()) totalMinutes += minutes;
      return {
        ...streaks(totals, today, user.dailyGoalMinutes),
        todayMinutes: totals.get(today) ?? 0,
        dailyGoalMinutes: user.dailyGoalMinutes,
        totalMinutes,
        today,
        heatmap: heatmap(totals, today),
      };
    },

    async exportRows(userId: string): Promise<StudySession[]> {
      return (await repo.all(db.primary, userId)).map(toSession);
    },
  };
}

export type HabitService = ReturnType<typeof createHabitService>;
