// A cohort's page. Everyone in it sees its roadmaps, its pace against its end date, the summary
// (counts and medians, never anyone's notes) and their own row; with the owner's leaderboard on,
// the members who opted in. Owners and mentors also see the members table, the step heatmap and
// the invitations, download the CSV report, and watch it all update as members work.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { call, client } from '../api.ts';
import { useAuth } from '../auth.tsx';
import {
  cohortKeys,
  downloadReport,
  leads,
  useCohort,
  useCohortLive,
  type Cohort as CohortData,
} from '../cohorts.ts';
import { ErrorMessage, Field, FormError, Loading, usePageMeta } from '../components/common.tsx';
import { PageError } from '../components/PageError.tsx';

// The lead's parts load only for owners and mentors.
const Members = lazy(() => import('../components/cohort/Members.tsx').then((m) => ({ default: m.Members })));
const Heatmap = lazy(() => import('../components/cohort/Heatmap.tsx').then((m) => ({ default: m.Heatmap })));
const Invites = lazy(() => import('../components/cohort/Invites.tsx').then((m) => ({ default: m.Invites })));

function Summary({ cohort }: { cohort: CohortData }) {
  const s = cohort.summary;
  const pace = s.pace;
  return (
    <>
      <section className="stats" aria-label="The cohort at a glance">
        <div className="stat">
          <span className="stat-value">{s.memberCount}</span>
          <span className="stat-label">{s.memberCount === 1 ? 'member' : 'members'}</span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.medianPercent}%</span>
          <span className="stat-label">median progress</span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.medianMinutesLast7Days}</span>
          <span className="stat-label">median minutes this week</span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.finishedCount}</span>
          <span className="stat-label">finished</span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.stuckCount}</span>
          <span className="stat-label">stuck</span>
        </div>
      </section>
      {pace.expectedPercent !== null ? (
        <div className="progress cohort-pace">
          <p className="progress-label">
            <span>
              {pace.onTrack ? 'On pace: ' : 'Behind pace: '}
              the median member is at {s.medianPercent}%, and by today the cohort should be at{' '}
              {pace.expectedPercent}%
              {pace.daysLeft !== null
                ? pace.daysLeft > 0
                  ? ` — ${pace.daysLeft} days to go, until ${cohort.endsOn}.`
                  : ' — the end date has passed.'
                : '.'}
            </span>
          </p>
          <div className="progress-track pace-track" aria-hidden="true">
            <div className="progress-fill" style={{ width: `${s.medianPercent}%` }} />
            <span className="pace-marker" style={{ left: `${pace.expectedPercent}%` }} />
          </div>
        </div>
      ) : (
        <p className="hint">Give the cohort a start and an end date to see whether it is on pace.</p>
      )}
    </>
  );
}

