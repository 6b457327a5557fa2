// The roadmap page: everything the roadmap says, in order — intro, layers of numbered steps
// marked required or optional, the milestone between layers, comparison tables, FAQ — and,
// for the learner, a status on every step, progress bars and the next step.
import { Link, useParams } from 'react-router';
import { ErrorMessage, Loading, ProgressBar, usePageMeta } from '../components/common.tsx';
import { RoadmapView } from '../components/RoadmapView.tsx';
import { useRoadmap, useStepStatuses } from '../queries.ts';
import type { RoadmapDocument, StepStatus } from '../types.ts';

function nextStepOf(doc: RoadmapDocument, statuses: Record<string, StepStatus>) {
  for (const layer of doc.layers) {
    for (const step of layer.steps) {
      const s = statuses[step.slug] ?? 'todo';
      if (s !== 'done' && s !== 'skipped') return step;
    }
  }
  return undefined;
}

export default function Roadmap() {
  const { slug = '' } = useParams();
  const roadmap = useRoadmap(slug);
  const progress = useStepStatuses(slug);
  const doc = roadmap.data;
  usePageMeta(doc ? `${doc.title} roadmap` : undefined, doc?.summary);

  if (roadmap.isPending) return <Loading label="Loading the roadmap…" />;
  if (!doc) return <ErrorMessage error={roadmap.error} />;

  const statuses = progress.statuses;
  const steps = doc.layers.flatMap((l) => l.steps);
  const done = steps.filter((s) => statuses[s.slug] === 'done');
  const required = steps.filter((s) => s.required);
  const requiredDone = required.filter((s) => statuses[s.slug] === 'done');
  const percent = (a: number, b: number) => (b === 0 ? 0 : Math.round((a * 100) / b));
  const next = nextStepOf(doc, statuses);

  const milestoneAfter = new Map(doc.milestones.map((m) => [m.afterStep, m]));
  const reached = (afterStep: string) => {
    const summary = progress.summary?.milestones.find((m) => milestoneAfter.get(afterStep)?.slug === m.slug);
    if (summary) return summary.reached;
    const position = steps.find((s) => s.slug === afterStep)?.position ?? 0;
    return required.filter((s) => s.position <= position).every((s) => statuses[s.slug] === 'done');
  };

  return (
    <article className="roadmap">
      <header className="roadmap-header">
        <p className="eyebrow">Roadmap</p>
        <h1>{doc.title}</h1>
        <p className="lead">{doc.summary}</p>
        <div className="prose" dangerouslySetInnerHTML={{ __html: doc.introHtml }} />
        <p className="meta">
          {doc.stepCount} steps · {doc.requiredStepCount} required · about {doc.estimatedHours} hours in all
        </p>
        <section aria-label="Your progress" className="progress-panel">
          <ProgressBar
            label={`All steps: ${done.length} of ${steps.length} done`}
            percent={percent(done.length, steps.length)}
          />
          <ProgressBar
            label={`Required steps: ${requiredDone.length} of ${required.length} done`}
            percent={percent(requiredDone.length, required.length)}
          />
          {!progress.signedIn ? (
            <p className="hint">
              Your ticks are kept in this browser. <Link to="/signup">Sign up</Link> to keep them everywhere.
            </p>
          ) : null}
          <ErrorMessage error={progress.error} />
        </section>
      </header>

      <p className="shortcuts hint">
        Tip: on a focused step, press <kbd>d</kbd> done, <kbd>l</kbd> learning, <kbd>s</kbd> skipped,{' '}
        <kbd>r</kbd> reset.
      </p>

      <RoadmapView
        doc={doc}
        statuses={statuses}
        next={next?.slug}
        onSet={(step, value) => progress.set(step, value)}
        reached={reached}
      />

      <section className="cta" aria-labelledby="cta">
        <h2 id="cta">{doc.callToAction.title}</h2>
        <p>{doc.callToAction.text}</p>
        {next ? (
          <Link className="button" to={`/roadmaps/${doc.slug}/steps/${next.slug}`}>
            {done.length === 0 ? 'Begin with the first step' : `Continue: ${next.title}`}
          </Link>
        ) : (
          <p>You have worked through every step. Well done!</p>
        )}
      </section>
    </article>
  );
}
