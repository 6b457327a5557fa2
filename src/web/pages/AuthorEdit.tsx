// The editor: the whole document changed through structured forms — layers, steps (moved with
// up/down buttons), resources, milestones, comparison tables, FAQ — each part a table of fields
// (components/editor/specs.ts), with a live preview rendered by the server and shown with the
// roadmap page's own components. Saving sends If-Match: a conflicting save by someone else is
// reported, never overwritten.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ForkedFrom } from '../components/editor/ForkedFrom.tsx';
import { useEffect, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { ApiError, call, client, type AuthoringState, type RoadmapDocument } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeaveGuard } from '../navigation.tsx';
import { ErrorMessage, FormError, Loading, usePageMeta } from '../components/common.tsx';
import { RoadmapView } from '../components/RoadmapView.tsx';
import { Fields, Group, ProblemsContext } from '../components/editor/fields.tsx';
import { newComparison, newMilestone, newQuestion, type Source } from '../components/editor/model.ts';
import {
  dropLocalDraft,
  readLocalDraft,
  useLocalDraft,
  useServerDraft,
  type LocalDraft,
} from '../components/editor/draft.ts';
import { describeProblems, problemsAt } from '../components/editor/problems.ts';
import { ProblemSummary } from '../components/editor/ProblemSummary.tsx';
import { PublishCheck } from '../components/editor/PublishCheck.tsx';
import { publishWarnings, type Warning } from '../components/editor/warnings.ts';
import { DeleteRoadmap } from '../components/editor/DeleteRoadmap.tsx';
import { RenameRoadmap } from '../components/editor/RenameRoadmap.tsx';
import { downloadYaml } from '../components/editor/yaml-file.ts';
import { VersionHistory } from '../components/editor/VersionHistory.tsx';
import { RestoreDraft } from '../components/editor/RestoreDraft.tsx';
import { ItemList, LayersEditor } from '../components/editor/sections.tsx';
import {
  callToActionFields,
  comparisonFields,
  milestoneFields,
  questionFields,
  roadmapFields,
} from '../components/editor/specs.ts';

