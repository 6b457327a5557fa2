// The roadmap as a map: layers as bands, steps as nodes in order along a path, required steps
// solid and optional ones dashed, each with its status (colour and icon), milestones as flags
// after their step, the next step highlighted. Semantically it is one ordered list of links, so
// a screen reader reads the path in order, each node's name saying its place, status and
// whether it is required. One tab stop: arrow keys move between nodes (Home/End to the ends),
// Enter opens a step, d/l/s/r set the focused step's status. On a phone it is a vertical path.
import { Flag, StickyNote } from 'lucide-react';
import { useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import type { RoadmapDocument, StepStatus } from '../api.ts';
import { hours, isReached, stepsOf, type Statuses } from '../progress.ts';
import { STATUS_KEYS, STATUS_LABELS, StatusIcon } from './StatusControl.tsx';

export interface RoadmapMapProps {
  doc: RoadmapDocument;
  statuses: Statuses;
  next?: string | undefined;
  onSet?: ((stepSlug: string, status: StepStatus) => void) | undefined;
  /** Steps that carry a note of the learner's (a marker on the node). */
  withNotes?: ReadonlySet<string> | undefined;
  /** A small, non-interactive map (the home page): no keyboard handling, no links. */
  compact?: boolean;
}

export function RoadmapMap({ doc, statuses, next, onSet, withNotes, compact = false }: RoadmapMapProps) {
  const steps = stepsOf(doc);
  const total = steps.length;
  const milestoneAfter = new Map(doc.milestones.map((m) => [m.afterStep, m]));
  const [focused, setFocused] = useState(() => next ?? steps[0]?.slug);
  const nodes = useRef(new Map<string, HTMLAnchorElement>());

  const move = (event: KeyboardEvent<HTMLAnchorElement>, slug: string) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const index = steps.findIndex((s) => s.slug === slug);
    const to =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? index + 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? total - 1
              : undefined;
    if (to !== undefined) {
      event.preventDefault();
      const target = steps[Math.max(0, Math.min(total - 1, to))];
      if (target) {
        setFocused(target.slug);
        nodes.current.get(target.slug)?.focus();
      }
      return;
    }
    const status = STATUS_KEYS[event.key.toLowerCase()];
    if (status && onSet) {
      event.preventDefault();
      onSet(slug, status);
    }
  };

  return (
    <div className={`roadmap-map${compact ? ' compact' : ''}`}>
      {doc.layers.map((layer, li) => (
        <section
          key={layer.slug}
          className="map-band"
          aria-labelledby={compact ? undefined : `band-${layer.slug}`}
        >
          <h2 id={`band-${layer.slug}`} className="map-band-title">
            <span className="layer-number">Layer {li + 1}</span> {layer.title}
          </h2>
          <ol className="map-path" start={layer.steps[0]?.position}>
            {layer.steps.map((step) => {
              const status = statuses[step.slug] ?? 'todo';
              const isNext = next === step.slug;
              const milestone = milestoneAfter.get(step.slug);
              const reached = milestone ? isReached(doc, statuses, milestone) : false;
              // The accessible name is the node's own text, with what the eye gets from its
              // colour, border and icon said in words (hidden from sight, so the visible text stays
              // part of the name: WCAG 2.5.3).
              const said = [
                step.required ? 'required' : 'optional',
                STATUS_LABELS[status].toLowerCase(),
                isNext ? 'your next step' : '',
                withNotes?.has(step.slug) ? 'has a note' : '',
              ]
                .filter(Boolean)
                .join(', ');
              const body = (
                <>
                  <span className="map-node-icon">
                    <StatusIcon status={status} size={compact ? 14 : 20} />
                  </span>
                  <span className="map-node-text">
                    <span className="map-node-number">
                      <span className="visually-hidden">Step </span>
                      {step.position}
                      <span className="visually-hidden"> of {total}: </span>
                    </span>
                    <span className="map-node-title">
                      {step.title}
                      <span className="visually-hidden"> — {said}.</span>
                    </span>
                    {compact ? null : <span className="map-node-meta">{hours(step.estimatedHours)}</span>}
                  </span>
                  {isNext && !compact ? (
                    <span className="map-node-next" aria-hidden="true">
                      Next
                    </span>
                  ) : null}
                  {withNotes?.has(step.slug) ? (
                    <StickyNote className="map-node-note" size={14} aria-hidden="true" />
                  ) : null}
                </>
              );
              return (
                <li
                  key={step.slug}
                  className={`map-step ${step.required ? 'required' : 'optional'} status-${status}${isNext ? ' next' : ''}`}
                >
                  {compact ? (
                    <span className="map-node">{body}</span>
                  ) : (
                    <Link
                      ref={(el) => {
                        if (el) nodes.current.set(step.slug, el);
                        else nodes.current.delete(step.slug);
                      }}
                      className="map-node"
                      to={`/roadmaps/${doc.slug}/steps/${step.slug}`}
                      tabIndex={focused === step.slug ? 0 : -1}
                      onFocus={() => setFocused(step.slug)}
                      onKeyDown={(e) => move(e, step.slug)}
                    >
                      {body}
                    </Link>
                  )}
                  {milestone && !compact ? (
                    <p className={`map-milestone${reached ? ' reached' : ''}`}>
                      <Flag size={16} aria-hidden="true" />
                      <span>
                        Milestone after this step: <strong>{milestone.title}</strong>
                        {reached ? ' — reached' : ''}
                      </span>
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </div>
  );
}
