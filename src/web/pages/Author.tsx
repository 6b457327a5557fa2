// The author's area: their roadmaps with draft/published state and a form to start a new one.
// The editor itself is AuthorEdit.tsx.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { call, client } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { ImportYaml } from '../components/editor/ImportYaml.tsx';
import { slugify, template } from '../components/editor/model.ts';

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