export default function AuthorEdit() {
  const { slug = '' } = useParams();
  const { status, user } = useAuth();
  const userId = user?.id;
  const queryClient = useQueryClient();
  const loaded = useServerDraft(slug, status === 'signed-in');
  const [doc, setDoc] = useState<Source | null>(null);
  const [etag, setEtag] = useState('');
  const [dirty, setDirty] = useState(false);
  const [preview, setPreview] = useState<RoadmapDocument | null>(null);
  const [restorable, setRestorable] = useState<LocalDraft | null>(null);
  const [checking, setChecking] = useState<Warning[] | null>(null);
  usePageMeta(doc ? `Editing ${doc.title}` : 'Editor');
  useLeaveGuard(dirty, 'This roadmap has changes that are not saved. Leave without saving them?');
  useLocalDraft(userId, slug, doc, etag, dirty);

  useEffect(() => {
    if (!loaded.data) return;
    setDoc(loaded.data.document);
    setEtag(loaded.data.etag);
    setDirty(false);
    // Changes kept in this browser (a crash, a closed tab) that differ from the server's draft.
    const local = userId ? readLocalDraft(userId, slug) : null;
    const differs = local && JSON.stringify(local.doc) !== JSON.stringify(loaded.data.document);
    setRestorable(differs ? local : null);
  }, [loaded.data, userId, slug]);

  /** The server holds this draft now (saved or restored): nothing is left unsaved here. */
  const settle = (state: AuthoringState) => {
    setEtag(state.etag);
    setDirty(false);
    if (userId) dropLocalDraft(userId, slug);
  };
  const save = useMutation({
    mutationFn: (source: Source) =>
      call(() =>
        client.PUT('/api/v1/roadmaps/{slug}', {
          params: { path: { slug }, header: { 'if-match': etag } },
          body: source,
        }),
      ),
    onSuccess: (state) => settle(state),
  });
  const publish = useMutation({
    mutationFn: async () => {
      if (dirty && doc) await save.mutateAsync(doc);
      return call(() => client.POST('/api/v1/roadmaps/{slug}/publish', { params: { path: { slug } } }));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      void queryClient.invalidateQueries({ queryKey: ['roadmaps'] });
      void queryClient.invalidateQueries({ queryKey: ['draft', slug] });
      void queryClient.invalidateQueries({ queryKey: ['versions', slug] });
    },
  });

  // The preview follows the edits (debounced), rendered by the server like the real thing.
  const [previewError, setPreviewError] = useState<unknown>(null);
  useEffect(() => {
    if (!doc) return;
    const timer = setTimeout(() => {
      call(() => client.POST('/api/v1/roadmaps/preview', { body: doc }))
        .then((d) => {
          setPreview(d);
          setPreviewError(null);
        })
        .catch(setPreviewError);
    }, 400);
    return () => clearTimeout(timer);
  }, [doc]);

  if (status === 'anonymous') return <Navigate to="/login" replace />;
  if (loaded.isPending) return <Loading />;
  if (!doc) return <ErrorMessage error={loaded.error} />;

  const errors = [save.error, previewError].flatMap((e) =>
    e instanceof ApiError ? (e.problem.errors ?? []) : [],
  );
  const problems = describeProblems(errors, doc);
  const problemAt = (path: string) => problemsAt(problems, path).map((p) => p.text);
  const change = (next: Source) => {
    setDoc(next);
    setDirty(true);
    // A rejected save's problems give way to the preview's, which follow every edit.
    if (save.error instanceof ApiError && save.error.status === 400) save.reset();
  };
  const set = <K extends keyof Source>(key: K, value: Source[K]) => change({ ...doc, [key]: value });
  const allSteps = doc.layers.flatMap((l) => l.steps);
  const conflict = save.error instanceof ApiError && save.error.status === 412;

  return (
    <div className="editor">
      <ProblemsContext.Provider value={problemAt}>
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
          <ForkedFrom origin={loaded.data?.forkedFrom ?? null} />
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
              onClick={() => {
                const warnings = publishWarnings(doc);
                if (warnings.length > 0) setChecking(warnings);
                else publish.mutate();
              }}
            >
              {publish.isPending ? 'Publishing…' : 'Publish'}
            </button>
            <button type="button" className="button secondary" onClick={() => void downloadYaml(doc)}>
              Download YAML
            </button>
          </div>
          {checking ? (
            <PublishCheck
              warnings={checking}
              onPublish={() => {
                setChecking(null);
                publish.mutate();
              }}
              onCancel={() => setChecking(null)}
            />
          ) : null}
          {restorable ? (
            <RestoreDraft
              draft={restorable}
              onRestore={() => {
                setDoc(restorable.doc);
                // Saved against the revision they were made on: if someone saved since, the
                // save says so instead of overwriting their work.
                setEtag(restorable.etag);
                setDirty(true);
                setRestorable(null);
              }}
              onDiscard={() => {
                if (userId) dropLocalDraft(userId, slug);
                setRestorable(null);
              }}
            />
          ) : null}
          {conflict ? (
            <p className="error" role="alert">
              Someone else saved this roadmap since you opened it. Your changes are not saved.{' '}
              <button type="button" className="link" onClick={() => void loaded.refetch()}>
                Load their version
              </button>{' '}
              and apply your changes again.
            </p>
          ) : (
            <>
              <FormError error={save.error} />
              <ErrorMessage error={publish.error} />
            </>
          )}
          {publish.isSuccess ? (
            <p role="status">
              Published as version {publish.data.version}.{' '}
              <Link to={`/roadmaps/${slug}`}>See it as readers do</Link>
            </p>
          ) : null}
          <ProblemSummary problems={problems} />

          <Group title="Roadmap">
            <Fields specs={roadmapFields} value={doc} path="" onChange={change} />
          </Group>
          <LayersEditor layers={doc.layers} onChange={(layers) => set('layers', layers)} />
          <Group title="Milestones">
            <ItemList
              items={doc.milestones}
              onChange={(items) => set('milestones', items)}
              path="/milestones"
              specs={milestoneFields(allSteps)}
              legend={(m) => `Milestone: ${m.title}`}
              removeText="Remove milestone"
              addText="Add a milestone"
              create={() => newMilestone(doc.milestones.length, allSteps.at(-1)?.slug ?? '')}
            />
          </Group>
          <Group title="Comparison tables">
            <ItemList
              items={doc.comparisons}
              onChange={(items) => set('comparisons', items)}
              path="/comparisons"
              specs={comparisonFields}
              legend={(c) => `Table: ${c.title}`}
              removeText="Remove table"
              addText="Add a table"
              create={() => newComparison(doc.comparisons.length)}
            />
          </Group>
          <Group title="Frequently asked questions">
            <ItemList
              items={doc.faq}
              onChange={(items) => set('faq', items)}
              path="/faq"
              specs={questionFields}
              legend={(_, i) => `Question ${i + 1}`}
              moverLabel={(_, i) => `question ${i + 1}`}
              addText="Add a question"
              create={newQuestion}
            />
          </Group>
          <Group title="Call to action">
            <Fields
              specs={callToActionFields}
              value={doc.callToAction}
              path="/callToAction"
              onChange={(v) => set('callToAction', v)}
            />
          </Group>
          <VersionHistory
            slug={slug}
            draft={doc}
            etag={etag}
            dirty={dirty}
            publishedVersion={loaded.data?.publishedVersion ?? 0}
            onRestored={(state) => {
              setDoc(state.document);
              settle(state);
              save.reset();
            }}
          />
          <RenameRoadmap
            slug={slug}
            dirty={dirty}
            onRenamed={() => {
              if (userId) dropLocalDraft(userId, slug);
            }}
          />
          <DeleteRoadmap
            slug={slug}
            title={doc.title}
            onDeleted={() => {
              setDirty(false);
              if (userId) dropLocalDraft(userId, slug);
            }}
          />
        </div>
      </ProblemsContext.Provider>

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
