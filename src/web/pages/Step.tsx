import { Link, useParams } from 'react-router';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { StatusControl } from '../components/StatusControl.tsx';
import { useRoadmap, useStep, useStepStatuses } from '../queries.ts';

export default function Step() {
  const { slug = '', stepSlug = '' } = useParams();
  const step = useStep(slug, stepSlug);
  const roadmap = useRoadmap(slug);
  const progress = useStepStatuses(slug);
  usePageMeta(
    step.data ? `${step.data.title} — ${roadmap.data?.title ?? 'Roadmap'}` : undefined,
    step.data?.summary,
  );

  if (step.isPending) return <Loading label="Loading the step…" />;
  if (!step.data) return <ErrorMessage error={step.error} />;
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
      </header>
      <div className="prose" dangerouslySetInnerHTML={{ __html: s.bodyHtml }} />
      <section aria-labelledby="resources">
        <h2 id="resources">Resources</h2>
        <ul className="resources">
          {s.resources.map((r) => (
            <li key={r.url}>
              <a href={r.url} target="_blank" rel="noopener noreferrer">
                {r.title}
              </a>{' '}
              <span className="badge">{r.kind}</span>
            </li>
          ))}
        </ul>
      </section>
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
