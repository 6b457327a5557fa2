// "Cohorts": the groups the learner is in — a bootcamp, a study group, a team onboarding — and
// the form that starts one (the creator becomes its owner and invites the others from its page).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Users } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { call, client, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { cohortKeys, useMyCohorts } from '../cohorts.ts';
import { ErrorMessage, Field, FormError, Loading, usePageMeta } from '../components/common.tsx';
import { useRoadmaps } from '../queries.ts';

const ROLE_LABEL = { owner: 'Owner', mentor: 'Mentor', member: 'Member' } as const;

function CreateCohort() {
  const roadmaps = useRoadmaps();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: (body: {
      name: string;
      description: string;
      roadmapSlugs: string[];
      startsOn: string | null;
      endsOn: string | null;
      dailyGoalMinutes: number | null;
    }) => call(() => client.POST('/api/v1/cohorts', { body })),
    onSuccess: (cohort) => {
      void queryClient.invalidateQueries({ queryKey: cohortKeys.mine });
      navigate(`/cohorts/${cohort.id}`, { state: { notice: 'Cohort created. Invite its members below.' } });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    create.mutate({
      name: text('name'),
      description: text('description'),
      roadmapSlugs: picked,
      startsOn: text('startsOn') || null,
      endsOn: text('endsOn') || null,
      dailyGoalMinutes: text('dailyGoalMinutes') ? Number(text('dailyGoalMinutes')) : null,
    });
  };
  const roadmapsError = (create.error as ApiError | null)?.fieldError?.('roadmapSlugs');
  return (
    <form className="panel" aria-labelledby="create-cohort" onSubmit={submit}>
      <h2 id="create-cohort">Start a cohort</h2>
      <p className="hint">
        You become its owner. Members follow the roadmaps you pick; you and the mentors you invite see their
        progress — never their notes.
      </p>
      <Field label="Name" name="name" required maxLength={120} error={create.error} />
      <div className="field">
        <label htmlFor="field-description">Description (optional)</label>
        <textarea id="field-description" name="description" rows={2} maxLength={2000} />
      </div>
      <fieldset className="choices" aria-describedby={roadmapsError ? 'roadmaps-error' : undefined}>
        <legend>Roadmaps to follow</legend>
        {roadmaps.isPending ? <Loading label="Loading roadmaps…" /> : null}
        <ErrorMessage error={roadmaps.error} />
        {roadmaps.data?.items.map((r) => (
          <label key={r.slug} className="checkbox">
            <input
              type="checkbox"
              checked={picked.includes(r.slug)}
              onChange={(e) =>
                setPicked((p) => (e.target.checked ? [...p, r.slug] : p.filter((s) => s !== r.slug)))
              }
            />{' '}
            {r.title}
          </label>
        ))}
        {roadmapsError ? (
          <p className="field-error" id="roadmaps-error">
            Pick at least one roadmap.
          </p>
        ) : null}
      </fieldset>
      <div className="grid-2">
        <Field label="Starts on (optional)" name="startsOn" type="date" error={create.error} />
        <Field
          label="Ends on (optional)"
          name="endsOn"
          type="date"
          error={create.error}
          hint="With both dates the dashboard shows whether the cohort is on pace."
        />
      </div>
      <Field
        label="Suggested minutes a day (optional)"
        name="dailyGoalMinutes"
        type="number"
        min={5}
        max={600}
        error={create.error}
      />
      <FormError error={create.error} />
      <button type="submit" className="button" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create cohort'}
      </button>
    </form>
  );
}

/** Admins oversee every cohort on this Waymark (they may read and manage any of them). */
function AllCohorts() {
  const all = useInfiniteQuery({
    queryKey: ['cohorts', 'all'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/cohorts', {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = all.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="all-cohorts">
      <h2 id="all-cohorts">Every cohort on this Waymark</h2>
      {all.isPending ? <Loading label="Loading cohorts…" /> : null}
      <ErrorMessage error={all.error} />
      {all.isSuccess && items.length === 0 ? <p>Nobody has started a cohort yet.</p> : null}
      <ul className="sessions">
        {items.map((c) => (
          <li key={c.id}>
            <Link to={`/cohorts/${c.id}`}>{c.name}</Link> · {c.memberCount}{' '}
            {c.memberCount === 1 ? 'member' : 'members'}
          </li>
        ))}
      </ul>
      {all.hasNextPage ? (
        <button
          type="button"
          className="button secondary"
          disabled={all.isFetchingNextPage}
          onClick={() => void all.fetchNextPage()}
        >
          More cohorts
        </button>
      ) : null}
    </section>
  );
}

export default function Cohorts() {
  usePageMeta('Cohorts');
  const { status, user } = useAuth();
  const cohorts = useMyCohorts();
  if (status === 'loading') return <Loading />;
  if (status !== 'signed-in')
    return (
      <section>
        <h1>Cohorts</h1>
        <p>
          <Link to="/login?next=/cohorts">Sign in</Link> to see your cohorts or start one.
        </p>
      </section>
    );
  const items = cohorts.data?.items ?? [];
  return (
    <section aria-labelledby="cohorts-title">
      <h1 id="cohorts-title">Cohorts</h1>
      <p className="hint">
        Follow a roadmap together: a bootcamp, a study group, a team onboarding engineers.
      </p>
      {cohorts.isPending ? <Loading label="Loading your cohorts…" /> : null}
      <ErrorMessage error={cohorts.error} />
      {cohorts.isSuccess && items.length === 0 ? (
        <p>You are not in a cohort yet. Start one below, or open an invitation link someone sent you.</p>
      ) : null}
      {items.length > 0 ? (
        <ul className="cards" aria-label="Your cohorts">
          {items.map((c) => (
            <li key={c.id} className="card">
              <p className="eyebrow">
                {c.role ? ROLE_LABEL[c.role] : 'Admin view'} · {c.memberCount}{' '}
                {c.memberCount === 1 ? 'member' : 'members'}
                {c.endsOn ? ` · ends ${c.endsOn}` : ''}
              </p>
              <h2>
                <Users size={18} aria-hidden="true" /> <Link to={`/cohorts/${c.id}`}>{c.name}</Link>
              </h2>
            </li>
          ))}
        </ul>
      ) : null}
      <CreateCohort />
      {user?.role === 'admin' ? <AllCohorts /> : null}
    </section>
  );
}
