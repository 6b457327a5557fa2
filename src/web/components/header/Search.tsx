// Search in the header: roadmaps and steps through /api/v1/search as you type, the words you
// typed highlighted, ↑/↓ to choose, Enter to open (or, with nothing chosen, the results page),
// Esc to close. `/` anywhere focuses it. An ARIA 1.2 combobox with a listbox of options.
import { useQuery } from '@tanstack/react-query';
import { Search as SearchIcon } from 'lucide-react';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { call, client } from '../../api.ts';

type Result = NonNullable<Awaited<ReturnType<typeof search>>>['items'][number];

function search(q: string, limit = 8) {
  return call(() => client.GET('/api/v1/search', { params: { query: { q, limit } } }));
}

export const searchResults = (q: string, limit?: number) => ({
  queryKey: ['search', q, limit] as const,
  queryFn: () => search(q, limit),
  enabled: q.trim().length >= 2,
  staleTime: 60_000,
});

export const resultUrl = (r: Result) =>
  r.kind === 'step' && r.stepSlug
    ? `/roadmaps/${r.roadmapSlug}/steps/${r.stepSlug}`
    : `/roadmaps/${r.roadmapSlug}`;

/** `text` with each word of `query` (2+ letters) wrapped in <mark>. */
export function highlight(text: string, query: string): ReactNode[] {
  const words = query
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((w) => w.length >= 2);
  if (words.length === 0) return [text];
  const pattern = new RegExp(
    `(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
    'giu',
  );
  return text.split(pattern).map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part));
}

function useDebounced(value: string, ms: number) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

export function HeaderSearch() {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const id = useId();
  const debounced = useDebounced(q.trim(), 200);
  const results = useQuery(searchResults(debounced));
  const items = open && q.trim().length >= 2 ? (results.data?.items ?? []) : [];

  useEffect(() => {
    const focus = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', focus);
    return () => window.removeEventListener('keydown', focus);
  }, []);

  const go = (url: string) => {
    setOpen(false);
    setActive(-1);
    setQ('');
    input.current?.blur();
    navigate(url);
  };

  return (
    <form
      role="search"
      className="header-search"
      onSubmit={(e) => {
        e.preventDefault();
        const chosen = items[active];
        if (chosen) go(resultUrl(chosen));
        else if (q.trim()) go(`/search?q=${encodeURIComponent(q.trim())}`);
      }}
    >
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Search roadmaps and steps
      </label>
      <SearchIcon size={16} aria-hidden="true" className="header-search-icon" />
      <input
        ref={input}
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-expanded={items.length > 0}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 && items[active] ? `${id}-option-${active}` : undefined}
        placeholder="Search  /"
        autoComplete="off"
        value={q}
        maxLength={200}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && items.length > 0) {
            e.preventDefault();
            setActive((a) => (a + 1) % items.length);
          } else if (e.key === 'ArrowUp' && items.length > 0) {
            e.preventDefault();
            setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
          } else if (e.key === 'Escape') {
            setOpen(false);
            setActive(-1);
          }
        }}
      />
      <ul
        id={`${id}-list`}
        role="listbox"
        className="header-search-results"
        aria-label="Search results"
        hidden={items.length === 0}
      >
        {items.map((r, i) => (
          <li
            key={`${r.kind}-${r.roadmapSlug}-${r.stepSlug ?? ''}`}
            id={`${id}-option-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : undefined}
            onMouseDown={(e) => {
              e.preventDefault(); // keep the focus in the input until we navigate
              go(resultUrl(r));
            }}
          >
            <span className="result-kind">{r.kind === 'roadmap' ? 'Roadmap' : 'Step'}</span>
            <span className="result-title">{highlight(r.title, q)}</span>
            <span className="result-snippet">{highlight(r.snippet, q)}</span>
          </li>
        ))}
      </ul>
    </form>
  );
}
