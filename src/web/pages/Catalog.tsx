import { Link } from 'react-router';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Loading, ProgressBar, usePageMeta } from '../components/common.tsx';
import { useMyRoadmaps, useRoadmaps } from '../queries.ts';

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
        <p>
          Ordered roadmaps with required and optional steps, milestones to aim for, and a daily habit to keep
          you going. Consistency beats intensity — 30 minutes a day.
        </p>
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
              {r.stepCount} steps · {r.requiredStepCount} required · about {r.estimatedHours} hours
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
