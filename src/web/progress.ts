// What a learner's statuses mean for a roadmap, computed the same way everywhere the web app
// shows it (map, list, "Continue", dashboard): the next step, percentages, milestones.
import type { RoadmapDocument, StepStatus } from './api.ts';

export type Step = RoadmapDocument['layers'][number]['steps'][number];
export type Milestone = RoadmapDocument['milestones'][number];
export type Statuses = Record<string, StepStatus>;

export const stepsOf = (doc: RoadmapDocument): Step[] => doc.layers.flatMap((l) => l.steps);
export const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part * 100) / whole));
const finished = (status: StepStatus | undefined) => status === 'done' || status === 'skipped';

/** The first step in order that is neither done nor skipped. */
export function nextStepOf(doc: RoadmapDocument, statuses: Statuses): Step | undefined {
  return stepsOf(doc).find((s) => !finished(statuses[s.slug]));
}

/** A milestone is reached when every required step up to its step is done. */
export function isReached(doc: RoadmapDocument, statuses: Statuses, milestone: Milestone): boolean {
  const steps = stepsOf(doc);
  const position = steps.find((s) => s.slug === milestone.afterStep)?.position ?? 0;
  return steps.filter((s) => s.required && s.position <= position).every((s) => statuses[s.slug] === 'done');
}

export interface Overview {
  steps: Step[];
  done: number;
  required: number;
  requiredDone: number;
  percent: number;
  requiredPercent: number;
  next: Step | undefined;
  /** The first milestone not reached yet, with the required steps still before it. */
  nextMilestone: { milestone: Milestone; stepsLeft: Step[]; hoursLeft: number } | undefined;
}

export function overview(doc: RoadmapDocument, statuses: Statuses): Overview {
  const steps = stepsOf(doc);
  const done = steps.filter((s) => statuses[s.slug] === 'done').length;
  const required = steps.filter((s) => s.required);
  const requiredDone = required.filter((s) => statuses[s.slug] === 'done').length;
  const upcoming = doc.milestones.find((m) => !isReached(doc, statuses, m));
  let nextMilestone: Overview['nextMilestone'];
  if (upcoming) {
    const position = steps.find((s) => s.slug === upcoming.afterStep)?.position ?? 0;
    const stepsLeft = required.filter((s) => s.position <= position && statuses[s.slug] !== 'done');
    nextMilestone = {
      milestone: upcoming,
      stepsLeft,
      hoursLeft: stepsLeft.reduce((sum, s) => sum + s.estimatedHours, 0),
    };
  }
  return {
    steps,
    done,
    required: required.length,
    requiredDone,
    percent: percent(done, steps.length),
    requiredPercent: percent(requiredDone, required.length),
    next: nextStepOf(doc, statuses),
    nextMilestone,
  };
}

/** "about 6 hours", "about 1 hour", "under an hour". */
export function hours(value: number): string {
  if (value < 1) return 'under an hour';
  const rounded = Math.round(value);
  return `about ${rounded} hour${rounded === 1 ? '' : 's'}`;
}
