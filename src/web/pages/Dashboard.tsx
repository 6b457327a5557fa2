// The learner's daily habit: streaks, today against the goal, a year of study at a glance, a
// study timer and a quick log, and the roadmaps in progress with their next step.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, Navigate } from 'react-router';
import { api } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Field, Loading, ProgressBar, usePageMeta } from '../components/common.tsx';
import { keys, useMyRoadmaps } from '../queries.ts';
import type { Stats, StudySession } from '../types.ts';

/** Logs study minutes with an Idempotency-Key: the same logical action never logs twice. */
function useLogStudy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ minutes, key }: { minutes: number; key: string }) =>
      api<StudySession>('/api/v1/me/study-sessions', {
        method: 'POST',
        body: { minutes },
        headers: { 'idempotency-key': key },
      }),
    retry: 2, // safe: the key makes a retry a replay
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.stats });
      void queryClient.invalidateQueries({ queryKey: keys.sessions });
    },
  });
}

function Heatmap({ days, goal }: { days: Stats['heatmap']; goal: number }) {
  const studied = days.filter((d) => d.minutes > 0).length;
  const level = (m: number) => (m === 0 ? 0 : m < goal / 2 ? 1 : m < goal ? 2 : m < goal * 2 ? 3 : 4);
  const firstWeekday = new Date(`${days[0]?.date}T00:00:00Z`).getUTCDay();
  return (
    <figure className="heatmap-figure">
      <div
        className="heatmap"
        role="img"
        aria-label={`Study over the last year: ${studied} days with study time`}
      >
        {Array.from({ length: firstWeekday }, (_, i) => (
          <span key={`pad-${i}`} className="cell pad" />
        ))}
        {days.map((d) => (
          <span
            key={d.date}
            className={`cell level-${level(d.minutes)}`}
            title={`${d.date}: ${d.minutes} min`}
          />
        ))}
      </div>
      <figcaption className="hint">
        {studied} {studied === 1 ? 'day' : 'days'} with study time in the last year. Darker means more
        minutes; full colour meets your goal.
      </figcaption>
    </figure>
  );
}

function StudyTimer() {
  const log = useLogStudy();
  const [accumulated, setAccumulated] = useState(0); // ms from earlier runs
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const key = useRef<string | null>(null);

  useEffect(() => {
    if (startedAt === null) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [startedAt]);

  const running = startedAt !== null;
  const elapsed = accumulated + (running ? Math.max(0, now - startedAt) : 0);
  const clock = `${String(Math.floor(elapsed / 60_000)).padStart(2, '0')}:${String(Math.floor((elapsed % 60_000) / 1000)).padStart(2, '0')}`;
  const pause = () => {
    if (startedAt !== null) setAccumulated((a) => a + Date.now() - startedAt);
    setStartedAt(null);
  };

  const stop = () => {
    const total = accumulated + (startedAt !== null ? Date.now() - startedAt : 0);
    pause();
    // One key per stopped session: a double click or a retry sends the same key.
    key.current ??= crypto.randomUUID();
    log.mutate(
      { minutes: Math.max(1, Math.round(total / 60_000)), key: key.current },
      {
        onSuccess: () => {
          key.current = null;
          setAccumulated(0);
        },
      },
    );
  };

  return (
    <section className="panel" aria-labelledby="timer">
      <h2 id="timer">Study timer</h2>
      <p className="clock" aria-live="off">
        {clock}
      </p>
      <div className="row">
        {running ? (
          <button type="button" className="button secondary" onClick={pause}>
            Pause
          </button>
        ) : (
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setNow(Date.now());
              setStartedAt(Date.now());
            }}
          >
            {elapsed > 0 ? 'Resume' : 'Start'}
          </button>
        )}
        <button
          type="button"
          className="button"
          disabled={(elapsed === 0 && !running) || log.isPending}
          onClick={stop}
        >
          Stop and log
        </button>
      </div>
      <p className="hint">Logs the time rounded to the nearest minute (at least one).</p>
      {log.isSuccess ? <p role="status">Logged {log.data.minutes} min. Keep it up!</p> : null}
      <ErrorMessage error={log.error} />
    </section>
  );
}

function QuickLog() {
  const log = useLogStudy();
  const key = useRef<string | null>(null);
  return (
    <section className="panel" aria-labelledby="quick-log">
      <h2 id="quick-log">Log time</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const minutes = Number(new FormData(e.currentTarget).get('minutes'));
          key.current ??= crypto.randomUUID();
          const form = e.currentTarget;
          log.mutate(
            { minutes, key: key.current },
            {
              onSuccess: () => {
                key.current = null;
                form.reset();
              },
            },
          );
        }}
      >
        <Field
          label="Minutes"
          name="minutes"
          type="number"
          min={1}
          max={1440}
          required
          defaultValue={30}
          error={log.error}
        />
        <button type="submit" className="button" disabled={log.isPending}>
          Log
        </button>
      </form>
      {log.isSuccess ? <p role="status">Logged {log.data.minutes} min.</p> : null}
      <ErrorMessage error={log.error} />
    </section>
  );
}

export default function Dashboard() {
  usePageMeta('Your dashboard');
  const { status } = useAuth();
  const stats = useQuery({
    queryKey: keys.stats,
    queryFn: () => api<Stats>('/api/v1/me/stats'),
    enabled: status === 'signed-in',
  });
  const mine = useMyRoadmaps();
  if (status === 'anonymous') return <Navigate to="/login" replace />;
  if (status === 'loading' || stats.isPending) return <Loading label="Loading your dashboard…" />;
  if (!stats.data) return <ErrorMessage error={stats.error} />;
  const s = stats.data;
  const todayPercent = Math.min(100, Math.round((s.todayMinutes * 100) / s.dailyGoalMinutes));

  return (
    <>
      <h1>Your dashboard</h1>
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
          <span className="stat-value">{Math.round(s.totalMinutes / 60)}</span>
          <span className="stat-label">hours in all</span>
        </div>
      </section>
      <ProgressBar
        label={`Today's goal: ${s.todayMinutes} of ${s.dailyGoalMinutes} minutes`}
        percent={todayPercent}
      />
      <Heatmap days={s.heatmap} goal={s.dailyGoalMinutes} />
      <div className="grid-2">
        <StudyTimer />
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
