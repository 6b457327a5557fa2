// The account as a whole: everything a user owns (export), its deletion, and the public profile
// built from progress and streaks. It composes the users, auth, progress and habits services.
import type { Static } from 'typebox';
import type { AuthService } from '../auth/service.ts';
import type { HabitService } from '../habits/service.ts';
import type { ProgressService } from '../progress/service.ts';
import { toUser, type UserService } from '../users/service.ts';
import type { Export, PublicProfile } from './schemas.ts';

export function createAccountService(deps: {
  users: UserService;
  auth: AuthService;
  progress: ProgressService;
  habits: HabitService;
}) {
  const { users, auth, progress, habits } = deps;

  return {
    async export(userId: string): Promise<Static<typeof Export>> {
      const [user, progressRows, studySessions] = await Promise.all([
        users.get(userId),
        progress.exportRows(userId),
        habits.exportRows(userId),
      ]);
      return {
        format: 'waymark-export/1',
        exportedAt: new Date().toISOString(),
        user: toUser(user),
        progress: progressRows,
        studySessions,
      };
    },

    /** Ends every session at once (on every instance), then deletes the account and all it owns. */
    async delete(userId: string): Promise<void> {
      await auth.revokeAll(userId);
      await users.remove(userId);
    },

    async publicProfile(handle: string): Promise<Static<typeof PublicProfile>> {
      const user = await users.findPublic(handle);
      const [mine, stats] = await Promise.all([progress.myRoadmaps(user.id), habits.stats(user.id)]);
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
      };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
