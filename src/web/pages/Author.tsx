// The author's area: their roadmaps with draft/published state and a form to start a new one.
// The editor itself is AuthorEdit.tsx.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { call, client } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { ImportYaml } from '../components/editor/ImportYaml.tsx';
import { ForkedFrom } from '../components/editor/ForkedFrom.tsx';
import { slugify, template } from '../components/editor/model.ts';

const ForkRoadmap = lazy(() => import('../components/editor/ForkRoadmap.tsx'));

export function AuthorList() {
  usePageMeta('Your roadmaps');
  const { status, user } = useAuth();
  const { leaving } = useLeave();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const authored = useQuery({
    queryKey: ['authored'],
    queryFn: () => call(() => client.GET('/api/v1/me/authored')),
    enabled: status === 'signed-in' && user?.role !== 'learner',
  });
  const [title, setTitle] = useState('');
  const create = useMutation({
    mutationFn: (t: string) => call(() => client.POST('/api/v1/roadmaps', { body: template(slugify(t), t) })),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      navigate(`/author/${created.slug}`);
    },
  });

  if (status === 'anonymous' && !leaving) return <Navigate to="/login" replace />;
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
      <ImportYaml />
      <ForkPublished />
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
            <ForkedFrom origin={r.forkedFrom} />
          </li>
        ))}
      </ul>
    </>
  );
}

/** Fork any published roadmap (yours or someone else's) into a new draft of your own. */
function ForkPublished() {
  const catalog = useQuery({
    queryKey: ['roadmaps', 'fork-choices'],
    queryFn: () => call(() => client.GET('/api/v1/roadmaps', { params: { query: { limit: 100 } } })),
  });
  const [chosen, setChosen] = useState('');
  const picked = catalog.data?.items.find((r) => r.slug === chosen);
  return (
    <section className="panel" aria-labelledby="fork-published-title">
      <h2 id="fork-published-title">Fork a published roadmap</h2>
      <p>
        Start from any roadmap on this Waymark: your draft gets everything it has, and the original is not
        touched.
      </p>
      <ErrorMessage error={catalog.error} />
      <div className="field">
        <label htmlFor="fork-choice">Roadmap to fork</label>
        <select id="fork-choice" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">Choose one…</option>
          {catalog.data?.items.map((r) => (
            <option key={r.slug} value={r.slug}>
              {r.title}
            </option>
          ))}
        </select>
      </div>
      {picked ? (
        <Suspense fallback={<Loading />}>
          <ForkRoadmap
            key={picked.slug}
            slug={picked.slug}
            title={picked.title}
            heading={`Fork “${picked.title}”`}
            startOpen
            framed={false}
          />
        </Suspense>
      ) : null}
    </section>
  );
}
