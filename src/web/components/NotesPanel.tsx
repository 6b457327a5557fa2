// The learner's private note on a step: Markdown, written or previewed, saved as they type (a
// pause of a moment), with its state always said — saving, saved, kept on this device while
// offline. The preview is the server's own rendering of the saved text (one renderer and one
// sanitizer for every Markdown field, and no Markdown library in the browser).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, call, client, NetworkError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { keepPending, noteKeys, pendingNote, sendNote } from '../notes.ts';

const SAVE_AFTER_MS = 700;
const MAX = 20_000;
const RETRY_MS = 10_000;

type SaveState = 'idle' | 'saving' | 'saved' | 'offline' | 'error';

const STATE_TEXT: Record<SaveState, string> = {
  idle: '',
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Offline: kept on this device, and saved when you are back online',
  error: 'Not saved',
};

function useNote(slug: string, stepSlug: string) {
  return useQuery({
    queryKey: noteKeys.one(slug, stepSlug),
    queryFn: async () => {
      try {
        return await call(() =>
          client.GET('/api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note', {
            params: { path: { slug, stepSlug } },
          }),
        );
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
}

export default function NotesPanel({ slug, stepSlug }: { slug: string; stepSlug: string }) {
  const { user } = useAuth();
  const userId = user!.id;
  const queryClient = useQueryClient();
  const note = useNote(slug, stepSlug);
  const [text, setText] = useState<string | undefined>(undefined);
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [state, setState] = useState<SaveState>('idle');
  const [error, setError] = useState<string | undefined>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const fieldId = useId();

  // The text to start from: an edit still kept in this browser wins over the server's copy.
  useEffect(() => {
    if (text !== undefined || note.isPending) return;
    const kept = pendingNote(userId, slug, stepSlug);
    if (kept) {
      setText(kept.body);
      setState('offline');
      void save(kept.body);
    } else setText(note.data?.body ?? '');
  }, [note.isPending]);
  useEffect(() => () => clearTimeout(timer.current), []);

  // Offline: try again when the browser says it is back, and every little while meanwhile.
  const latest = useRef(text);
  latest.current = text;
  useEffect(() => {
    if (state !== 'offline') return;
    const retry = () => {
      if (latest.current !== undefined) void save(latest.current);
    };
    window.addEventListener('online', retry);
    const every = setInterval(retry, RETRY_MS);
    return () => {
      window.removeEventListener('online', retry);
      clearInterval(every);
    };
  }, [state]);

  async function save(body: string) {
    setState('saving');
    try {
      const saved = await sendNote(userId, { roadmapSlug: slug, stepSlug, body });
      queryClient.setQueryData(noteKeys.one(slug, stepSlug), saved);
      void queryClient.invalidateQueries({ queryKey: noteKeys.all, exact: false, refetchType: 'none' });
      void queryClient.invalidateQueries({ queryKey: noteKeys.ofRoadmap(slug) });
      // A newer edit may have been made while this one was on its way: it has its own save.
      if (pendingNote(userId, slug, stepSlug) === undefined) setState('saved');
      setError(undefined);
    } catch (err) {
      if (err instanceof NetworkError) setState('offline');
      else {
        setState('error');
        setError(
          err instanceof ApiError
            ? (err.problem.errors?.[0]?.message ?? err.message)
            : 'Something went wrong.',
        );
      }
    }
  }

  function change(body: string) {
    setText(body);
    keepPending(userId, { roadmapSlug: slug, stepSlug, body });
    setState('saving');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(body), SAVE_AFTER_MS);
  }

  const saved = note.data;
  return (
    <section className="notes-panel" aria-labelledby={`${fieldId}-title`}>
      <div className="notes-head">
        <h2 id={`${fieldId}-title`}>My notes</h2>
        <div className="view-toggle" role="group" aria-label="Note">
          <button type="button" aria-pressed={tab === 'write'} onClick={() => setTab('write')}>
            Write
          </button>
          <button type="button" aria-pressed={tab === 'preview'} onClick={() => setTab('preview')}>
            Preview
          </button>
        </div>
      </div>
      <p className="hint">Private to you. Markdown works: **bold**, `code`, lists, links.</p>
      {text === undefined ? (
        <p className="loading">Loading your note…</p>
      ) : tab === 'write' ? (
        <>
          <label className="visually-hidden" htmlFor={fieldId}>
            Your note on this step (Markdown)
          </label>
          <textarea
            id={fieldId}
            className="notes-text"
            rows={8}
            maxLength={MAX}
            value={text}
            onChange={(e) => change(e.target.value)}
            aria-describedby={`${fieldId}-state`}
          />
        </>
      ) : state === 'saving' || state === 'offline' ? (
        <p className="hint">The preview shows once your latest text is saved.</p>
      ) : saved ? (
        <div className="prose notes-preview" dangerouslySetInnerHTML={{ __html: saved.bodyHtml }} />
      ) : (
        <p className="hint">Nothing written yet.</p>
      )}
      <p id={`${fieldId}-state`} className={`notes-state state-${state}`} role="status" aria-live="polite">
        {STATE_TEXT[state]}
        {state === 'error' && error ? `: ${error}` : ''}
      </p>
    </section>
  );
}
