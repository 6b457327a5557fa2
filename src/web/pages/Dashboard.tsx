// The learner's daily habit: streaks, today against the goal, a year of study at a glance, a
// study timer and a quick log, and the roadmaps in progress with their next step.
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate } from 'react-router';
import { ContinueCard } from '../components/ContinueCard.tsx';
import { ForecastLine } from '../components/Forecast.tsx';
import { Heatmap } from '../components/dashboard/Heatmap.tsx';
import { QuickLog } from '../components/dashboard/QuickLog.tsx';
import { StudyTimerPanel } from '../components/dashboard/StudyTimerPanel.tsx';
import { PageError } from '../components/PageError.tsx';
import { overview } from '../progress.ts';
import { call, client, type ProgressSummary } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { Loading, ProgressBar, usePageMeta } from '../components/common.tsx';
import { keys, useMyRoadmaps, useReviews, useRoadmap } from '../queries.ts';

/** "Continue" on the roadmap touched last: its next step, percentage and next milestone. */
function ContinueLatest({ summary }: { summary: ProgressSummary }) {
  const doc = useRoadmap(summary.roadmapSlug).data;
  if (!doc) return null;
  return (
    <div className="dashboard-continue">
      <p className="eyebrow">{doc.title}</p>
      <ContinueCard doc={doc} progress={overview(doc, summary.steps)} />
    </div>
  );
}

/** "5 reviews due", linking to the review page; nothing while no card is due. */
function ReviewsDue() {
  const due = useReviews().data?.dueCount ?? 0;
  if (due === 0) return null;
  return (
    <p className="reviews-due card">
      <Link to="/review" className="button">
        {due} {due === 1 ? 'review' : 'reviews'} due
      </Link>{' '}
      A few minutes of recall now keeps what you learnt.
    </p>
  );
}

export default function Dashboard() {
  usePageMeta('Your dashboard');
  const { status } = useAuth();
  const { leaving } = useLeave();
  const stats = useQuery({
    queryKey: keys.stats,
    queryFn: () => call(() => client.GET('/api/v1/me/stats')),
    enabled: status === 'signed-in',
  });
  const mine = useMyRoadmaps();
  // The "Continue" card sits above the stats: the page waits for it, so nothing moves when it comes.
  const latest = mine.data?.items[0];
  const latestDoc = useRoadmap(latest?.roadmapSlug ?? '');
  if (status === 'anonymous' && !leaving) return <Navigate to="/login" replace />;
  if (status === 'loading' || stats.isPending || mine.isPending || (latest && latestDoc.isPending))
    return <Loading label="Loading your dashboard…" />;
  if (!stats.data)
    return <PageError error={stats.error} what="dashboard" retry={() => void stats.refetch()} />;
  const s = stats.data;
  const todayPercent = Math.min(100, Math.round((s.todayMinutes * 100) / s.dailyGoalMinutes));

  return (
    <>
      <h1>Your dashboard</h1>
      {latest ? <ContinueLatest summary={latest} /> : null}
      <ReviewsDue />
      <section className="stats" aria-label="Your habit">
        <div className="stat">
          <span className="stat-value">{s.currentStreak}</span>
          <span className="stat-label">day streak</span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.longestStreak}</span>
          <span className="stat-label">longest streak</span>
        </div>
        <div className="stat">
          <span className="stat-value">
            {s.todayMinutes}
            <small>/{s.dailyGoalMinutes}</small>
          </span>
          <span className="stat-label">minutes today</span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.freezesHeld}</span>
          <span className="stat-label">{s.freezesHeld === 1 ? 'streak freeze' : 'streak freezes'} held</span>
        </div>
        <div className="stat">
          <span className="stat-value">{Math.round(s.totalMinutes / 60)}</span>
          <span className="stat-label">hours in all</span>
        </div>
      </section>
      <ProgressBar
        label={`Today's goal: ${s.todayMinutes} of ${s.dailyGoalMinutes} minutes`}
        percent={todayPercent}
      />
      <Heatmap days={s.heatmap} goal={s.dailyGoalMinutes} frozen={s.frozenDays} />
      <div className="grid-2">
        <StudyTimerPanel />
        <QuickLog />
      </div>
      <section aria-labelledby="in-progress">
        <h2 id="in-progress">Your roadmaps</h2>
        {mine.isPending ? <Loading /> : null}
        {mine.data?.items.length === 0 ? (
          <p>
            Nothing started yet. <Link to="/">Pick a roadmap</Link> and mark your first step.
          </p>
        ) : null}
        <ul className="cards">
          {mine.data?.items.map((r) => (
            <li key={r.roadmapSlug} className="card">
              <h3>
                <Link to={`/roadmaps/${r.roadmapSlug}`}>{r.roadmapTitle}</Link>
              </h3>
              <ProgressBar label={`${r.doneCount} of ${r.stepCount} steps`} percent={r.percent} />
              <ForecastLine slug={r.roadmapSlug} />
              {r.nextStep ? (
                <p>
                  Next:{' '}
                  <Link to={`/roadmaps/${r.roadmapSlug}/steps/${r.nextStep.slug}`}>{r.nextStep.title}</Link>
                </p>
              ) : (
                <p>Every step done or skipped.</p>
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
