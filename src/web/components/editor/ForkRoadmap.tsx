// Forking, on the roadmap page for authors: the published roadmap becomes a new draft of their
// own under a new address and title (the server gives every step a new permanent id, so
// learners' progress stays with the original). Loaded only for authors and admins.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { call, client } from '../../api.ts';
import { Field, FormError } from '../common.tsx';
import { slugify } from './model.ts';

export default function ForkRoadmap({
  slug,
  title,
  heading = 'Fork this roadmap',
  startOpen = false,
  framed = true,
}: {
  slug: string;
  title: string;
  heading?: string;
  /** Show the form at once (the authoring list, where the roadmap was just chosen). */
  startOpen?: boolean;
  /** In a panel of its own (the roadmap page), or inside the caller's. */
  framed?: boolean;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(startOpen);
  const [newTitle, setNewTitle] = useState(`${title} (my version)`);
  const [newSlug, setNewSlug] = useState<string | null>(null);
  const address = newSlug ?? slugify(newTitle);
  const fork = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/roadmaps/{slug}/fork', {
          params: { path: { slug } },
          body: { slug: address, title: newTitle },
        }),
      ),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      navigate(`/author/${created.slug}`);
    },
  });

  return (
    <section className={framed ? 'panel' : undefined} aria-labelledby="fork-title">
      <h2 id="fork-title">{heading}</h2>
      <p>
        Start a roadmap of your own from this one: a new draft with everything it has, under a new address.
        This roadmap and its learners’ progress are not touched.
      </p>
      {open ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            fork.mutate();
          }}
        >
          <Field
            label="Title of your roadmap"
            name="title"
            error={fork.error}
            value={newTitle}
            onChange={(e) => setNewTitle(e.target.value)}
            required
            maxLength={200}
          />
          <Field
            label="Address"
            name="slug"
            error={fork.error}
            hint={`It will be at /roadmaps/${address}. Lower-case words joined by hyphens.`}
            value={address}
            onChange={(e) => setNewSlug(e.target.value)}
            required
            maxLength={80}
          />
          <FormError error={fork.error} />
          <div className="row">
            <button type="submit" className="button" disabled={fork.isPending}>
              {fork.isPending ? 'Forking…' : 'Create my draft'}
            </button>
            <button type="button" className="button secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="button secondary" onClick={() => setOpen(true)}>
          Fork…
        </button>
      )}
    </section>
  );
}
