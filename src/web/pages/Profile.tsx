import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { call, client } from '../api.ts';
import { ErrorMessage, Loading, ProgressBar, usePageMeta } from '../components/common.tsx';

export default function Profile() {
  const { handle = '' } = useParams();
  const profile = useQuery({
    queryKey: ['profile', handle],
    queryFn: () =>
      call(() => client.GET('/api/v1/users/{handle}', { params: { path: { handle: handle! } } })),
  });
  usePageMeta(profile.data ? `${profile.data.displayName} on Waymark` : undefined);
  if (profile.isPending) return <Loading />;
  if (!profile.data) return <ErrorMessage error={profile.error} />;
  const p = profile.data;
  return (
    <>
      <h1>{p.displayName}</h1>
      <p className="meta">
        @{p.handle} · learning since {p.memberSince}
      </p>
      <section className="stats" aria-label="Streaks">
        <div className="stat">
          <span className="stat-value">{p.currentStreak}</span>
          <span className="stat-label">day streak</span>
        </div>
        <div className="stat">
          <span className="stat-value">{p.longestStreak}</span>
          <span className="stat-label">longest streak</span>
        </div>
      </section>
      <h2>Roadmaps</h2>
      <ul className="cards">
        {p.roadmaps.map((r) => (
          <li key={r.slug} className="card">
            <h3>
              <Link to={`/roadmaps/${r.slug}`}>{r.title}</Link>
            </h3>
            <ProgressBar label={`${r.doneCount} of ${r.stepCount} steps`} percent={r.percent} />
          </li>
        ))}
      </ul>
    </>
  );
}

export function NotFound() {
  usePageMeta('Not found');
  return (
    <section className="narrow">
      <h1>Nothing here</h1>
      <p>
        This page does not exist. <Link to="/">See all roadmaps</Link>.
      </p>
    </section>
  );
}
