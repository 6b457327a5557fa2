// The roadmap page: everything the roadmap says, in order — intro, layers of numbered steps
// marked required or optional, the milestone between layers, comparison tables, FAQ — and,
// for the learner, a status on every step, progress bars and the next step.
import type { KeyboardEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorMessage, Loading, ProgressBar, usePageMeta } from '../components/common.tsx';
import { STATUS_KEYS, StatusControl } from '../components/StatusControl.tsx';
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

  const onStepKey = (event: KeyboardEvent<HTMLLIElement>, stepSlug: string) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    if (target.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text') return;
    const next = STATUS_KEYS[event.key.toLowerCase()];
    if (next) {
      event.preventDefault();
      progress.set(stepSlug, next);
    }
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

      {doc.layers.map((layer, index) => (
        <section key={layer.slug} className="layer" aria-labelledby={`layer-${layer.slug}`}>
          <h2 id={`layer-${layer.slug}`}>
            <span className="layer-number">Layer {index + 1}</span> {layer.title}
          </h2>
          <p>{layer.summary}</p>
          <ol className="steps" start={layer.steps[0]?.position}>
            {layer.steps.map((step) => {
              const status = statuses[step.slug] ?? 'todo';
              return (
                <li
                  key={step.slug}
                  id={`step-${step.slug}`}
                  className={`step ${step.required ? 'required' : 'optional'} status-${status}${next?.slug === step.slug ? ' next' : ''}`}
                  tabIndex={0}
                  aria-label={`Step ${step.position}: ${step.title}, ${step.required ? 'required' : 'optional'}`}
                  onKeyDown={(e) => onStepKey(e, step.slug)}
                >
                  <div className="step-head">
                    <span className="step-number" aria-hidden="true">
                      {step.position}
                    </span>
                    <h3>
                      <Link to={`/roadmaps/${doc.slug}/steps/${step.slug}`}>{step.title}</Link>
                    </h3>
                    <span className={`badge ${step.required ? 'badge-required' : 'badge-optional'}`}>
                      {step.required ? 'Required' : 'Optional'}
                    </span>
                    {next?.slug === step.slug ? <span className="badge badge-next">Next step</span> : null}
                  </div>
                  <p>{step.summary}</p>
                  <p className="meta">About {step.estimatedHours} hours</p>
                  <StatusControl
                    name={step.slug}
                    label={step.title}
                    status={status}
                    onChange={(value) => progress.set(step.slug, value)}
                  />
                </li>
              );
            })}
          </ol>
          {layer.steps
            .filter((step) => milestoneAfter.has(step.slug))
            .map((step) => {
              const milestone = milestoneAfter.get(step.slug)!;
              const isReached = reached(step.slug);
              return (
                <aside
                  key={milestone.slug}
                  className={`milestone${isReached ? ' reached' : ''}`}
                  aria-labelledby={`milestone-${milestone.slug}`}
                >
                  <p className="eyebrow">Milestone · {isReached ? 'Reached ✓' : 'Not reached yet'}</p>
                  <h3 id={`milestone-${milestone.slug}`}>{milestone.title}</h3>
                  <div className="prose" dangerouslySetInnerHTML={{ __html: milestone.descriptionHtml }} />
                </aside>
              );
            })}
        </section>
      ))}

      {doc.comparisons.map((table) => (
        <section key={table.slug} className="comparison" aria-labelledby={`table-${table.slug}`}>
          <h2 id={`table-${table.slug}`}>{table.title}</h2>
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={`table-${table.slug}`}>
            <table>
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((cells) => (
                  <tr key={cells[0]}>
                    {cells.map((cell, i) =>
                      i === 0 ? (
                        <th key={i} scope="row">
                          {cell}
                        </th>
                      ) : (
                        <td key={i}>{cell}</td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}

      {doc.faq.length > 0 ? (
        <section className="faq" aria-labelledby="faq">
          <h2 id="faq">Frequently asked questions</h2>
          {doc.faq.map((f) => (
            <details key={f.question}>
              <summary>{f.question}</summary>
              <div className="prose" dangerouslySetInnerHTML={{ __html: f.answerHtml }} />
            </details>
          ))}
        </section>
      ) : null}

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
