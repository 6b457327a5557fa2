// Search results for /search?q=…: roadmaps and steps, best match first, with the words found.
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { highlight, resultUrl, searchResults } from '../components/header/Search.tsx';

export default function Search() {
  const [params] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  usePageMeta(q ? `Search: ${q}` : 'Search');
  const results = useQuery(searchResults(q, 50));
  const items = results.data?.items ?? [];
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{q ? `Results for “${q}”` : 'Search'}</h1>
      {q.length < 2 ? <p>Type at least two letters in the search box above (or press /).</p> : null}
      {results.isLoading ? <Loading label="Searching…" /> : null}
      <ErrorMessage error={results.error} />
      {results.isSuccess ? (
        <p role="status">
          {items.length === 0
            ? 'Nothing matches. Try other words, or fewer.'
            : `${items.length} result${items.length === 1 ? '' : 's'}.`}
        </p>
      ) : null}
      <ol className="search-results">
        {items.map((r) => (
          <li key={`${r.kind}-${r.roadmapSlug}-${r.stepSlug ?? ''}`}>
            <p className="eyebrow">{r.kind === 'roadmap' ? 'Roadmap' : `Step of ${r.roadmapSlug}`}</p>
            <h2>
              <Link to={resultUrl(r)}>{highlight(r.title, q)}</Link>
            </h2>
            <p>{highlight(r.snippet, q)}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
