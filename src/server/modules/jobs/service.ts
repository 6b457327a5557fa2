// The job queue as an admin sees it: counts per queue, the jobs that ran out of retries, and
// sending one of those back. The same reads back `waymark jobs list|retry`.
import { notFound } from '../../http/errors.ts';
import type { Jobs } from '../../infra/jobs.ts';
import { authorize, type Actor } from '../../policies/index.ts';
import type { UserService } from '../users/service.ts';

export function createJobAdminService(deps: { jobs: Jobs; users: UserService }) {
  /** The caller with the role their account has now (never the token's claim). */
  async function fresh(caller: { userId: string }): Promise<Actor> {
    const user = await deps.users.get(caller.userId);
    return { userId: user.id, role: user.role };
  }

  return {
    async overview(caller: { userId: string }, limit: number) {
      authorize(
        await fresh(caller),
        'list',
        { kind: 'queue' },
        { forbidden: 'Only an admin can see the job queue.' },
      );
      const [queues, dead] = await Promise.all([deps.jobs.counts(), deps.jobs.dead(limit)]);
      // Which job it was, not what it carried: a mail's text holds its unsubscribe link.
      return { queues, dead: dead.map((job) => ({ ...job, data: summary(job.data) })) };
    },

    async retry(caller: { userId: string }, id: string): Promise<void> {
      authorize(
        await fresh(caller),
        'retry',
        { kind: 'queue' },
        { forbidden: 'Only an admin can retry jobs.' },
      );
      if (!(await deps.jobs.retry(id)))
        throw notFound('No failed job has this id: it may have been retried already.');
    },
  };
}

const SUMMARY_KEYS = ['userId', 'kind', 'channel', 'dueAt', 'subscriptionId'];

function summary(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object') return {};
  return Object.fromEntries(Object.entries(data).filter(([key]) => SUMMARY_KEYS.includes(key)));
}

export type JobAdminService = ReturnType<typeof createJobAdminService>;
