// A new address for a roadmap; the old one keeps working (the server answers it with a redirect),
// so links already shared and bookmarks survive.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, call, client } from '../../api.ts';
import { ErrorMessage } from '../common.tsx';

export function RenameRoadmap({
  slug,
  dirty,
  onRenamed,
}: {
  slug: string;
  dirty: boolean;
  onRenamed: () => void;
}) {
  const [to, setTo] = useState(slug);
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const rename = useMutation({
    mutationFn: (next: string) =>
      call(() =>
        client.POST('/api/v1/roadmaps/{slug}/rename', { params: { path: { slug } }, body: { slug: next } }),
      ),
    onSuccess: (state) => {
      onRenamed();
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      void queryClient.invalidateQueries({ queryKey: ['roadmaps'] });
      void navigate(`/author/${state.slug}`, {
        replace: true,
        state: { notice: `Renamed: its address is now /roadmaps/${state.slug}.` },
      });
    },
  });
  const fieldError = rename.error instanceof ApiError ? rename.error.fieldError('slug') : undefined;
  return (
    <section className="panel" aria-labelledby="rename-title">
      <h2 id="rename-title">Change the address</h2>
      <p>
        Readers find this roadmap at <code>/roadmaps/{slug}</code>. Give it a new one and the old address
        keeps working: it redirects to the new one, for the roadmap and each of its steps. Learners keep their
        progress.
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (to.trim() && to.trim() !== slug) rename.mutate(to.trim());
        }}
      >
        <label htmlFor={id}>New slug</label>
        <input
          id={id}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={dirty ? `${id}-dirty` : undefined}
        />
        <button
          type="submit"
          className="button secondary"
          disabled={dirty || rename.isPending || to.trim() === slug}
        >
          {rename.isPending ? 'Renaming…' : 'Rename'}
        </button>
      </form>
      {dirty ? (
        <p id={`${id}-dirty`} className="hint">
          Save your changes first.
        </p>
      ) : null}
      {fieldError ? (
        <p className="error" role="alert">
          That slug {fieldError}.
        </p>
      ) : (
        <ErrorMessage error={rename.error} />
      )}
    </section>
  );
}
