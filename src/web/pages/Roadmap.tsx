// The roadmap page: "Continue" first, then the path — as a map (the default) or as a list, one
// toggle apart and remembered — then the comparison tables and the FAQ, and a call to action
// that follows the learner's progress. Reaching a milestone is celebrated.
import { List, Map as MapIcon, Printer } from 'lucide-react';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useAuth } from '../auth.tsx';
import { ContinueCard } from '../components/ContinueCard.tsx';
import { useMilestoneReached } from '../components/milestone.ts';
import { PageError } from '../components/PageError.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { RoadmapMap } from '../components/RoadmapMap.tsx';
import { RoadmapExtras } from '../components/RoadmapExtras.tsx';
import { hours, isReached, overview } from '../progress.ts';
import { useNotedSteps, useRoadmap, useStepStatuses } from '../queries.ts';

// The map is the default view; the list view and the celebration load when first needed. The
// forecast is part of the first screen: its chunk starts loading with the page (and the server
// preloads it, plugins/web.ts), and the page waits for it rather than move when it comes.
const StepList = lazy(() => import('../components/RoadmapView.tsx').then((m) => ({ default: m.StepList })));
let forecastChunk: ReturnType<typeof importForecast> | undefined;
const importForecast = () => import('../components/Forecast.tsx');
const loadForecast = () => (forecastChunk ??= importForecast());
const RoadmapForecast = lazy(loadForecast);
const MilestoneCelebration = lazy(() => import('../components/MilestoneCelebration.tsx'));
const ForkRoadmap = lazy(() => import('../components/editor/ForkRoadmap.tsx'));

type View = 'map' | 'list';
const VIEW_KEY = 'waymark-roadmap-view';

function useRememberedView(): [View, (next: View) => void] {
  const [view, setView] = useState<View>(() => (localStorage.getItem(VIEW_KEY) === 'list' ? 'list' : 'map'));
  return [
    view,
    (next) => {
      localStorage.setItem(VIEW_KEY, next);
      setView(next);
    },
  ];
}

export default function Roadmap() {
  const { slug = '' } = useParams();
  const roadmap = useRoadmap(slug);
  const progress = useStepStatuses(slug);
  const [view, setView] = useRememberedView();
  const doc = roadmap.data;
  usePageMeta(doc ? `${doc.title} roadmap` : undefined, doc?.summary);
  const statuses = progress.statuses;
  const noted = useNotedSteps(slug);
  const celebration = useMilestoneReached(doc, statuses, progress.ready);
  // The old address of a renamed roadmap: the server redirected, the address bar follows.
  const navigate = useNavigate();
  const current = doc?.slug;
  useEffect(() => {
    if (current && current !== slug) void navigate(`/roadmaps/${current}`, { replace: true });
  }, [current, slug, navigate]);
  const { user } = useAuth();
  const writes = user?.role === 'author' || user?.role === 'admin';
  void loadForecast();

  if (roadmap.isPending) return <Loading label="Loading the roadmap…" />;
  if (!doc) return <PageError error={roadmap.error} what="roadmap" />;

  const state = overview(doc, statuses);
  const reached = (afterStep: string) => {
    const milestone = doc.milestones.find((m) => m.afterStep === afterStep);
    return milestone ? isReached(doc, statuses, milestone) : false;
  };

  return (
    <article className="roadmap">
      <header className="roadmap-header">
        <p className="eyebrow">Roadmap</p>
        <h1>{doc.title}</h1>
        <p className="lead">{doc.summary}</p>
        <ContinueCard doc={doc} progress={state} />
      </header>
      <RoadmapForecast doc={doc} />

      <div className="view-bar">
        <div className="view-toggle" role="group" aria-label="Show the roadmap as">
          <button type="button" aria-pressed={view === 'map'} onClick={() => setView('map')}>
            <MapIcon size={16} aria-hidden="true" /> Map
          </button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            <List size={16} aria-hidden="true" /> List
          </button>
        </div>
        <button type="button" className="button secondary small print-button" onClick={() => window.print()}>
          <Printer size={16} aria-hidden="true" /> Print
        </button>
      </div>
      {!progress.signedIn ? (
        <p className="hint">
          Your ticks are kept in this browser. <Link to="/signup">Sign up</Link> to keep them everywhere.
        </p>
      ) : null}
      <ErrorMessage error={progress.error} />
      <p className="shortcuts hint">
        {view === 'map' ? 'Arrow keys move between steps; Enter opens one. ' : ''}On a focused step, press{' '}
        <kbd>d</kbd> done, <kbd>l</kbd> learning, <kbd>s</kbd> skipped, <kbd>r</kbd> reset.
      </p>

      {view === 'map' ? (
        <RoadmapMap
          doc={doc}
          statuses={statuses}
          next={state.next?.slug}
          onSet={(step, value) => progress.set(step, value)}
          withNotes={noted}
        />
      ) : (
        <Suspense fallback={<Loading label="Loading the list…" />}>
          <StepList
            doc={doc}
            statuses={statuses}
            next={state.next?.slug}
            onSet={(step, value) => progress.set(step, value)}
            reached={reached}
          />
        </Suspense>
      )}
      <section className="intro" aria-labelledby="why">
        <h2 id="why">Why this path matters</h2>
        <div className="prose" dangerouslySetInnerHTML={{ __html: doc.introHtml }} />
        <p className="meta">
          {doc.stepCount} steps · {doc.requiredStepCount} required · {hours(doc.estimatedHours)} in all
        </p>
      </section>
      <RoadmapExtras doc={doc} />

      <section className="cta" aria-labelledby="cta">
        {state.next && state.done > 0 ? (
          <>
            <h2 id="cta">Keep going: {state.percent}% done</h2>
            <p>
              Next is step {state.next.position}, {state.next.title} ({hours(state.next.estimatedHours)}).
            </p>
            <Link className="button" to={`/roadmaps/${doc.slug}/steps/${state.next.slug}`}>
              Continue: {state.next.title}
            </Link>
          </>
        ) : state.next ? (
          <>
            <h2 id="cta">{doc.callToAction.title}</h2>
            <p>{doc.callToAction.text}</p>
            <Link className="button" to={`/roadmaps/${doc.slug}/steps/${state.next.slug}`}>
              Begin with the first step
            </Link>
          </>
        ) : (
          <>
            <h2 id="cta">You finished {doc.title}</h2>
            <p>Every step is done or skipped. Well done!</p>
          </>
        )}
      </section>
      {writes ? (
        <Suspense fallback={null}>
          <ForkRoadmap slug={doc.slug} title={doc.title} />
        </Suspense>
      ) : null}
      {celebration.reached ? (
        <Suspense fallback={null}>
          <MilestoneCelebration
            roadmapSlug={doc.slug}
            milestone={celebration.reached}
            onClose={celebration.dismiss}
          />
        </Suspense>
      ) : null}
    </article>
  );
}
