// A page that could not be shown says so as a page: a heading, what happened in words, and a
// way on (back to the roadmaps, or try again).
import { Link } from 'react-router';
import { ApiError, NetworkError } from '../api.ts';

export function PageError({
  error,
  what = 'page',
  retry,
}: {
  error: unknown;
  what?: string;
  retry?: () => void;
}) {
  const notFound = error instanceof ApiError && error.status === 404;
  const offline = error instanceof NetworkError;
  const title = notFound
    ? `There is no such ${what}`
    : offline
      ? 'Waymark does not answer'
      : 'Something went wrong';
  const detail =
    error instanceof ApiError
      ? (error.problem.detail ?? error.problem.title)
      : offline
        ? 'Check your connection. What you had open is still here once it is back.'
        : 'This page could not be shown.';
  const requestId = error instanceof ApiError ? error.problem.requestId : undefined;
  return (
    <section className="page-error narrow" aria-labelledby="page-error-title">
      <h1 id="page-error-title">{title}</h1>
      <p>{detail}</p>
      {requestId && !notFound ? (
        <p className="hint">If it keeps happening, quote request id {requestId}.</p>
      ) : null}
      <p className="row">
        {retry && !notFound ? (
          <button type="button" className="button" onClick={retry}>
            Try again
          </button>
        ) : null}
        <Link to="/" className={retry && !notFound ? 'button secondary' : 'button'}>
          Back to the roadmaps
        </Link>
      </p>
    </section>
  );
}
