import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Timer } from 'lucide-react';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { call, client, type StepDetail } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { PageError } from '../components/PageError.tsx';
import { StatusControl } from '../components/StatusControl.tsx';
import { keys, useProgress, useRoadmap, useStep, useStepStatuses } from '../queries.ts';
import { useStudyTimer } from '../timer.ts';
import { CheckYourself } from '../components/review/CheckYourself.tsx';

/** Study time on this step: starts the timer with the step attached, so its minutes say where they went. */
function StepTimer({ slug, stepSlug, title }: { slug: string; stepSlug: string; title: string }) {
  const { status } = useAuth();
  const timer = useStudyTimer();
  if (status !== 'signed-in') return null;
  if (timer.state) {
    const here = timer.state.stepSlug === stepSlug && timer.state.roadmapSlug === slug;
    return (
      <p className="hint">
        <Timer size={14} aria-hidden="true" /> The study timer is {timer.running ? 'running' : 'paused'}
        {here ? ' for this step' : timer.state.stepTitle ? ` for ${timer.state.stepTitle}` : ''}; it is in the
        header on every page.
      </p>
    );
  }
  return (
    <button
      type="button"
      className="button secondary small"
      onClick={() => timer.start({ roadmapSlug: slug, stepSlug, stepTitle: title })}
    >
      <Timer size={16} aria-hidden="true" /> Start the timer for this step
    </button>
  );
}

const NotesPanel = lazy(() => import('../components/NotesPanel.tsx'));

/** The step's resources; signed in, each with a checkbox that says whether you have done it. */
function Resources({ slug, step }: { slug: string; step: StepDetail }) {
  const { status } = useAuth();
  const progress = useProgress(slug);
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const tick = useMutation({
    scope: { id: `resources:${slug}` },
    mutationFn: ({ url, done }: { url: string; done: boolean }) =>
      call(() =>
        client.PUT('/api/v1/me/roadmaps/{slug}/steps/{stepSlug}/resources', {
          params: { path: { slug, stepSlug: step.slug } },
          body: { url, done },
        }),
      ),
    onError: (_err, { url }) => setPending(({ [url]: _dropped, ...rest }) => rest),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.progress(slug) });
      setPending({});
    },
  });
  const signedIn = status === 'signed-in';
  const done = new Set(progress.data?.resourcesDone[step.slug] ?? []);
  const isDone = (url: string) => pending[url] ?? done.has(url);
  return (
    <section aria-labelledby="resources">
      <h2 id="resources">Resources</h2>
      {signedIn && step.resources.length > 0 ? (
        <p className="hint">
          {step.resources.filter((r) => isDone(r.url)).length} of {step.resources.length} done
        </p>
      ) : null}
      <ul className={`resources${signedIn ? ' checklist' : ''}`}>
        {step.resources.map((r, i) => (
          <li key={r.url}>
            {signedIn ? (
              <input
                type="checkbox"
                id={`resource-${i}`}
                checked={isDone(r.url)}
                disabled={progress.data === undefined}
                onChange={(e) => {
                  const next = e.target.checked;
                  setPending((p) => ({ ...p, [r.url]: next }));
                  tick.mutate({ url: r.url, done: next });
                }}
                aria-label={`Done: ${r.title}`}
              />
            ) : null}
            <a href={r.url} target="_blank" rel="noopener noreferrer">
              {r.title}
            </a>{' '}
            <span className="badge">{r.kind}</span>
          </li>
        ))}
      </ul>
      <ErrorMessage error={tick.error} />
    </section>
  );
}

export default function Step() {
  const { slug = '', stepSlug = '' } = useParams();
  const step = useStep(slug, stepSlug);
  const roadmap = useRoadmap(slug);
  const progress = useStepStatuses(slug);
  const signedIn = useAuth().status === 'signed-in';
  usePageMeta(
    step.data ? `${step.data.title} — ${roadmap.data?.title ?? 'Roadmap'}` : undefined,
    step.data?.summary,
  );
  // An old address of a renamed step or roadmap: the server redirected to the step, the address
  // bar follows.
  const navigate = useNavigate();
  const current = step.data?.slug;
  const currentRoadmap = step.data?.roadmapSlug;
  useEffect(() => {
    if (current && currentRoadmap && (current !== stepSlug || currentRoadmap !== slug))
      void navigate(`/roadmaps/${currentRoadmap}/steps/${current}`, { replace: true });
  }, [current, currentRoadmap, stepSlug, slug, navigate]);

  if (step.isPending) return <Loading label="Loading the step…" />;
  if (!step.data) return <PageError error={step.error} what="step" />;
  const s = step.data;
  const all = roadmap.data?.layers.flatMap((l) => l.steps) ?? [];
  const previous = all.find((x) => x.position === s.position - 1);
  const next = all.find((x) => x.position === s.position + 1);

  return (
    <article className="step-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/roadmaps/${slug}`}>{roadmap.data?.title ?? 'Roadmap'}</Link>{' '}
        <span aria-hidden="true">›</span> {s.layer.title}
      </nav>
      <header>
        <p className="eyebrow">
          Step {s.position} of {all.length || '…'} ·{' '}
          <span className={`badge ${s.required ? 'badge-required' : 'badge-optional'}`}>
            {s.required ? 'Required' : 'Optional'}
          </span>
        </p>
        <h1>{s.title}</h1>
        <p className="lead">{s.summary}</p>
        <p className="meta">About {s.estimatedHours} hours</p>
        <StatusControl
          name={s.slug}
          label={s.title}
          status={progress.statuses[s.slug] ?? 'todo'}
          onChange={(value) => progress.set(s.slug, value)}
        />
        <ErrorMessage error={progress.error} />
        <StepTimer slug={slug} stepSlug={s.slug} title={s.title} />
      </header>
      <div className="prose" dangerouslySetInnerHTML={{ __html: s.bodyHtml }} />
      <Resources slug={slug} step={s} />
      <CheckYourself step={s} signedIn={signedIn} />
      {signedIn ? (
        <Suspense fallback={<Loading label="Loading your note…" />}>
          <NotesPanel key={`${slug}/${s.slug}`} slug={slug} stepSlug={s.slug} />
        </Suspense>
      ) : (
        <p className="hint">
          <Link to="/signup">Sign up</Link> to keep private notes on each step and tick off its resources.
        </p>
      )}
      <nav aria-label="Steps" className="pager">
        {previous ? (
          <Link to={`/roadmaps/${slug}/steps/${previous.slug}`}>← {previous.title}</Link>
        ) : (
          <span />
        )}
        {next ? <Link to={`/roadmaps/${slug}/steps/${next.slug}`}>{next.title} →</Link> : null}
      </nav>
    </article>
  );
}
