// Cohorts: a bootcamp, a study group or a team following roadmaps together. Roles inside a
// cohort (owner, mentor, member) are independent of the site role; every action is checked by
// the `cohort` policies with the actor's role in *this* cohort, read from the database now.
//
// Privacy, the rule the join page states: the owner and mentors see each member's display name,
// their progress on the cohort's roadmaps (percent, next step, last activity), their current
// streak and their minutes over the last 7 days. Never notes, study-log notes, email or anything
// about roadmaps outside the cohort. Members see the cohort's counts and medians and their own
// row — and, when the owner turns the leaderboard on, the rows of members who opted in.
import { randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { isoTimestamp, type Database, type Db } from '../../db/client.ts';
import type { CohortRole } from '../../db/schema.ts';
import { cursorFields, decodeCursor, pageOf } from '../../http/cursor.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { authorize, can, type Action, type Actor, type CohortSubject } from '../../policies/index.ts';
import { forgivingStreaks, localDate } from '../habits/calendar.ts';
import type { EventService } from '../events/service.ts';
import { createMemo } from '../../infra/memo.ts';
import type { PubSub } from '../../infra/pubsub.ts';
import type { ReminderService } from '../reminders/service.ts';
import type { UserService } from '../users/service.ts';
import { hashToken } from '../auth/tokens.ts';
import * as repo from './repo.ts';
import type {
  Cohort,
  CohortCreateBody,
  CohortList,
  CohortMember,
  CohortMemberList,
  CohortUpdateBody,
  CreatedInvite,
  Heatmap,
  Invite,
  InviteBody,
  InvitePreview,
  ListQuery,
  MemberQuery,
  MemberUpdateBody,
} from './schemas.ts';

export const INVITE_DEFAULT_DAYS = 14;
export const INVITE_MAX_DAYS = 90;
/** A mentor nudges one member at most once a day, and at most this many members a day. */
export const NUDGES_PER_DAY = 20;

export const MENTORS_SEE = [
  'your display name and your role in the cohort',
  "your progress on the cohort's roadmaps: percent done, next step, last activity",
  'your current streak and your study minutes over the last 7 days',
];
export const NEVER_SHARED = [
  'your notes and the notes on your study log',
  'your email address',
  'anything about roadmaps the cohort does not follow',
];

/** Making an invitation of this role, and revoking one: mentors' are the owner's to give. */
const inviteAction = (role: 'mentor' | 'member') => (role === 'mentor' ? 'inviteMentors' : 'inviteMembers');

const percentOf = (part: number, whole: number) => Math.round((part * 100) / whole);

function toMember(row: repo.MemberRow, now: Date, today = localDate(now, row.timezone)): CohortMember {
  const totals = new Map(Object.entries(row.days ?? {}));
  const { currentStreak } = forgivingStreaks(totals, today, row.daily_goal_minutes, row.streak_freezes);
  return {
    userId: row.user_id,
    displayName: row.display_name,
    role: row.role,
    joinedAt: isoTimestamp(row.joined_at),
    roadmaps: row.roadmaps, // lastActivityAt comes out of the SQL as ISO 8601 already
    currentStreak,
    minutesLast7Days: row.minutes7,
    stuck: row.stuck,
    finished: row.finished,
  };
}

/** Rows of members, with each time zone's date today worked out once for the lot. */
function toMembers(rows: repo.MemberRow[], now: Date): CohortMember[] {
  const todays = new Map<string, string>();
  return rows.map((row) => {
    let today = todays.get(row.timezone);
    if (today === undefined) todays.set(row.timezone, (today = localDate(now, row.timezone)));
    return toMember(row, now, today);
  });
}

function inviteState(row: repo.InviteRow, now: Date): Invite['state'] {
  if (row.revoked_at) return 'revoked';
  if (new Date(row.expires_at) <= now) return 'expired';
  if (row.max_uses !== null && row.uses >= row.max_uses) return 'used-up';
  return 'active';
}

function toInvite(row: repo.InviteRow, now: Date): Invite {
  return {
    id: row.id,
    role: row.role,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: isoTimestamp(row.expires_at),
    revokedAt: isoTimestamp(row.revoked_at),
    email: row.email,
    createdAt: isoTimestamp(row.created_at),
    state: inviteState(row, now),
  };
}

/** Days from `from` to `to` (YYYY-MM-DD). */
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export function createCohortService(deps: {
  db: Database;
  users: UserService;
  events: EventService;
  reminders: Pick<ReminderService, 'queueMail'>;
  pubsub: PubSub;
  publicUrl: string;
  now?: () => Date;
}) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  /** The cohorts each learner is in, asked on every write they make (infra/memo.ts). */
  const watching = createMemo<string[]>({
    pubsub: deps.pubsub,
    channel: 'cohorts:v1:watching',
    ttlMs: 60_000,
  });
  const joinUrl = (token: string) => `${deps.publicUrl}/join?token=${token}`;

  /** The actor's standing in the cohort, authorized for `action`; a cohort that does not exist is 404. */
  async function standing(actor: Actor, cohortId: string, action: Action<CohortSubject>) {
    const found = actor ? await repo.roleIn(db.primary, cohortId, actor.userId) : undefined;
    const subject: CohortSubject = { kind: 'cohort', role: found?.role ?? null };
    if (actor && !found) throw notFound('There is no such cohort.');
    authorize(actor, action, subject);
    return { role: subject.role, leaderboard: found?.leaderboard ?? false };
  }

  async function roadmapIds(slugs: string[]): Promise<string[]> {
    const found = await repo.publishedRoadmapIds(db.primary, slugs);
    const bySlug = new Map(found.map((r) => [r.slug, r.id]));
    const errors = slugs.flatMap((slug, i) =>
      bySlug.has(slug) ? [] : [{ path: `/body/roadmapSlugs/${i}`, message: `names no published roadmap` }],
    );
    if (errors.length > 0)
      throw new AppError(
        'validation',
        `No published roadmap is called "${slugs[Number(errors[0]!.path.split('/').at(-1))]}".`,
        {
          errors,
        },
      );
    return slugs.map((s) => bySlug.get(s)!);
  }

  function checkDates(startsOn: string | null | undefined, endsOn: string | null | undefined) {
    if (startsOn && endsOn && endsOn < startsOn)
      throw new AppError('validation', 'The cohort cannot end before it starts.', {
        errors: [{ path: '/body/endsOn', message: 'is before startsOn' }],
      });
  }

  function memberCursor(query: MemberQuery) {
    if (!query.cursor) return undefined;
    return decodeCursor(query.cursor, (value) => {
      if (!Array.isArray(value)) return undefined;
      const [sort, desc, key, userId] = value as unknown[];
      if (sort !== query.sort || desc !== query.desc || !cursorFields.uuid(userId)) return undefined;
      if (sort === 'name' ? !cursorFields.text(key, 200) : !Number.isSafeInteger(key)) return undefined;
      return { key: key as string | number, userId };
    });
  }

  /** The invitation a token names, if it can still be used: 404 unknown, 410 spent. */
  async function liveInvite(token: string): Promise<repo.InviteRow> {
    const invite = await repo.findInviteByHash(db.primary, hashToken(token));
    if (!invite) throw notFound('This invitation is not valid; ask for a new link.');
    const state = inviteState(invite, now());
    if (state !== 'active')
      throw new AppError(
        'gone',
        `This invitation ${state === 'revoked' ? 'was revoked' : state === 'expired' ? 'has expired' : 'has been used up'}; ask the cohort's owner or a mentor for a new link.`,
      );
    return invite;
  }

  async function page(cohortId: string, options: repo.MemberPage) {
    const at = now();
    const rows = await repo.memberPage(db.primary, cohortId, at, options);
    return toMembers(rows, at);
  }

  const service = {
    /** Throws unless the actor may change the cohort (its owner, an admin): cohort webhooks. */
    async authorizeOwner(actor: Actor, cohortId: string): Promise<void> {
      await standing(actor, cohortId, 'update');
    },

    async create(actor: Actor, body: CohortCreateBody): Promise<Cohort> {
      if (!actor) throw new AppError('unauthorized', 'Sign in first.');
      checkDates(body.startsOn, body.endsOn);
      const id = await repo.insertCohort(db.primary, {
        ownerId: actor.userId,
        name: body.name,
        description: body.description ?? '',
        startsOn: body.startsOn ?? null,
        endsOn: body.endsOn ?? null,
        dailyGoalMinutes: body.dailyGoalMinutes ?? null,
        roadmapIds: await roadmapIds(body.roadmapSlugs),
      });
      await watching.forget(actor.userId);
      return service.get(actor, id);
    },

    async listMine(actor: Actor, query: ListQuery): Promise<CohortList> {
      if (!actor) throw new AppError('unauthorized', 'Sign in first.');
      return list(actor, query, actor.userId);
    },

    /** Every cohort on the instance: admins only. */
    async listAll(actor: Actor, query: ListQuery): Promise<CohortList> {
      // Not a thing behind a door (404) but a view only admins have: 403.
      if (!can(actor, 'list', { kind: 'cohort', role: null }))
        throw actor
          ? new AppError('forbidden', 'Only admins see every cohort; yours are at /api/v1/me/cohorts.')
          : new AppError('unauthorized', 'Sign in first.');
      return list(actor!, query, undefined);
    },

    async get(actor: Actor, cohortId: string): Promise<Cohort> {
      const { role, leaderboard } = await standing(actor, cohortId, 'read');
      const at = now();
      // The summary, one's own row and the leaderboard score the members once, in one statement.
      const [row, { summary, me, standings }] = await Promise.all([
        repo.findCohort(db.primary, cohortId),
        repo.overview(db.primary, cohortId, at, role ? actor!.userId : undefined),
      ]);
      if (!row) throw notFound('There is no such cohort.');
      const today = at.toISOString().slice(0, 10);
      let pace: Cohort['summary']['pace'] = { expectedPercent: null, daysLeft: null, onTrack: null };
      if (row.ends_on) {
        const daysLeft = daysBetween(today, row.ends_on);
        const start = row.starts_on ?? isoTimestamp(row.created_at).slice(0, 10);
        const span = daysBetween(start, row.ends_on);
        const expected =
          span <= 0 ? 100 : Math.min(100, Math.max(0, percentOf(daysBetween(start, today), span)));
        pace = { expectedPercent: expected, daysLeft, onTrack: summary.median_percent >= expected };
      }
      return {
        id: row.id,
        name: row.name,
        description: row.description,
        roadmapSlugs: row.roadmaps.map((r) => r.slug),
        roadmaps: row.roadmaps,
        startsOn: row.starts_on,
        endsOn: row.ends_on,
        dailyGoalMinutes: row.daily_goal_minutes,
        leaderboard: row.leaderboard,
        role,
        ownerName: row.owner_name,
        createdAt: isoTimestamp(row.created_at),
        summary: {
          memberCount: summary.member_count,
          mentorCount: summary.mentor_count,
          medianPercent: summary.median_percent,
          medianMinutesLast7Days: summary.median_minutes,
          finishedCount: summary.finished_count,
          stuckCount: summary.stuck_count,
          pace,
        },
        me: me ? toMember(me, at) : null,
        myLeaderboard: leaderboard,
        standings: toMembers(standings, at),
      };
    },

    async update(actor: Actor, cohortId: string, body: CohortUpdateBody): Promise<Cohort> {
      await standing(actor, cohortId, 'update');
      const current = await repo.findCohort(db.primary, cohortId);
      checkDates(
        body.startsOn === undefined ? current?.starts_on : body.startsOn,
        body.endsOn === undefined ? current?.ends_on : body.endsOn,
      );
      const { roadmapSlugs, ...rest } = body;
      await repo.updateCohort(db.primary, cohortId, {
        ...rest,
        ...(roadmapSlugs ? { roadmapIds: await roadmapIds(roadmapSlugs) } : {}),
      });
      return service.get(actor, cohortId);
    },

    /** Deletes the cohort: its memberships and invitations go, every member's own progress stays. */
    async remove(actor: Actor, cohortId: string): Promise<void> {
      await standing(actor, cohortId, 'delete');
      await repo.deleteCohort(db.primary, cohortId);
      await watching.forget(); // all its members at once
    },

    async createInvite(actor: Actor, cohortId: string, body: InviteBody): Promise<CreatedInvite> {
      await standing(actor, cohortId, inviteAction(body.role));
      const at = now();
      const expiresAt = body.expiresAt
        ? new Date(body.expiresAt)
        : new Date(at.getTime() + INVITE_DEFAULT_DAYS * 86_400_000);
      if (expiresAt <= at || expiresAt.getTime() - at.getTime() > INVITE_MAX_DAYS * 86_400_000)
        throw new AppError(
          'validation',
          `An invitation expires in the future, within ${INVITE_MAX_DAYS} days.`,
          {
            errors: [{ path: '/body/expiresAt', message: `is not within the next ${INVITE_MAX_DAYS} days` }],
          },
        );
      const token = randomBytes(24).toString('base64url');
      const row = await repo.insertInvite(db.primary, {
        cohortId,
        tokenHash: hashToken(token),
        role: body.role,
        maxUses: body.maxUses ?? null,
        expiresAt,
        email: body.email ?? null,
        createdBy: actor!.userId,
      });
      const url = joinUrl(token);
      if (body.email) {
        const [cohort, inviter] = await Promise.all([
          repo.findCohort(db.primary, cohortId),
          deps.users.get(actor!.userId),
        ]);
        const as = body.role === 'mentor' ? 'a mentor' : 'a member';
        await deps.reminders.queueMail(`cohort-invite:${row.id}`, actor!.userId, {
          to: body.email,
          subject: `${inviter.displayName} invites you to ${cohort?.name ?? 'a cohort'} on Waymark`,
          text: [
            `${inviter.displayName} invites you to join "${cohort?.name ?? 'a cohort'}" as ${as}.`,
            '',
            `Open this link to see the cohort, what its mentors will see, and to join:`,
            url,
            '',
            `The invitation expires on ${expiresAt.toISOString().slice(0, 10)}. If you did not expect it, ignore this mail.`,
          ].join('\n'),
        });
      }
      return { ...toInvite(row, at), token, url };
    },

    async listInvites(actor: Actor, cohortId: string): Promise<{ items: Invite[] }> {
      await standing(actor, cohortId, 'manageInvites');
      const at = now();
      return { items: (await repo.listInvites(db.primary, cohortId)).map((r) => toInvite(r, at)) };
    },

    /** Revoking takes the right to make such an invitation: a mentor's is the owner's to revoke. */
    async revokeInvite(actor: Actor, cohortId: string, inviteId: string): Promise<void> {
      const { role } = await standing(actor, cohortId, 'manageInvites');
      const invite = await repo.findInvite(db.primary, cohortId, inviteId);
      if (!invite) throw notFound('There is no such invitation.');
      authorize(
        actor,
        inviteAction(invite.role),
        { kind: 'cohort', role },
        { forbidden: "Only the cohort's owner invites mentors, and revokes their invitations." },
      );
      if (!(await repo.revokeInvite(db.primary, cohortId, inviteId)))
        throw notFound('There is no such invitation.');
    },

    /** What the join page shows before anyone consents. */
    async previewInvite(actor: Actor, token: string): Promise<InvitePreview> {
      const invite = await liveInvite(token);
      const cohort = await repo.findCohort(db.primary, invite.cohort_id);
      if (!cohort) throw notFound('This invitation is not valid; ask for a new link.');
      const already = actor ? await repo.memberRole(db.primary, invite.cohort_id, actor.userId) : undefined;
      return {
        cohortId: cohort.id,
        name: cohort.name,
        description: cohort.description,
        ownerName: cohort.owner_name,
        role: invite.role,
        roadmaps: cohort.roadmaps,
        startsOn: cohort.starts_on,
        endsOn: cohort.ends_on,
        expiresAt: isoTimestamp(invite.expires_at),
        mentorsSee: MENTORS_SEE,
        neverShared: NEVER_SHARED,
        alreadyMember: already ?? null,
      };
    },

    async join(actor: Actor, token: string): Promise<{ cohortId: string; role: CohortRole }> {
      if (!actor) throw new AppError('unauthorized', 'Sign in first.');
      const row = await repo.join(db.primary, hashToken(token), actor.userId, now());
      if (!row) throw notFound('This invitation is not valid; ask for a new link.');
      if (row.existing) return { cohortId: row.cohort_id, role: row.existing };
      if (!row.joined) await liveInvite(token); // says why (410)
      await watching.forget(actor.userId);
      await deps.events.publish(actor.userId, 'member-activity', { cohortId: row.cohort_id });
      return { cohortId: row.cohort_id, role: row.joined! };
    },

    async members(actor: Actor, cohortId: string, query: MemberQuery): Promise<CohortMemberList> {
      await standing(actor, cohortId, 'viewMembers');
      const after = memberCursor(query);
      const at = now();
      const rows = await repo.memberPage(db.primary, cohortId, at, {
        sort: query.sort,
        desc: query.desc,
        filter: query.filter,
        limit: query.limit + 1,
        after,
      });
      const { items, nextCursor } = pageOf(rows, query.limit, (last) => [
        query.sort,
        query.desc,
        query.sort === 'name' ? last.sort_key : Number(last.sort_key),
        last.user_id,
      ]);
      return { items: toMembers(items, at), nextCursor };
    },

    async heatmap(actor: Actor, cohortId: string): Promise<Heatmap> {
      await standing(actor, cohortId, 'viewMembers');
      const { member_count: memberCount, roadmaps } = await repo.heatmap(db.primary, cohortId);
      return { memberCount, roadmaps };
    },

    /**
     * The report: one row per member × roadmap, RFC 4180 with CRLF, UTF-8 with a BOM so that
     * spreadsheets read the names right. Cells that a spreadsheet would run as a formula (a name
     * starting with = + - @) are quoted with a leading apostrophe (OWASP's CSV injection rule).
     */
    async report(actor: Actor, cohortId: string): Promise<{ filename: string; csv: string }> {
      await standing(actor, cohortId, 'viewMembers');
      const cohort = await repo.findCohort(db.primary, cohortId);
      const members = await page(cohortId, { sort: 'name', desc: false, filter: 'all', limit: 100_000 });
      const records = members.flatMap((m) =>
        m.roadmaps.map((r) => [
          m.displayName,
          m.role,
          m.joinedAt,
          r.slug,
          r.percent,
          r.requiredPercent,
          r.nextStep?.title ?? '',
          r.lastActivityAt ?? '',
          m.currentStreak,
          m.minutesLast7Days,
          m.stuck ? 'yes' : 'no',
          m.finished ? 'yes' : 'no',
        ]),
      );
      const csv = stringify(records, {
        header: true,
        columns: [
          'member',
          'role',
          'joined_at',
          'roadmap',
          'percent',
          'required_percent',
          'next_step',
          'last_activity_at',
          'current_streak',
          'minutes_last_7_days',
          'stuck',
          'finished',
        ],
        record_delimiter: '\r\n',
        escape_formulas: true,
        bom: true,
      });
      const slug =
        (cohort?.name ?? 'cohort')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'cohort';
      return { filename: `${slug}-${now().toISOString().slice(0, 10)}.csv`, csv };
    },

    async updateMember(
      actor: Actor,
      cohortId: string,
      target: string,
      body: MemberUpdateBody,
    ): Promise<CohortMember> {
      const userId = target === 'me' ? actor?.userId : target;
      if (body.leaderboard !== undefined) {
        await standing(actor, cohortId, 'leave');
        if (userId !== actor?.userId)
          throw new AppError(
            'forbidden',
            'Only members themselves choose whether they are on the leaderboard.',
          );
        await repo.setLeaderboardChoice(db.primary, cohortId, actor!.userId, body.leaderboard);
      }
      if (body.role !== undefined) {
        await standing(actor, cohortId, 'manageMembers');
        const current = userId ? await repo.memberRole(db.primary, cohortId, userId) : undefined;
        if (!current) throw notFound('That person is not in this cohort.');
        if (body.role === 'owner') {
          if (current !== 'owner') await repo.transferOwnership(db.primary, cohortId, userId!);
        } else if (current === 'owner') {
          throw new AppError(
            'conflict',
            'The owner keeps the owner role until they hand the cohort to someone else (role "owner" on that member).',
          );
        } else await repo.setRole(db.primary, cohortId, userId!, body.role);
        await deps.events.publishCohort(cohortId, userId!);
      }
      const [row] = await page(cohortId, {
        sort: 'name',
        desc: false,
        filter: 'all',
        limit: 1,
        userId: userId!,
      });
      if (!row) throw notFound('That person is not in this cohort.');
      return row;
    },

    async removeMember(actor: Actor, cohortId: string, target: string): Promise<void> {
      const self = target === 'me' || target === actor?.userId;
      const { role } = await standing(actor, cohortId, self ? 'leave' : 'manageMembers');
      const userId = self ? actor!.userId : target;
      const theirs = self ? role : await repo.memberRole(db.primary, cohortId, userId);
      if (!theirs) throw notFound('That person is not in this cohort.');
      if (theirs === 'owner')
        throw new AppError(
          'conflict',
          self
            ? 'Hand the cohort to another member first (make them owner), or delete the cohort.'
            : 'The owner cannot be removed.',
        );
      await repo.removeMember(db.primary, cohortId, userId);
      await watching.forget(userId);
      // The dashboards open on it drop the row (the member no longer watches the cohort).
      await deps.events.publishCohort(cohortId, userId);
    },

    /** A short message by mail to a member, rate-limited per mentor; through the job queue. */
    async nudge(actor: Actor, cohortId: string, target: string, message: string) {
      await standing(actor, cohortId, 'nudge');
      const role = await repo.memberRole(db.primary, cohortId, target);
      if (!role) throw notFound('That person is not in this cohort.');
      if (target === actor!.userId)
        throw new AppError('validation', 'A nudge goes to someone else.', {
          errors: [{ path: '/params/userId', message: 'is you' }],
        });
      const at = now();
      const recent = await repo.nudgesSince(db.primary, actor!.userId, new Date(at.getTime() - 86_400_000));
      const retryAfter = (from: string | Date) =>
        String(Math.max(1, Math.ceil((new Date(from).getTime() + 86_400_000 - at.getTime()) / 1000)));
      const toThem = recent.find((n) => n.to_user_id === target);
      if (toThem)
        throw new AppError('rate_limited', 'You nudged this member in the last 24 hours; give them a day.', {
          headers: { 'retry-after': retryAfter(toThem.created_at) },
        });
      if (recent.length >= NUDGES_PER_DAY)
        throw new AppError('rate_limited', `At most ${NUDGES_PER_DAY} nudges a day; try again tomorrow.`, {
          headers: { 'retry-after': retryAfter(recent[0]!.created_at) },
        });
      const [cohort, from, to] = await Promise.all([
        repo.findCohort(db.primary, cohortId),
        deps.users.get(actor!.userId),
        deps.users.get(target),
      ]);
      const row = await repo.insertNudge(db.primary, {
        cohortId,
        fromUserId: actor!.userId,
        toUserId: target,
        message,
      });
      await deps.reminders.queueMail(`cohort-nudge:${row.id}`, target, {
        to: to.email,
        subject: `${from.displayName} (${cohort?.name ?? 'your cohort'}) sent you a note`,
        text: [
          `${from.displayName}, a mentor of "${cohort?.name ?? 'your cohort'}", writes:`,
          '',
          message,
          '',
          `Pick up where you left off: ${deps.publicUrl}/dashboard`,
          `You get this because you are in this cohort; leave it from ${deps.publicUrl}/cohorts/${cohortId}.`,
        ].join('\n'),
      });
      return { id: row.id, sentAt: isoTimestamp(row.created_at) };
    },

    /** For the live dashboard's event stream: owners and mentors (and admins). */
    async authorizeStream(actor: Actor, cohortId: string): Promise<void> {
      await standing(actor, cohortId, 'viewMembers');
    },

    exportRows: (userId: string) => repo.exportRows(db.primary, userId),
    /**
     * Part of deleting an account, in its transaction `tx`: the cohorts it owns pass to someone
     * else in them, so that a failed deletion leaves them as they were.
     */
    handOver: (userId: string, tx: Db) => repo.handOverOwnedCohorts(tx, userId),
  };

  async function list(
    actor: NonNullable<Actor>,
    query: ListQuery,
    userId: string | undefined,
  ): Promise<CohortList> {
    const after = query.cursor
      ? decodeCursor(query.cursor, (value) => {
          if (!Array.isArray(value)) return undefined;
          const [createdAt, id] = value as unknown[];
          return cursorFields.timestamp(createdAt) && cursorFields.uuid(id) ? { createdAt, id } : undefined;
        })
      : undefined;
    const rows = await repo.listCohorts(db.primary, {
      ...(userId ? { userId } : {}),
      viewerId: actor.userId,
      limit: query.limit + 1,
      after,
    });
    const { items, nextCursor } = pageOf(rows, query.limit, (last) => [
      isoTimestamp(last.created_at),
      last.id,
    ]);
    return {
      items: items.map((r) => ({
        id: r.id,
        name: r.name,
        role: r.role,
        roadmapSlugs: r.roadmap_slugs,
        memberCount: r.member_count,
        endsOn: r.ends_on,
      })),
      nextCursor,
    };
  }

  // The live dashboards: a member's write is heard by the cohorts they are in.
  deps.events.setWatchers((userId) => watching.get(userId, () => repo.cohortsOf(db.primary, userId)));
  return service;
}

export type CohortService = ReturnType<typeof createCohortService>;
