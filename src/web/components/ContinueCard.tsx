// "Continue" first: where the learner stands and the one thing to do next — the next step with
// its number, the percentage, the next milestone and the time it needs. A new visitor sees
// where the path starts and how long it is.
import { ArrowRight, Flag } from 'lucide-react';
import { Link } from 'react-router';
import type { RoadmapDocument } from '../api.ts';
import { hours, type Overview } from '../progress.ts';
import { ProgressBar } from './common.tsx';

export function ContinueCard({ doc, progress }: { doc: RoadmapDocument; progress: Overview }) {
  const { next, nextMilestone } = progress;
  const started = progress.done > 0;
  if (!next) {
    return (
      <section className="continue done" aria-label="Your progress">
        <p className="continue-title">You have worked through every step of {doc.title}. Well done!</p>
      </section>
    );
  }
  return (
    <section className="continue" aria-label={started ? 'Continue where you left off' : 'Where to start'}>
      <p className="eyebrow">{started ? `${progress.percent}% done` : `${doc.stepCount} steps`}</p>
      <p className="continue-title">
        <Link to={`/roadmaps/${doc.slug}/steps/${next.slug}`} className="continue-link">
          {started ? 'Continue' : 'Start'}: step {next.position} — {next.title}
          <ArrowRight size={18} aria-hidden="true" />
        </Link>
      </p>
      <p className="meta">
        {started
          ? `${progress.done} of ${progress.steps.length} steps done · required ${progress.requiredDone} of ${progress.required}`
          : `The whole path is ${hours(doc.estimatedHours)}; ${doc.requiredStepCount} steps are required.`}
      </p>
      <div className="continue-bars">
        <ProgressBar
          label={`All steps: ${progress.done} of ${progress.steps.length} done`}
          percent={progress.percent}
        />
        <ProgressBar
          label={`Required steps: ${progress.requiredDone} of ${progress.required} done`}
          percent={progress.requiredPercent}
        />
      </div>
      {nextMilestone ? (
        <p className="continue-milestone">
          <Flag size={16} aria-hidden="true" /> Next milestone:{' '}
          <strong>{nextMilestone.milestone.title}</strong> — {nextMilestone.stepsLeft.length} required step
          {nextMilestone.stepsLeft.length === 1 ? '' : 's'} to go, {hours(nextMilestone.hoursLeft)}
        </p>
      ) : null}
    </section>
  );
}
