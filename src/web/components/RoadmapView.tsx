// The body of a roadmap as a list — layers of numbered steps marked required or optional,
// milestone cards — and the parts every view shows below the path (comparison tables, FAQ).
// Shared by the roadmap page's list view and the author's live preview. With `onSet`, each step
// carries its status control and the keyboard shortcuts.
import type { KeyboardEvent } from 'react';
import { Link } from 'react-router';
import type { RoadmapDocument, StepStatus } from '../api.ts';
import { RoadmapExtras } from './RoadmapExtras.tsx';
import { STATUS_KEYS, STATUS_LABELS, StatusControl, StatusIcon } from './StatusControl.tsx';

export interface RoadmapViewProps {
  doc: RoadmapDocument;
  statuses?: Record<string, StepStatus>;
  next?: string | undefined;
  onSet?: (stepSlug: string, status: StepStatus) => void;
  reached?: (afterStep: string) => boolean;
  /** Links to step pages; off in a preview of an unsaved draft. */
  linkSteps?: boolean;
}

/** Everything: the list of steps, then the tables and the FAQ (the author's preview). */
export function RoadmapView(props: RoadmapViewProps) {
  return (
    <>
      <StepList {...props} />
      <RoadmapExtras doc={props.doc} />
    </>
  );
}

export function StepList({
  doc,
  statuses = {},
  next,
  onSet,
  reached = () => false,
  linkSteps = true,
}: RoadmapViewProps) {
  const milestoneAfter = new Map(doc.milestones.map((m) => [m.afterStep, m]));
  const onStepKey = (event: KeyboardEvent<HTMLLIElement>, stepSlug: string) => {
    if (!onSet || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    if (target.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text') return;
    const value = STATUS_KEYS[event.key.toLowerCase()];
    if (value) {
      event.preventDefault();
      onSet(stepSlug, value);
    }
  };

  return (
    <>
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
                  className={`step ${step.required ? 'required' : 'optional'} status-${status}${next === step.slug ? ' next' : ''}`}
                  tabIndex={onSet ? 0 : undefined}
                  aria-label={`Step ${step.position}: ${step.title}, ${step.required ? 'required' : 'optional'}, ${STATUS_LABELS[status].toLowerCase()}`}
                  onKeyDown={(e) => onStepKey(e, step.slug)}
                >
                  <div className="step-head">
                    <span className="step-number" aria-hidden="true">
                      {step.position}
                    </span>
                    <StatusIcon status={status} />
                    <h3>
                      {linkSteps ? (
                        <Link to={`/roadmaps/${doc.slug}/steps/${step.slug}`}>{step.title}</Link>
                      ) : (
                        step.title
                      )}
                    </h3>
                    <span className={`badge ${step.required ? 'badge-required' : 'badge-optional'}`}>
                      {step.required ? 'Required' : 'Optional'}
                    </span>
                    {next === step.slug ? <span className="badge badge-next">Next step</span> : null}
                  </div>
                  <p>{step.summary}</p>
                  <p className="meta">About {step.estimatedHours} hours</p>
                  {onSet ? (
                    <StatusControl
                      name={step.slug}
                      label={step.title}
                      status={status}
                      onChange={(value) => onSet(step.slug, value)}
                    />
                  ) : null}
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
    </>
  );
}
