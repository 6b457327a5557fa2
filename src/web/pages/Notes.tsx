// "My notes": every note the learner wrote, newest first, with full-text search (the words are
// kept in the address, so a search can be bookmarked or shared with oneself).
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { call, client } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { noteKeys } from '../notes.ts';

export default function Notes() {
  const { status } = useAuth();
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const [typed, setTyped] = useState(q);
  useEffect(() => setTyped(q), [q]);
  usePageMeta(q ? `My notes: ${q}` : 'My notes');
  const notes = useInfiniteQuery({
    queryKey: noteKeys.list(q),
    enabled: status === 'signed-in',
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/me/notes', {
          params: { query: { limit: 20, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  if (status === 'loading') return <Loading />;
  if (status !== 'signed-in')
    return (
      <section>
        <h1>My notes</h1>
        <p>
          <Link to="/login">Sign in</Link> to see your notes.
        </p>
      </section>
    );
  const items = notes.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="notes-title" className="notes-page">
      <h1 id="notes-title">My notes</h1>
      <form
        role="search"
        aria-label="Your notes"
        className="notes-search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(typed.trim() ? { q: typed.trim() } : {});
        }}
      >
        <label htmlFor="notes-q">Search your notes</label>
        <div className="row">
          <input id="notes-q" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
          <button type="submit" className="button small">
            Search
          </button>
        </div>
      </form>
      {notes.isPending ? <Loading label="Loading your notes…" /> : null}
      <ErrorMessage error={notes.error} />
      {notes.isSuccess ? (
        <p role="status">
          {items.length === 0
            ? q
              ? 'No note matches. Try other words.'
              : 'No notes yet. Open a step and write in its "My notes" panel.'
            : q
              ? `Notes matching “${q}”, newest first.`
              : 'Newest first.'}
        </p>
      ) : null}
      <ol className="note-list">
        {items.map((n) => (
          <li key={`${n.roadmapSlug}/${n.stepSlug}`}>
            <p className="eyebrow">
              {n.roadmapTitle} · saved{' '}
              <time dateTime={n.updatedAt}>
                {new Date(n.updatedAt).toLocaleDateString(undefined, {
                  day: 'numeric',
                  month: 'short',
                  year: 'numeric',
                })}
              </time>
            </p>
            <h2>
              <Link to={`/roadmaps/${n.roadmapSlug}/steps/${n.stepSlug}`}>{n.stepTitle}</Link>
            </h2>
            <div className="prose" dangerouslySetInnerHTML={{ __html: n.bodyHtml }} />
          </li>
        ))}
      </ol>
      {notes.hasNextPage ? (
        <button
          type="button"
          className="button secondary"
          disabled={notes.isFetchingNextPage}
          onClick={() => void notes.fetchNextPage()}
        >
          {notes.isFetchingNextPage ? 'Loading…' : 'More notes'}
        </button>
      ) : null}
    </section>
  );
}
