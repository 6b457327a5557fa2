// The author's area: their roadmaps with draft/published state, and an editor that changes the
// whole document through structured forms — layers, steps (moved with up/down buttons),
// resources, milestones, comparison tables, FAQ — with a live preview rendered by the server
// and shown with the roadmap page's own components. Saving sends If-Match: a conflicting save
// by someone else is reported, never overwritten.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { api, ApiError, type FieldError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { RoadmapView } from '../components/RoadmapView.tsx';
import type { RoadmapDocument } from '../types.ts';

interface Resource {
  title: string;
  url: string;
  kind: string;
}
interface SourceStep {
  id: string;
  slug: string;
  title: string;
  summary: string;
  required: boolean;
  estimatedHours: number;
  body: string;
  resources: Resource[];
}
interface Source {
  slug: string;
  title: string;
  summary: string;
  intro: string;
  layers: { slug: string; title: string; summary: string; steps: SourceStep[] }[];
  milestones: { slug: string; title: string; description: string; afterStep: string }[];
  comparisons: { slug: string; title: string; columns: string[]; rows: string[][] }[];
  faq: { question: string; answer: string }[];
  callToAction: { title: string; text: string };
}
interface AuthoringState {
  slug: string;
  status: 'draft' | 'published';
  publishedVersion: number;
  hasDraft: boolean;
  etag: string;
  document: Source;
}

const KINDS = ['docs', 'article', 'video', 'course', 'book', 'tool', 'practice'];

/** A new permanent step id: 10 random lower-case letters and digits. */
function newStepId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => alphabet[b % alphabet.length]).join(
    '',
  );
}

const slugify = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'untitled';

function newStep(title = 'New step'): SourceStep {
  return {
    id: newStepId(),
    slug: `${slugify(title)}-${newStepId().slice(0, 4)}`,
    title,
    summary: 'What this step is about.',
    required: true,
    estimatedHours: 5,
    body: 'What to learn, and why it matters.',
    resources: [{ title: 'Documentation', url: 'https://developer.mozilla.org/', kind: 'docs' }],
  };
}

function template(slug: string, title: string): Source {
  const step = newStep('First step');
  return {
    slug,
    title,
    summary: 'One sentence on where this roadmap leads.',
    intro: 'Why this path matters, in a paragraph or two.',
    layers: [{ slug: 'basics', title: 'Basics', summary: 'Where to start.', steps: [step] }],
    milestones: [],
    comparisons: [],
    faq: [],
    callToAction: { title: 'Ready to start?', text: 'Begin with the first step.' },
  };
}

function move<T>(list: T[], index: number, by: number): T[] {
  const target = index + by;
  if (target < 0 || target >= list.length) return list;
  const copy = [...list];
  [copy[index], copy[target]] = [copy[target]!, copy[index]!];
  return copy;
}

/** A labelled text input or textarea bound to one value, with the API's message for its path. */
function Input({
  label,
  value,
  onChange,
  errors,
  path,
  multiline,
  type = 'text',
}: {
  label: string;
  value: string | number;
  onChange: (value: string) => void;
  errors: FieldError[];
  path: string;
  multiline?: boolean;
  type?: string;
}) {
  const id = `f${path.replace(/\W/g, '-')}`;
  const message = errors.find((e) => e.path === `/body${path}`)?.message;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          value={value}
          rows={4}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={message ? true : undefined}
        />
      ) : (
        <input
          id={id}
          type={type}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={message ? true : undefined}
        />
      )}
      {message ? <p className="field-error">{`${label} ${message}`}</p> : null}
    </div>
  );
}

