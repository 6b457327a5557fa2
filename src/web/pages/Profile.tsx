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
      {p.credentials.length > 0 ? (
        <section aria-labelledby="profile-credentials">
          <h2 id="profile-credentials">Credentials</h2>
          <p className="hint">
            Open Badges 3.0 credentials signed by Waymark: anyone can fetch and check them.
          </p>
          <ul className="sessions">
            {p.credentials.map((c) => (
              <li key={c.id}>
                <div>
                  <strong>{c.name}</strong>
                  <p className="hint">Issued {issuedOn(c.issuedAt)}</p>
                </div>
                <a href={c.url}>
                  The credential (JSON)<span className="visually-hidden">: {c.name}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

const issuedOn = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso));

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