function MyRow({ cohort }: { cohort: CohortData }) {
  const queryClient = useQueryClient();
  const optIn = useMutation({
    mutationFn: (leaderboard: boolean) =>
      call(() =>
        client.PATCH('/api/v1/cohorts/{id}/members/{userId}', {
          params: { path: { id: cohort.id, userId: 'me' } },
          body: { leaderboard },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: cohortKeys.all(cohort.id) }),
  });
  const me = cohort.me;
  // Leads find their own row in the members table.
  if (!me || leads(cohort.role)) return null;
  return (
    <section className="panel" aria-labelledby="me-title">
      <h2 id="me-title">You in this cohort</h2>
      <ul className="cards">
        {me.roadmaps.map((r) => {
          const title = cohort.roadmaps.find((x) => x.slug === r.slug)?.title ?? r.slug;
          return (
            <li key={r.slug} className="card">
              <p className="eyebrow">{title}</p>
              <p>
                <strong>{r.percent}%</strong> done ({r.requiredPercent}% of the required steps)
              </p>
              {r.nextStep ? (
                <Link to={`/roadmaps/${r.slug}/steps/${r.nextStep.slug}`}>Continue: {r.nextStep.title}</Link>
              ) : (
                <span>All done.</span>
              )}
            </li>
          );
        })}
      </ul>
      <p>
        {me.currentStreak} day streak · {me.minutesLast7Days} minutes this week
        {cohort.dailyGoalMinutes ? ` · the cohort suggests ${cohort.dailyGoalMinutes} minutes a day` : ''}
      </p>
      {cohort.leaderboard && me.role === 'member' ? (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={cohort.myLeaderboard}
            disabled={optIn.isPending}
            onChange={(e) => optIn.mutate(e.target.checked)}
          />{' '}
          Show me on the cohort’s leaderboard (the other members see my progress)
        </label>
      ) : null}
      <ErrorMessage error={optIn.error} />
    </section>
  );
}

function Standings({ cohort }: { cohort: CohortData }) {
  if (!cohort.leaderboard || cohort.standings.length === 0) return null;
  const mean = (m: CohortData['standings'][number]) =>
    Math.round(m.roadmaps.reduce((sum, r) => sum + r.percent, 0) / Math.max(1, m.roadmaps.length));
  return (
    <section className="panel" aria-labelledby="standings-title">
      <h2 id="standings-title">Leaderboard</h2>
      <p className="hint">Only the members who chose to be shown.</p>
      <ol className="standings">
        {cohort.standings.map((m) => (
          <li key={m.userId}>
            {m.displayName} — {mean(m)}%
          </li>
        ))}
      </ol>
    </section>
  );
}

function OwnerSettings({ cohort }: { cohort: CohortData }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const update = useMutation({
    mutationFn: (body: {
      name: string;
      description: string;
      startsOn: string | null;
      endsOn: string | null;
      leaderboard: boolean;
    }) => call(() => client.PATCH('/api/v1/cohorts/{id}', { params: { path: { id: cohort.id } }, body })),
    onSuccess: () => {
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: ['cohorts'] });
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      call(() => client.DELETE('/api/v1/cohorts/{id}', { params: { path: { id: cohort.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['cohorts'] });
      navigate('/cohorts', {
        state: { notice: `${cohort.name} is deleted. Every member keeps their progress.` },
      });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(false);
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    update.mutate({
      name: text('name'),
      description: text('description'),
      startsOn: text('startsOn') || null,
      endsOn: text('endsOn') || null,
      leaderboard: form.get('leaderboard') === 'on',
    });
  };
  return (
    <details className="panel">
      <summary>Cohort settings</summary>
      <form onSubmit={submit} aria-label="Cohort settings">
        <Field
          label="Name"
          name="name"
          required
          maxLength={120}
          defaultValue={cohort.name}
          error={update.error}
        />
        <div className="field">
          <label htmlFor="field-cohort-description">Description</label>
          <textarea
            id="field-cohort-description"
            name="description"
            rows={2}
            maxLength={2000}
            defaultValue={cohort.description}
          />
        </div>
        <div className="grid-2">
          <Field
            label="Starts on"
            name="startsOn"
            type="date"
            defaultValue={cohort.startsOn ?? ''}
            error={update.error}
          />
          <Field
            label="Ends on"
            name="endsOn"
            type="date"
            defaultValue={cohort.endsOn ?? ''}
            error={update.error}
          />
        </div>
        <label className="checkbox">
          <input type="checkbox" name="leaderboard" defaultChecked={cohort.leaderboard} /> Members-visible
          leaderboard (each member still chooses whether to be on it)
        </label>
        <FormError error={update.error} />
        {saved ? <p role="status">Saved.</p> : null}
        <button type="submit" className="button" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
      </form>
      <div className="panel danger">
        <h3>Delete the cohort</h3>
        <p>Its memberships, invitations and nudges go; every member keeps their own progress.</p>
        <ErrorMessage error={remove.error} />
        <button
          type="button"
          className="button danger"
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete ${cohort.name}?`)) remove.mutate();
          }}
        >
          Delete cohort
        </button>
      </div>
    </details>
  );
}

function Leave({ cohort }: { cohort: CohortData }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const leave = useMutation({
    mutationFn: () =>
      call(() =>
        client.DELETE('/api/v1/cohorts/{id}/members/{userId}', {
          params: { path: { id: cohort.id, userId: 'me' } },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['cohorts'] });
      navigate('/cohorts', { state: { notice: `You left ${cohort.name}. Your progress stays yours.` } });
    },
  });
  if (cohort.role === 'owner' || cohort.role === null) return null;
  return (
    <p>
      <ErrorMessage error={leave.error} />
      <button
        type="button"
        className="button secondary"
        disabled={leave.isPending}
        onClick={() => {
          if (window.confirm(`Leave ${cohort.name}?`)) leave.mutate();
        }}
      >
        Leave the cohort
      </button>
    </p>
  );
}

export default function Cohort() {
  const { id = '' } = useParams();
  const { status } = useAuth();
  const cohort = useCohort(id);
  const lead = leads(cohort.data?.role) || (cohort.data !== undefined && cohort.data.role === null);
  useCohortLive(id, cohort.isSuccess && lead);
  const [reportError, setReportError] = useState<unknown>(null);
  const [downloading, setDownloading] = useState(false);
  usePageMeta(cohort.data?.name ?? 'Cohort');

  if (status === 'loading') return <Loading />;
  if (status !== 'signed-in')
    return (
      <section>
        <h1>Cohort</h1>
        <p>
          <Link to={`/login?next=${encodeURIComponent(`/cohorts/${id}`)}`}>Sign in</Link> to open this cohort.
        </p>
      </section>
    );
  if (cohort.isPending) return <Loading label="Loading the cohort…" />;
  if (cohort.error)
    return <PageError error={cohort.error} what="cohort" retry={() => void cohort.refetch()} />;
  const c = cohort.data;
  return (
    <section aria-labelledby="cohort-title" className="cohort-page">
      <p className="eyebrow">
        <Link to="/cohorts">Cohorts</Link> ·{' '}
        {c.role ? `you are ${c.role === 'owner' ? 'the owner' : `a ${c.role}`}` : 'admin view'} · run by{' '}
        {c.ownerName}
      </p>
      <h1 id="cohort-title">{c.name}</h1>
      {c.description ? <p>{c.description}</p> : null}
      <p>
        Following{' '}
        {c.roadmaps.map((r, i) => (
          <span key={r.slug}>
            {i > 0 ? ', ' : ''}
            <Link to={`/roadmaps/${r.slug}`}>{r.title}</Link>
          </span>
        ))}
        {c.startsOn || c.endsOn ? ` · ${c.startsOn ?? '…'} to ${c.endsOn ?? '…'}` : ''}
      </p>
      <Summary cohort={c} />
      <MyRow cohort={c} />
      <Standings cohort={c} />
      {lead ? (
        <Suspense fallback={<Loading />}>
          <div className="row report-row">
            <button
              type="button"
              className="button secondary"
              disabled={downloading}
              onClick={() => {
                setReportError(null);
                setDownloading(true);
                downloadReport(c.id)
                  .catch(setReportError)
                  .finally(() => setDownloading(false));
              }}
            >
              <Download size={16} aria-hidden="true" />{' '}
              {downloading ? 'Preparing the report…' : 'Download CSV report'}
            </button>
            <span className="hint">One row per member and roadmap; opens in any spreadsheet.</span>
          </div>
          <ErrorMessage error={reportError} />
          <Members cohort={c} />
          <Heatmap cohortId={c.id} />
          {c.role ? <Invites cohort={c} /> : null}
        </Suspense>
      ) : null}
      {c.role === 'owner' ? <OwnerSettings cohort={c} /> : null}
      <Leave cohort={c} />
    </section>
  );
}
