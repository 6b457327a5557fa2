// The home page: what Waymark does, shown rather than told — a live mini-map of the Backend
// Developer roadmap with the visitor's own ticks — then every roadmap.
import { ArrowRight, CalendarCheck, Flag, Map as MapIcon } from 'lucide-react';
import { Link } from 'react-router';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Loading, ProgressBar, usePageMeta } from '../components/common.tsx';
import { RoadmapMap } from '../components/RoadmapMap.tsx';
import { hours, overview } from '../progress.ts';
import { useMyRoadmaps, useRoadmap, useRoadmaps, useStepStatuses } from '../queries.ts';

const FEATURED = 'backend-developer';

function FeaturedMap() {
  const doc = useRoadmap(FEATURED).data;
  const progress = useStepStatuses(FEATURED);
  if (!doc) return <div className="hero-map placeholder" aria-hidden="true" />;
  const state = overview(doc, progress.statuses);
  return (
    <figure className="hero-map">
      <RoadmapMap doc={doc} statuses={progress.statuses} next={state.next?.slug} compact />
      <figcaption>
        <Link to={`/roadmaps/${doc.slug}`} className="button">
          {state.done > 0 ? `Continue the ${doc.title} path` : `Open the ${doc.title} path`}{' '}
          <ArrowRight size={16} aria-hidden="true" />
        </Link>{' '}
        <span className="meta">
          {doc.stepCount} steps · {hours(doc.estimatedHours)}
        </span>
      </figcaption>
    </figure>
  );
}

export default function Catalog() {
  usePageMeta(
    'Learning roadmaps',
    'Step-by-step learning roadmaps with progress tracking and a daily study habit.',
  );
  const roadmaps = useRoadmaps();
  const mine = useMyRoadmaps();
  const { status } = useAuth();
  const percent = new Map(mine.data?.items.map((s) => [s.roadmapSlug, s.percent]));

  return (
    <>
      <section className="hero">
        <h1>Find your path, one step a day</h1>
        <p className="lead">
          Ordered roadmaps with required and optional steps, milestones to aim for, and a daily habit to keep
          you going. Consistency beats intensity — 30 minutes a day.
        </p>
        <ul className="hero-points">
          <li>
            <MapIcon size={18} aria-hidden="true" /> See the whole path, and where you are on it
          </li>
          <li>
            <Flag size={18} aria-hidden="true" /> Reach milestones you can show
          </li>
          <li>
            <CalendarCheck size={18} aria-hidden="true" /> Keep a streak that forgives a missed day
          </li>
        </ul>
        <FeaturedMap />
      </section>
      <h2>Roadmaps</h2>
      {roadmaps.isPending ? <Loading label="Loading roadmaps…" /> : null}
      <ErrorMessage error={roadmaps.error} />
      <ul className="cards">
        {roadmaps.data?.items.map((r) => (
          <li key={r.slug} className="card">
            <h3>
              <Link to={`/roadmaps/${r.slug}`}>{r.title}</Link>
            </h3>
            <p>{r.summary}</p>
            <p className="meta">
              {r.stepCount} steps · {r.requiredStepCount} required · {hours(r.estimatedHours)}
            </p>
            {status === 'signed-in' && percent.has(r.slug) ? (
              <ProgressBar label="Your progress" percent={percent.get(r.slug)!} />
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
