// Progress: a learner's status on each step, and the summary that follows from it — counts,
// percents, milestones reached, the next step.
import { isoTimestamp, type Database } from '../../db/client.ts';
import type { StepStatus } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { EventService } from '../events/service.ts';
import { newCard } from '../reviews/scheduler.ts';
import * as repo from './repo.ts';
import type { ProgressSummary, ResourceCheck, StepProgress } from './schemas.ts';

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part * 100) / whole));

function toSummary(row: repo.SummaryRow): ProgressSummary {
  return {
    roadmapSlug: row.roadmap_slug,
    roadmapTitle: row.roadmap_title,
    steps: row.steps,
    doneCount: row.done_count,
    stepCount: row.step_count,
    percent: percent(row.done_count, row.step_count),
    requiredDoneCount: row.required_done_count,
    requiredCount: row.required_count,
    requiredPercent: percent(row.required_done_count, row.required_count),
    milestones: row.milestones.map((m) => ({ ...m, reachedAt: isoTimestamp(m.reachedAt) })),
    nextStep: row.next_step,
    updatedAt: isoTimestamp(row.updated_at),
    resourcesDone: row.resources_done,
  };
}

export function createProgressService(deps: { db: Database; events: EventService; now?: () => Date }) {
  const { db, events } = deps;
  const now = deps.now ?? (() => new Date());

  async function summary(userId: string, roadmapSlug: string): Promise<ProgressSummary> {
    // The learner's own data, read right after their writes: always from the primary.
    const row = await repo.summary(db.primary, userId, roadmapSlug);
    if (!row) throw notFound(`No published roadmap is called "${roadmapSlug}".`);
    return toSummary(row);
  }

  return {
    summary,

    async setStatus(
      userId: string,
      roadmapSlug: string,
      stepSlug: string,
      status: StepStatus,
    ): Promise<StepProgress> {
      const row = await repo.setStatus(db.primary, {
        userId,
        roadmapSlug,
        stepSlug,
        status,
        newCard: newCard(now()),
      });
      if (!row) throw notFound(`The roadmap "${roadmapSlug}" has no published step "${stepSlug}".`);
      const result = { stepSlug, status: row.status, updatedAt: row.updatedAt.toISOString() };
      await events.publish(userId, 'progress', { roadmapSlug, ...result });
      return result;
    },

    /** Estimated hours left on a roadmap (all steps, required only); 404 for no such roadmap. */
    async remainingHours(userId: string, roadmapSlug: string) {
      const row = await repo.remainingHours(db.primary, userId, roadmapSlug);
      if (!row) throw notFound(`No published roadmap is called "${roadmapSlug}".`);
      return row;
    },

    /** Ticks or unticks one of a step's resources (by its URL); repeating it changes nothing. */
    async setResource(
      userId: string,
      roadmapSlug: string,
      stepSlug: string,
      body: { url: string; done: boolean },
    ): Promise<ResourceCheck> {
      const row = await repo.setResource(db.primary, { userId, roadmapSlug, stepSlug, ...body });
      if (!row) throw notFound(`The roadmap "${roadmapSlug}" has no published step "${stepSlug}".`);
      if (!row.known) {
        throw new AppError('validation', `"${stepSlug}" has no resource with this URL.`, {
          errors: [{ path: '/body/url', message: 'is not a resource of this step' }],
        });
      }
      const result = { stepSlug, url: body.url, done: body.done };
      await events.publish(userId, 'progress', { roadmapSlug, resource: result });
      return result;
    },

    async resourceExportRows(userId: string) {
      return (await repo.allResourceChecks(db.primary, userId)).map((r) => ({
        roadmapSlug: r.roadmap_slug,
        stepId: r.step_id,
        stepSlug: r.step_slug,
        url: r.url,
        checkedAt: isoTimestamp(r.checked_at)!,
      }));
    },

    /** The published roadmaps the learner has marked a step of, last touched first. */
    touchedRoadmaps: (userId: string) => repo.touchedRoadmaps(db.primary, userId),

    async myRoadmaps(userId: string): Promise<{ items: ProgressSummary[] }> {
      const slugs = await repo.touchedRoadmaps(db.primary, userId);
      return { items: await Promise.all(slugs.map((slug) => summary(userId, slug))) };
    },

    /** Every progress row of the user, retired steps included, for the export. */
    async exportRows(userId: string) {
      const rows = await repo.allRows(db.primary, userId);
      return rows.map((r) => ({
        roadmapSlug: r.roadmap_slug,
        stepId: r.step_id,
        stepSlug: r.step_slug,
        stepTitle: r.step_title,
        stepRetired: r.retired,
        status: r.status,
        updatedAt: isoTimestamp(r.updated_at)!,
        completedAt: isoTimestamp(r.completed_at),
      }));
    },
  };
}

export type ProgressService = ReturnType<typeof createProgressService>;
