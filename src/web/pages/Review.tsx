// Spaced review: the cards due now, one at a time — the step's check questions, then its answers
// on request, then how well you remembered (keys 1–4). The server schedules with FSRS.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, Navigate } from 'react-router';
import { call, client, type Schemas } from '../api.ts';
import type { paths } from '../api/schema.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { PageError } from '../components/PageError.tsx';
import { ReviewTime } from '../components/review/ReviewTime.tsx';
import { keys, useReviews } from '../queries.ts';

type Item = Schemas['ReviewItem'];
type Rating =
  paths['/api/v1/me/reviews/{cardId}']['post']['requestBody']['content']['application/json']['rating'];

const RATINGS: { rating: Rating; label: string; hint: string }[] = [
  { rating: 'again', label: 'Again', hint: 'I did not remember' },
  { rating: 'hard', label: 'Hard', hint: 'With effort' },
  { rating: 'good', label: 'Good', hint: 'After a moment' },
  { rating: 'easy', label: 'Easy', hint: 'At once' },
];

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: 'numeric',
    minute: '2-digit',
  });

function useRate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ cardId, rating, key }: { cardId: string; rating: Rating; key: string }) =>
      call(() =>
        client.POST('/api/v1/me/reviews/{cardId}', {
          params: { path: { cardId }, header: { 'idempotency-key': key } },
          body: { rating },
        }),
      ),
    retry: 2, // safe: the key makes a retry a replay
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.reviews }),
  });
}

function Card({ item, onRated }: { item: Item; onRated: () => void }) {
  const [revealed, setRevealed] = useState(false);
  const key = useRef(crypto.randomUUID());
  const rate = useRate();
  const reveal = useRef<HTMLButtonElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => reveal.current?.focus({ preventScroll: true }), []);
  useEffect(() => {
    if (revealed) first.current?.focus({ preventScroll: true });
  }, [revealed]);

  const choose = (rating: Rating) => {
    if (rate.isPending) return;
    rate.mutate({ cardId: item.cardId, rating, key: key.current }, { onSuccess: onRated });
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if ((event.target as HTMLElement | null)?.closest('input, textarea, select')) return;
      const index = ['1', '2', '3', '4'].indexOf(event.key);
      if (revealed && index >= 0) {
        event.preventDefault();
        choose(RATINGS[index]!.rating);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const checks = item.checks.length
    ? item.checks
    : [
        {
          questionHtml: `<p>What do you remember about “${item.title}”?</p>`,
          answerHtml: `<p>${item.summary}</p>`,
        },
      ];
  return (
    <article className="review-card card" aria-labelledby="review-step">
      <p className="eyebrow">{item.roadmapTitle}</p>
      <h2 id="review-step">
        <Link to={`/roadmaps/${item.roadmapSlug}/steps/${item.stepSlug}`}>{item.title}</Link>
      </h2>
      <ol className="review-checks">
        {checks.map((c, i) => (
          <li key={i}>
            <div className="review-question" dangerouslySetInnerHTML={{ __html: c.questionHtml }} />
            {revealed ? (
              <div className="review-answer" dangerouslySetInnerHTML={{ __html: c.answerHtml }} />
            ) : null}
          </li>
        ))}
      </ol>
      {revealed ? (
        <fieldset className="review-ratings">
          <legend>How well did you remember? (keys 1–4)</legend>
          {RATINGS.map((r, i) => (
            <button
              key={r.rating}
              ref={i === 0 ? first : undefined}
              type="button"
              className={`button rating-${r.rating}`}
              disabled={rate.isPending}
              onClick={() => choose(r.rating)}
            >
              <kbd>{i + 1}</kbd> {r.label} <small>{r.hint}</small>
            </button>
          ))}
        </fieldset>
      ) : (
        <p>
          <button ref={reveal} type="button" className="button" onClick={() => setRevealed(true)}>
            Show the answers
          </button>{' '}
          <small>Answer in your head first, then check.</small>
        </p>
      )}
      {rate.error ? <ErrorMessage error={rate.error} /> : null}
    </article>
  );
}

export default function Review() {
  usePageMeta('Review');
  const { status } = useAuth();
  const reviews = useReviews();
  const [rated, setRated] = useState(0);
  if (status === 'anonymous') return <Navigate to="/login" replace />;
  if (status === 'loading' || reviews.isPending) return <Loading label="Loading your reviews…" />;
  if (!reviews.data)
    return <PageError error={reviews.error} what="reviews" retry={() => void reviews.refetch()} />;
  const { items, dueCount, nextDue } = reviews.data;
  const current = items[0];
  return (
    <section className="review-page" aria-labelledby="review-title">
      <h1 id="review-title">Review</h1>
      <p className="review-count" role="status">
        {dueCount === 0
          ? 'Nothing due now.'
          : `${dueCount} ${dueCount === 1 ? 'review' : 'reviews'} due today.`}
        {rated > 0 ? ` ${rated} done in this sitting.` : ''}
      </p>
      {current ? (
        <Card key={current.cardId} item={current} onRated={() => setRated((n) => n + 1)} />
      ) : (
        <div className="card">
          <p>
            {nextDue
              ? `All caught up. The next review is due ${when(nextDue)}.`
              : 'No review cards yet: mark a step done and its check questions come back here, spaced out so they stick.'}
          </p>
          <p>
            <Link to="/dashboard">Back to your dashboard</Link>
          </p>
        </div>
      )}
      <ReviewTime rated={rated} />
    </section>
  );
}