function Mover({
  label,
  onUp,
  onDown,
  onRemove,
}: {
  label: string;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
}) {
  return (
    <div className="row">
      <button type="button" className="button secondary small" onClick={onUp} aria-label={`Move ${label} up`}>
        ↑
      </button>
      <button
        type="button"
        className="button secondary small"
        onClick={onDown}
        aria-label={`Move ${label} down`}
      >
        ↓
      </button>
      <button
        type="button"
        className="button secondary small"
        onClick={onRemove}
        aria-label={`Remove ${label}`}
      >
        Remove
      </button>
    </div>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="panel editor-group">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export function AuthorList() {
  usePageMeta('Your roadmaps');
  const { status, user } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const authored = useQuery({
    queryKey: ['authored'],
    queryFn: () =>
      api<{
        items: { slug: string; title: string; status: string; publishedVersion: number; hasDraft: boolean }[];
      }>('/api/v1/me/authored'),
    enabled: status === 'signed-in' && user?.role !== 'learner',
  });
  const [title, setTitle] = useState('');
  const create = useMutation({
    mutationFn: (t: string) =>
      api<AuthoringState>('/api/v1/roadmaps', { method: 'POST', body: template(slugify(t), t) }),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      navigate(`/author/${created.slug}`);
    },
  });

  if (status === 'anonymous') return <Navigate to="/login" replace />;
  if (!user) return <Loading />;
  if (user.role === 'learner') {
    return (
      <section className="narrow">
        <h1>Write roadmaps</h1>
        <p>Writing roadmaps needs the author role. Ask an admin of this Waymark to give it to you.</p>
      </section>
    );
  }
  return (
    <>
      <h1>Your roadmaps</h1>
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(title);
        }}
      >
        <h2>New roadmap</h2>
        <div className="field">
          <label htmlFor="new-title">Title</label>
          <input
            id="new-title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            maxLength={200}
          />
          <p className="hint">Its address will be /roadmaps/{slugify(title || 'title')}.</p>
        </div>
        <ErrorMessage error={create.error} />
        <button type="submit" className="button" disabled={create.isPending}>
          Create draft
        </button>
      </form>
      {authored.isPending ? <Loading /> : null}
      <ErrorMessage error={authored.error} />
      <ul className="cards">
        {authored.data?.items.map((r) => (
          <li key={r.slug} className="card">
            <h3>
              <Link to={`/author/${r.slug}`}>{r.title}</Link>
            </h3>
            <p className="meta">
              {r.status === 'published' ? `Published, version ${r.publishedVersion}` : 'Draft, not published'}
              {r.status === 'published' && r.hasDraft ? ' · unpublished changes' : ''}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}

export function AuthorEdit() {
  const { slug = '' } = useParams();
  const queryClient = useQueryClient();
  const loaded = useQuery({
    queryKey: ['draft', slug],
    queryFn: () => api<AuthoringState>(`/api/v1/roadmaps/${slug}?version=draft`),
    refetchOnWindowFocus: false,
  });
  const [doc, setDoc] = useState<Source | null>(null);
  const [etag, setEtag] = useState('');
  const [dirty, setDirty] = useState(false);
  const [preview, setPreview] = useState<RoadmapDocument | null>(null);
  usePageMeta(doc ? `Editing ${doc.title}` : 'Editor');

  useEffect(() => {
    if (loaded.data) {
      setDoc(loaded.data.document);
      setEtag(loaded.data.etag);
      setDirty(false);
    }
  }, [loaded.data]);

  const save = useMutation({
    mutationFn: (source: Source) =>
      api<AuthoringState>(`/api/v1/roadmaps/${slug}`, {
        method: 'PUT',
        body: source,
        headers: { 'if-match': etag },
      }),
    onSuccess: (state) => {
      setEtag(state.etag);
      setDirty(false);
    },
  });
  const publish = useMutation({
    mutationFn: async () => {
      if (dirty && doc) await save.mutateAsync(doc);
      return api<{ version: number }>(`/api/v1/roadmaps/${slug}/publish`, { method: 'POST' });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      void queryClient.invalidateQueries({ queryKey: ['roadmaps'] });
      void queryClient.invalidateQueries({ queryKey: ['draft', slug] });
    },
  });

  // The preview follows the edits (debounced), rendered by the server like the real thing.
  const [previewError, setPreviewError] = useState<unknown>(null);
  useEffect(() => {
    if (!doc) return;
    const timer = setTimeout(() => {
      api<RoadmapDocument>('/api/v1/roadmaps/preview', { method: 'POST', body: doc })
        .then((d) => {
          setPreview(d);
          setPreviewError(null);
        })
        .catch(setPreviewError);
    }, 400);
    return () => clearTimeout(timer);
  }, [doc]);

  if (loaded.isPending) return <Loading />;
  if (!doc) return <ErrorMessage error={loaded.error} />;

  const errors = [save.error, previewError].flatMap((e) =>
    e instanceof ApiError ? (e.problem.errors ?? []) : [],
  );
  const change = (next: Source) => {
    setDoc(next);
    setDirty(true);
  };
  const set = <K extends keyof Source>(key: K, value: Source[K]) => change({ ...doc, [key]: value });
  const setLayer = (li: number, layer: Source['layers'][number]) =>
    set(
      'layers',
      doc.layers.map((l, i) => (i === li ? layer : l)),
    );
  const setStep = (li: number, si: number, step: SourceStep) =>
    setLayer(li, { ...doc.layers[li]!, steps: doc.layers[li]!.steps.map((s, i) => (i === si ? step : s)) });
  const allSteps = doc.layers.flatMap((l) => l.steps);
  const conflict = save.error instanceof ApiError && save.error.status === 412;

  return (
    <div className="editor">
      <div className="editor-form">
        <p>
          <Link to="/author">← Your roadmaps</Link>
        </p>
        <h1>{doc.title}</h1>
        <p className="meta">
          {loaded.data?.status === 'published'
            ? `Published, version ${loaded.data.publishedVersion}`
            : 'Draft, not published yet'}
          {dirty ? ' · unsaved changes' : ''}
        </p>
        <div className="row sticky-actions">
          <button
            type="button"
            className="button secondary"
            disabled={!dirty || save.isPending}
            onClick={() => save.mutate(doc)}
          >
            {save.isPending ? 'Saving…' : 'Save draft'}
          </button>
          <button
            type="button"
            className="button"
            disabled={publish.isPending}
            onClick={() => publish.mutate()}
          >
            {publish.isPending ? 'Publishing…' : 'Publish'}
          </button>
        </div>
        {conflict ? (
          <p className="error" role="alert">
            Someone else saved this roadmap since you opened it. Your changes are not saved.{' '}
            <button type="button" className="link" onClick={() => void loaded.refetch()}>
              Load their version
            </button>{' '}
            and apply your changes again.
          </p>
        ) : (
          <ErrorMessage error={save.error ?? publish.error} />
        )}
        {publish.isSuccess ? (
          <p role="status">
            Published as version {publish.data.version}.{' '}
            <Link to={`/roadmaps/${slug}`}>See it as readers do</Link>
          </p>
        ) : null}
        {errors.length > 0 ? (
          <ul className="error-list" aria-label="Problems">
            {errors.map((e) => (
              <li key={`${e.path}${e.message}`}>
                {e.path.replace(/^\/body/, '') || '(document)'}: {e.message}
              </li>
            ))}
          </ul>
        ) : null}

        <Group title="Roadmap">
          <Input
            label="Title"
            value={doc.title}
            onChange={(v) => set('title', v)}
            errors={errors}
            path="/title"
          />
          <Input
            label="Summary"
            value={doc.summary}
            onChange={(v) => set('summary', v)}
            errors={errors}
            path="/summary"
          />
          <Input
            label="Introduction (Markdown)"
            value={doc.intro}
            onChange={(v) => set('intro', v)}
            errors={errors}
            path="/intro"
            multiline
          />
        </Group>

        {doc.layers.map((layer, li) => (
          <Group key={li} title={`Layer ${li + 1}: ${layer.title}`}>
            <Input
              label="Layer title"
              value={layer.title}
              onChange={(v) => setLayer(li, { ...layer, title: v })}
              errors={errors}
              path={`/layers/${li}/title`}
            />
            <Input
              label="Layer slug"
              value={layer.slug}
              onChange={(v) => setLayer(li, { ...layer, slug: v })}
              errors={errors}
              path={`/layers/${li}/slug`}
            />
            <Input
              label="Layer summary"
              value={layer.summary}
              onChange={(v) => setLayer(li, { ...layer, summary: v })}
              errors={errors}
              path={`/layers/${li}/summary`}
            />
            <Mover
              label={`layer ${layer.title}`}
              onUp={() => set('layers', move(doc.layers, li, -1))}
              onDown={() => set('layers', move(doc.layers, li, 1))}
              onRemove={() =>
                set(
                  'layers',
                  doc.layers.filter((_, i) => i !== li),
                )
              }
            />
            {layer.steps.map((step, si) => (
              <fieldset key={step.id} className="editor-step">
                <legend>
                  Step: {step.title} ({step.required ? 'required' : 'optional'})
                </legend>
                <Input
                  label="Step title"
                  value={step.title}
                  onChange={(v) => setStep(li, si, { ...step, title: v })}
                  errors={errors}
                  path={`/layers/${li}/steps/${si}/title`}
                />
                <Input
                  label="Step slug"
                  value={step.slug}
                  onChange={(v) => setStep(li, si, { ...step, slug: v })}
                  errors={errors}
                  path={`/layers/${li}/steps/${si}/slug`}
                />
                <Input
                  label="Step summary"
                  value={step.summary}
                  onChange={(v) => setStep(li, si, { ...step, summary: v })}
                  errors={errors}
                  path={`/layers/${li}/steps/${si}/summary`}
                />
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={step.required}
                    onChange={(e) => setStep(li, si, { ...step, required: e.target.checked })}
                  />{' '}
                  Required step
                </label>
                <Input
                  label="Hours"
                  type="number"
                  value={step.estimatedHours}
                  onChange={(v) => setStep(li, si, { ...step, estimatedHours: Number(v) })}
                  errors={errors}
                  path={`/layers/${li}/steps/${si}/estimatedHours`}
                />
                <Input
                  label="Body (Markdown)"
                  value={step.body}
                  onChange={(v) => setStep(li, si, { ...step, body: v })}
                  errors={errors}
                  path={`/layers/${li}/steps/${si}/body`}
                  multiline
                />
                <Input
                  label="Resources (one per line: kind | title | https://…)"
                  value={step.resources.map((r) => `${r.kind} | ${r.title} | ${r.url}`).join('\n')}
                  onChange={(v) =>
                    setStep(li, si, {
                      ...step,
                      resources: v
                        .split('\n')
                        .filter((line) => line.trim())
                        .map((line) => {
                          const [kind = '', title = '', url = ''] = line.split('|').map((p) => p.trim());
                          return { kind: KINDS.includes(kind) ? kind : kind || 'docs', title, url };
                        }),
                    })
                  }
                  errors={errors}
                  path={`/layers/${li}/steps/${si}/resources`}
                  multiline
                />
                <Mover
                  label={`step ${step.title}`}
                  onUp={() => setLayer(li, { ...layer, steps: move(layer.steps, si, -1) })}
                  onDown={() => setLayer(li, { ...layer, steps: move(layer.steps, si, 1) })}
                  onRemove={() => setLayer(li, { ...layer, steps: layer.steps.filter((_, i) => i !== si) })}
                />
              </fieldset>
            ))}
            <button
              type="button"
              className="button secondary"
              onClick={() => setLayer(li, { ...layer, steps: [...layer.steps, newStep()] })}
            >
              Add a step to {layer.title}
            </button>
          </Group>
        ))}
        <button
          type="button"
          className="button secondary"
          onClick={() =>
            set('layers', [
              ...doc.layers,
              {
                slug: `layer-${doc.layers.length + 1}`,
                title: 'New layer',
                summary: 'What this layer covers.',
                steps: [newStep()],
              },
            ])
          }
        >
          Add a layer
        </button>

        <Group title="Milestones">
          {doc.milestones.map((m, mi) => (
            <fieldset key={mi} className="editor-step">
              <legend>Milestone: {m.title}</legend>
              <Input
                label="Milestone title"
                value={m.title}
                onChange={(v) =>
                  set(
                    'milestones',
                    doc.milestones.map((x, i) => (i === mi ? { ...x, title: v, slug: slugify(v) } : x)),
                  )
                }
                errors={errors}
                path={`/milestones/${mi}/title`}
              />
              <Input
                label="What the learner can do (Markdown)"
                value={m.description}
                onChange={(v) =>
                  set(
                    'milestones',
                    doc.milestones.map((x, i) => (i === mi ? { ...x, description: v } : x)),
                  )
                }
                errors={errors}
                path={`/milestones/${mi}/description`}
                multiline
              />
              <div className="field">
                <label htmlFor={`after-${mi}`}>After the step</label>
                <select
                  id={`after-${mi}`}
                  value={m.afterStep}
                  onChange={(e) =>
                    set(
                      'milestones',
                      doc.milestones.map((x, i) => (i === mi ? { ...x, afterStep: e.target.value } : x)),
                    )
                  }
                >
                  {allSteps.map((s) => (
                    <option key={s.id} value={s.slug}>
                      {s.title}
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="button"
                className="button secondary small"
                onClick={() =>
                  set(
                    'milestones',
                    doc.milestones.filter((_, i) => i !== mi),
                  )
                }
              >
                Remove milestone
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            className="button secondary"
            onClick={() =>
              set('milestones', [
                ...doc.milestones,
                {
                  slug: `milestone-${doc.milestones.length + 1}`,
                  title: 'A milestone',
                  description: 'What you can do now.',
                  afterStep: allSteps.at(-1)?.slug ?? '',
                },
              ])
            }
          >
            Add a milestone
          </button>
        </Group>

        <Group title="Comparison tables">
          {doc.comparisons.map((c, ci) => (
            <fieldset key={ci} className="editor-step">
              <legend>Table: {c.title}</legend>
              <Input
                label="Table title"
                value={c.title}
                onChange={(v) =>
                  set(
                    'comparisons',
                    doc.comparisons.map((x, i) => (i === ci ? { ...x, title: v, slug: slugify(v) } : x)),
                  )
                }
                errors={errors}
                path={`/comparisons/${ci}/title`}
              />
              <Input
                label="Columns (separated by |)"
                value={c.columns.join(' | ')}
                onChange={(v) =>
                  set(
                    'comparisons',
                    doc.comparisons.map((x, i) =>
                      i === ci ? { ...x, columns: v.split('|').map((p) => p.trim()) } : x,
                    ),
                  )
                }
                errors={errors}
                path={`/comparisons/${ci}/columns`}
              />
              <Input
                label="Rows (one per line, cells separated by |)"
                value={c.rows.map((r) => r.join(' | ')).join('\n')}
                onChange={(v) =>
                  set(
                    'comparisons',
                    doc.comparisons.map((x, i) =>
                      i === ci
                        ? {
                            ...x,
                            rows: v
                              .split('\n')
                              .filter((l) => l.trim())
                              .map((l) => l.split('|').map((p) => p.trim())),
                          }
                        : x,
                    ),
                  )
                }
                errors={errors}
                path={`/comparisons/${ci}/rows`}
                multiline
              />
              <button
                type="button"
                className="button secondary small"
                onClick={() =>
                  set(
                    'comparisons',
                    doc.comparisons.filter((_, i) => i !== ci),
                  )
                }
              >
                Remove table
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            className="button secondary"
            onClick={() =>
              set('comparisons', [
                ...doc.comparisons,
                {
                  slug: `table-${doc.comparisons.length + 1}`,
                  title: 'A or B',
                  columns: ['Aspect', 'A', 'B'],
                  rows: [['Speed', 'fast', 'slow']],
                },
              ])
            }
          >
            Add a table
          </button>
        </Group>

        <Group title="Frequently asked questions">
          {doc.faq.map((f, fi) => (
            <fieldset key={fi} className="editor-step">
              <legend>Question {fi + 1}</legend>
              <Input
                label="Question"
                value={f.question}
                onChange={(v) =>
                  set(
                    'faq',
                    doc.faq.map((x, i) => (i === fi ? { ...x, question: v } : x)),
                  )
                }
                errors={errors}
                path={`/faq/${fi}/question`}
              />
              <Input
                label="Answer (Markdown)"
                value={f.answer}
                onChange={(v) =>
                  set(
                    'faq',
                    doc.faq.map((x, i) => (i === fi ? { ...x, answer: v } : x)),
                  )
                }
                errors={errors}
                path={`/faq/${fi}/answer`}
                multiline
              />
              <Mover
                label={`question ${fi + 1}`}
                onUp={() => set('faq', move(doc.faq, fi, -1))}
                onDown={() => set('faq', move(doc.faq, fi, 1))}
                onRemove={() =>
                  set(
                    'faq',
                    doc.faq.filter((_, i) => i !== fi),
                  )
                }
              />
            </fieldset>
          ))}
          <button
            type="button"
            className="button secondary"
            onClick={() => set('faq', [...doc.faq, { question: 'A question?', answer: 'Its answer.' }])}
          >
            Add a question
          </button>
        </Group>

        <Group title="Call to action">
          <Input
            label="Heading"
            value={doc.callToAction.title}
            onChange={(v) => set('callToAction', { ...doc.callToAction, title: v })}
            errors={errors}
            path="/callToAction/title"
          />
          <Input
            label="Text"
            value={doc.callToAction.text}
            onChange={(v) => set('callToAction', { ...doc.callToAction, text: v })}
            errors={errors}
            path="/callToAction/text"
          />
        </Group>
      </div>

      <section className="editor-preview" aria-labelledby="preview">
        <h2 id="preview">Preview</h2>
        {preview ? (
          <div className="roadmap">
            <p className="lead">{preview.summary}</p>
            <div className="prose" dangerouslySetInnerHTML={{ __html: preview.introHtml }} />
            <RoadmapView doc={preview} linkSteps={false} />
          </div>
        ) : (
          <Loading label="Rendering the preview…" />
        )}
      </section>
    </div>
  );
}
