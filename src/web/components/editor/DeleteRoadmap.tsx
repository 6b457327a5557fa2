// Deleting a roadmap, with what it means for its learners said before the author confirms.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { call, client } from '../../api.ts';
import { ErrorMessage } from '../common.tsx';

export function DeleteRoadmap({
  slug,
  title,
  onDeleted,
}: {
  slug: string;
  title: string;
  onDeleted: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => call(() => client.DELETE('/api/v1/roadmaps/{slug}', { params: { path: { slug } } })),
    onSuccess: () => {
      onDeleted();
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      void queryClient.invalidateQueries({ queryKey: ['roadmaps'] });
      navigate('/author', { state: { notice: `“${title}” was deleted.` } });
    },
  });
  return (
    <section className="panel editor-danger" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this roadmap</h2>
      <p>
        Readers lose it at once: it leaves the catalog, search and its address. Learners who followed it keep
        their ticks, notes and study time for it in their history and export, and can delete them themselves.
        Its address stays taken, so no other roadmap can reuse it.
      </p>
      {asking ? (
        <div className="row">
          <button
            type="button"
            className="button danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Yes, delete “{title}”
          </button>
          <button type="button" className="button secondary" onClick={() => setAsking(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="button secondary" onClick={() => setAsking(true)}>
          Delete roadmap…
        </button>
      )}
      <ErrorMessage error={remove.error} />
    </section>
  );
}
