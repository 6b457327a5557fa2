// The study history: every logged session by day, newest first, each one editable (minutes,
// note, roadmap and step) and deletable. The dashboard follows any change at once.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Pencil, Trash2 } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link, Navigate } from 'react-router';
import { call, client, type StudySession } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { ErrorMessage, Field, Loading, usePageMeta } from '../components/common.tsx';
import { keys, useRoadmap, useRoadmaps } from '../queries.ts';

const day = (date: string) =>
  new Intl.DateTimeFormat(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));

function useChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: keys.studyLog });
    void queryClient.invalidateQueries({ queryKey: keys.stats });
  };
}

function EditSession({ session, onDone }: { session: StudySession; onDone: () => void }) {
  const changed = useChanged();
  const roadmaps = useRoadmaps();
  const [roadmapSlug, setRoadmapSlug] = useState(session.roadmapSlug ?? '');
  const roadmap = useRoadmap(roadmapSlug);
  const save = useMutation({
    mutationFn: (body: {
      minutes: number;
      note: string | null;
      roadmapSlug: string | null;
      stepSlug: string | null;
    }) =>
      call(() =>
        client.PATCH('/api/v1/me/study-sessions/{id}', { params: { path: { id: session.id } }, body }),
      ),
    onSuccess: () => {
      changed();
      onDone();
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const step = String(form.get('stepSlug') ?? '');
    save.mutate({
      minutes: Number(form.get('minutes')),
      note: String(form.get('note') ?? '').trim() || null,
      roadmapSlug: roadmapSlug || null,
      stepSlug: roadmapSlug && step ? step : null,
    });
  };
  const steps = roadmapSlug ? (roadmap.data?.layers.flatMap((l) => l.steps) ?? []) : [];
  return (
    <form className="edit-session" onSubmit={submit} aria-label={`Edit the session of ${day(session.date)}`}>
      <Field
        label="Minutes"
        name="minutes"
        type="number"
        min={1}
        max={1440}
        required
        defaultValue={session.minutes}
        error={save.error}
      />
      <div className="field">
        <label htmlFor={`roadmap-${session.id}`}>Roadmap</label>
        <select
          id={`roadmap-${session.id}`}
          value={roadmapSlug}
          onChange={(e) => setRoadmapSlug(e.target.value)}
        >
          <option value="">None</option>
          {roadmaps.data?.items.map((r) => (
            <option key={r.slug} value={r.slug}>
              {r.title}
            </option>
          ))}
        </select>
      </div>
      {roadmapSlug ? (
        <div className="field">
          <label htmlFor={`step-${session.id}`}>Step</label>
          <select
            id={`step-${session.id}`}
            name="stepSlug"
            defaultValue={session.roadmapSlug === roadmapSlug ? (session.stepSlug ?? '') : ''}
          >
            <option value="">None</option>
            {steps.map((s) => (
              <option key={s.slug} value={s.slug}>
                {s.position}. {s.title}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`note-${session.id}`}>Note</label>
        <textarea
          id={`note-${session.id}`}
          name="note"
          rows={2}
          maxLength={500}
          defaultValue={session.note ?? ''}
        />
      </div>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" className="button" disabled={save.isPending}>
          Save
        </button>
        <button type="button" className="button secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SessionItem({ session }: { session: StudySession }) {
  const [editing, setEditing] = useState(false);
  const changed = useChanged();
  const remove = useMutation({
    mutationFn: () =>
      call(() => client.DELETE('/api/v1/me/study-sessions/{id}', { params: { path: { id: session.id } } })),
    onSuccess: changed,
  });
  const what =
    session.stepSlug && session.roadmapSlug ? (
      <Link to={`/roadmaps/${session.roadmapSlug}/steps/${session.stepSlug}`}>{session.stepSlug}</Link>
    ) : session.roadmapSlug ? (
      <Link to={`/roadmaps/${session.roadmapSlug}`}>{session.roadmapSlug}</Link>
    ) : null;
  return (
    <li className="session">
      <div className="session-line">
        <strong>{session.minutes} min</strong>
        {what ? <span> · {what}</span> : null}
        {session.note ? <span className="session-note"> — {session.note}</span> : null}
        <span className="session-actions">
          <button
            type="button"
            className="icon-button"
            onClick={() => setEditing((e) => !e)}
            aria-label={`Edit ${session.minutes} minutes on ${day(session.date)}`}
          >
            <Pencil size={16} aria-hidden="true" />
          </button>
          <button
            type="button"
            className="icon-button"
            disabled={remove.isPending}
            onClick={() => {
              if (confirm(`Delete ${session.minutes} minutes logged on ${day(session.date)}?`))
                remove.mutate();
            }}
            aria-label={`Delete ${session.minutes} minutes on ${day(session.date)}`}
          >
            <Trash2 size={16} aria-hidden="true" />
          </button>
        </span>
      </div>
      <ErrorMessage error={remove.error} />
      {editing ? <EditSession session={session} onDone={() => setEditing(false)} /> : null}
    </li>
  );
}

export default function History() {
  usePageMeta('Study history');
  const { status } = useAuth();
  const { leaving } = useLeave();
  const sessions = useInfiniteQuery({
    queryKey: keys.studyLog,
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/me/study-sessions', {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: status === 'signed-in',
  });
  if (status === 'anonymous' && !leaving) return <Navigate to="/login" replace />;
  if (sessions.isPending) return <Loading label="Loading your study log…" />;
  const items = sessions.data?.pages.flatMap((p) => p.items) ?? [];
  const byDay = new Map<string, StudySession[]>();
  for (const s of items) byDay.set(s.date, [...(byDay.get(s.date) ?? []), s]);
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">Study history</h1>
      <ErrorMessage error={sessions.error} />
      {items.length === 0 ? (
        <p>
          Nothing logged yet. Start the timer on your <Link to="/dashboard">dashboard</Link> or on a step.
        </p>
      ) : null}
      {[...byDay].map(([date, list]) => (
        <section key={date} className="history-day" aria-labelledby={`day-${date}`}>
          <h2 id={`day-${date}`}>
            {day(date)} <span className="meta">· {list.reduce((sum, s) => sum + s.minutes, 0)} min</span>
          </h2>
          <ul className="sessions-list">
            {list.map((s) => (
              <SessionItem key={s.id} session={s} />
            ))}
          </ul>
        </section>
      ))}
      {sessions.hasNextPage ? (
        <button
          type="button"
          className="button secondary"
          onClick={() => void sessions.fetchNextPage()}
          disabled={sessions.isFetchingNextPage}
        >
          {sessions.isFetchingNextPage ? 'Loading…' : 'Show older days'}
        </button>
      ) : null}
    </section>
  );
}
