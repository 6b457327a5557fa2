// Private notes on steps: the queries, and the edits not yet on the server. Every keystroke is
// kept in this browser at once (localStorage, per account), then saved after a short pause; an
// edit made offline stays here and is sent when the connection is back (`flushPendingNotes`,
// run by the layout on start and on every `online` event), from whichever page is open.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { call, client, NetworkError } from './api.ts';
import { useAuth } from './auth.tsx';

export const noteKeys = {
  all: ['me', 'notes'] as const,
  one: (slug: string, step: string) => ['me', 'notes', 'one', slug, step] as const,
  list: (q: string) => ['me', 'notes', 'list', q] as const,
  ofRoadmap: (slug: string) => ['me', 'notes', 'roadmap', slug] as const,
};

/** An edit waiting for the server: the whole text ('' deletes the note). */
export interface PendingNote {
  roadmapSlug: string;
  stepSlug: string;
  body: string;
}

const storeKey = (userId: string) => `waymark:notes:pending:v1:${userId}`;
const id = (slug: string, step: string) => `${slug}/${step}`;

function readStore(userId: string): Record<string, PendingNote> {
  try {
    return JSON.parse(localStorage.getItem(storeKey(userId)) ?? '{}') as Record<string, PendingNote>;
  } catch {
    return {};
  }
}

export function pendingNote(userId: string, slug: string, step: string): PendingNote | undefined {
  return readStore(userId)[id(slug, step)];
}

export function keepPending(userId: string, note: PendingNote) {
  const store = readStore(userId);
  store[id(note.roadmapSlug, note.stepSlug)] = note;
  localStorage.setItem(storeKey(userId), JSON.stringify(store));
}

/** Forgets the pending edit, unless it was changed again since `body` was sent. */
function dropPending(userId: string, note: PendingNote) {
  const store = readStore(userId);
  const key = id(note.roadmapSlug, note.stepSlug);
  if (store[key]?.body !== note.body) return;
  delete store[key];
  localStorage.setItem(storeKey(userId), JSON.stringify(store));
}

/** Saves one edit: PUT, or DELETE for an emptied note (a note already gone is fine). */
export async function sendNote(userId: string, note: PendingNote) {
  const path = { slug: note.roadmapSlug, stepSlug: note.stepSlug };
  let saved = null;
  if (note.body.trim() === '') {
    await call(() =>
      client.DELETE('/api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note', { params: { path } }),
    ).catch((err: unknown) => {
      if (!(err instanceof Error && 'status' in err && err.status === 404)) throw err;
    });
  } else {
    saved = await call(() =>
      client.PUT('/api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note', {
        params: { path },
        body: { body: note.body },
      }),
    );
  }
  dropPending(userId, note);
  return saved;
}

let flushing: Promise<void> | undefined;

/** Sends every edit kept in this browser; stops at the first network failure (still offline). */
export function flushPendingNotes(userId: string): Promise<void> {
  flushing ??= (async () => {
    try {
      for (const note of Object.values(readStore(userId))) {
        try {
          await sendNote(userId, note);
        } catch (err) {
          if (err instanceof NetworkError) return;
          // Refused (the step is gone, the text too long): keep it here for the learner to see.
        }
      }
    } finally {
      flushing = undefined;
    }
  })();
  return flushing;
}

/** Run by the layout: sends kept edits when signed in, at start and whenever the browser is back online. */
export function usePendingNotesSync() {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const userId = user?.id;
  useEffect(() => {
    if (!userId) return;
    const flush = () =>
      void flushPendingNotes(userId).then(() => queryClient.invalidateQueries({ queryKey: noteKeys.all }));
    if (Object.keys(readStore(userId)).length > 0) flush();
    window.addEventListener('online', flush);
    return () => window.removeEventListener('online', flush);
  }, [userId, queryClient]);
}
