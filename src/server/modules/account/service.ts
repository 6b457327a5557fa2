// The account as a whole: everything a user owns (export), its deletion, the public profile
// built from progress and streaks, and the admin's view of accounts (roles). It composes the
// users, auth, progress, habits and authoring services.
import type { Static } from 'typebox';
import { isoTimestamp, type Database } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import { cursorFields, decodeCursor, pageOf } from '../../http/cursor.ts';
import { AppError } from '../../http/errors.ts';
import { authorize, type Actor } from '../../policies/index.ts';
import type { AuthService } from '../auth/service.ts';
import type { AuthoringService } from '../roadmaps/authoring.ts';
import type { HabitService } from '../habits/service.ts';
import type { NoteService } from '../notes/service.ts';
import type { ReviewService } from '../reviews/service.ts';
import type { TokenService } from '../tokens/service.ts';
import type { WebhookService } from '../webhooks/service.ts';
import type { BadgeService } from '../badges/service.ts';
import type { CohortService } from '../cohorts/service.ts';
import type { ProgressService } from '../progress/service.ts';
import { toUser, type UserService } from '../users/service.ts';
import * as repo from './repo.ts';
import type { Export, PublicProfile, UserList } from './schemas.ts';

export function createAccountService(deps: {
  db: Database;
  users: UserService;
  auth: AuthService;
  progress: ProgressService;
  habits: HabitService;
  authoring: AuthoringService;
  notes: NoteService;
  reviews: ReviewService;
  cohorts: CohortService;
  tokens: TokenService;
  webhooks: Pick<WebhookService, 'list'>;
  badges: Pick<BadgeService, 'exportRows' | 'publicFor'>;
}) {
  const { db, users, auth, progress, habits, authoring, notes, reviews, cohorts, tokens, webhooks, badges } =
    deps;

  /** The caller with the role their account has in the database now (admin operations). */
  async function fresh(caller: { userId: string }): Promise<Actor> {
    const user = await users.get(caller.userId).catch(() => undefined);
    if (!user) throw new AppError('unauthorized', 'The account no longer exists.');
    return { userId: user.id, role: user.role };
  }

  return {
    async export(userId: string): Promise<Static<typeof Export>> {
      const [
        user,
        progressRows,
        studySessions,
        signIn,
        authored,
        mail,
        noteRows,
        resourceChecks,
        plans,
        cards,
        cohortRows,
        tokenList,
        webhookList,
        credentialRows,
      ] = await Promise.all([
        users.get(userId),
        progress.exportRows(userId),
        habits.exportRows(userId),
        auth.exportRows(userId),
        authoring.exportRows(userId),
        repo.mailTo(db.primary, userId),
        notes.exportRows(userId),
        progress.resourceExportRows(userId),
        habits.planExportRows(userId),
        reviews.exportRows(userId),
        cohorts.exportRows(userId),
        tokens.list(userId),
        webhooks.list(userId),
        badges.exportRows(userId),
      ]);
      return {
        format: 'waymark-export/1',
        exportedAt: new Date().toISOString(),
        user: toUser(user),
        progress: progressRows,
        studySessions,
        notes: noteRows,
        resourceChecks,
        roadmapPlans: plans,
        reviewCards: cards,
        identities: signIn.identities,
        sessions: signIn.sessions,
        authoredRoadmaps: authored,
        mail: mail.map((m) => ({
          to: m.to,
          subject: m.subject,
          // Links in kept mail carry single-use tokens: the export shows the mail, not the keys.
          text: m.text.replace(/([?&]token=)[^\s&]+/g, '$1(removed)'),
          createdAt: m.createdAt.toISOString(),
        })),
        cohorts: cohortRows.memberships.map((m) => ({
          cohortId: m.cohort_id,
          name: m.name,
          role: m.role,
          joinedAt: isoTimestamp(m.joined_at),
          leaderboard: m.leaderboard,
        })),
        personalAccessTokens: tokenList.items,
        webhooks: webhookList.items,
        credentials: credentialRows,
        nudges: cohortRows.nudges.map((n) => ({
          cohortId: n.cohort_id,
          direction: n.direction,
          message: n.message,
          createdAt: isoTimestamp(n.created_at),
        })),
      };
    },

    /**
     * Ends every session at once (on every instance), then deletes the account and all it owns
     * in one transaction (users/repo.ts): progress, notes, resource ticks, study log, sessions, identities, kept mail,
     * and roadmaps never published. Roadmaps it published stay published for their learners;
     * admins take them over (the owner becomes nobody) and unpublished edits to them go.
     * Cohorts it owns pass to their longest-standing mentor (else member) first, in the same
     * transaction (a deletion that fails hands nothing over); its memberships and nudges go with
     * the account.
     */
    async delete(userId: string): Promise<void> {
      await auth.revokeAll(userId);
      await db.primary.transaction(async (tx) => {
        await cohorts.handOver(userId, tx);
        await users.remove(userId, tx);
      });
      await tokens.forgetUser(userId); // its personal access tokens went with it
    },

    /** What deleting the account would do to roadmaps it wrote (the delete dialog says it). */
    async deletionImpact(userId: string) {
      const owned = await authoring.exportRows(userId);
      return {
        publishedRoadmaps: owned.filter((r) => r.status === 'published').map((r) => r.slug),
        draftRoadmaps: owned.filter((r) => r.status === 'draft').map((r) => r.slug),
      };
    },

    /** Admins: accounts in email order, optionally matching `q`. */
    async listUsers(
      caller: { userId: string },
      query: { limit: number; cursor?: string | undefined; q?: string | undefined },
    ): Promise<Static<typeof UserList>> {
      authorize(
        await fresh(caller),
        'list',
        { kind: 'user', id: '' },
        { forbidden: 'Only an admin can list accounts.' },
      );
      const afterEmail =
        query.cursor === undefined
          ? undefined
          : decodeCursor(query.cursor, (v) => {
              const after = (v as { after?: unknown } | null)?.after;
              return cursorFields.text(after, 254) ? after : undefined;
            });
      const rows = await users.list({ limit: query.limit + 1, afterEmail, q: query.q });
      const page = pageOf(rows, query.limit, (last) => ({ after: last.email }));
      return { items: page.items.map(toUser), nextCursor: page.nextCursor };
    },

    /**
     * Admins change roles. The admin's own role is read from the database now (a demoted admin
     * cannot promote anyone with the token they still hold), and the changed user's sessions
     * end at once, so their next token carries the new role.
     */
    async changeRole(caller: { userId: string }, userId: string, role: Role) {
      authorize(
        await fresh(caller),
        'changeRole',
        { kind: 'user', id: userId },
        { forbidden: 'Only an admin can change roles.' },
      );
      const before = await users.get(userId);
      const row = await users.setRole(userId, role);
      if (before.role !== role) await auth.revokeAll(userId);
      return row;
    },

    async publicProfile(handle: string): Promise<Static<typeof PublicProfile>> {
      const user = await users.findPublic(handle);
      const [mine, stats, shared] = await Promise.all([
        progress.myRoadmaps(user.id),
        habits.stats(user.id),
        badges.publicFor(user.id),
      ]);
      return {
        handle: user.handle!,
        displayName: user.displayName,
        memberSince: user.createdAt.toISOString().slice(0, 10),
        currentStreak: stats.currentStreak,
        longestStreak: stats.longestStreak,
        roadmaps: mine.items.map((s) => ({
          slug: s.roadmapSlug,
          title: s.roadmapTitle,
          percent: s.percent,
          requiredPercent: s.requiredPercent,
          doneCount: s.doneCount,
          stepCount: s.stepCount,
        })),
        credentials: shared,
      };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
