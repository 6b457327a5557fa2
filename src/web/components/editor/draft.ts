// Work that survives a crash or a closed tab: while the editor has unsaved changes, the document
// is copied to localStorage (keyed by user and roadmap, so two accounts in one browser never see
// each other's drafts); a save or a discard removes the copy. On the next visit the editor
// offers to restore it.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { call, client } from '../../api.ts';
import type { Source } from './model.ts';

export interface LocalDraft {
  doc: Source;
  /** The server revision the changes were made on: another save since then is a conflict. */
  etag: string;
  savedAt: string;
}

const key = (userId: string, slug: string) => `waymark-draft-v1:${userId}:${slug}`;

export function readLocalDraft(userId: string, slug: string): LocalDraft | null {
  try {
    const raw = localStorage.getItem(key(userId, slug));
    const draft = raw ? (JSON.parse(raw) as LocalDraft) : null;
    return draft && typeof draft.doc === 'object' && draft.doc !== null ? draft : null;
  } catch {
    return null;
  }
}

export function dropLocalDraft(userId: string, slug: string) {
  try {
    localStorage.removeItem(key(userId, slug));
  } catch {
    // storage unavailable (private mode): nothing was kept either
  }
}

/** While `dirty`, keeps the document in this browser (half a second after the last change). */
export function useLocalDraft(
  userId: string | undefined,
  slug: string,
  doc: Source | null,
  etag: string,
  dirty: boolean,
) {
  useEffect(() => {
    if (!userId || !doc || !dirty) return;
    const timer = setTimeout(() => {
      try {
        const draft: LocalDraft = { doc, etag, savedAt: new Date().toISOString() };
        localStorage.setItem(key(userId, slug), JSON.stringify(draft));
      } catch {
        // storage full or unavailable: the leave guard still asks before losing the work
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [userId, slug, doc, etag, dirty]);
}

/** The server's draft of the roadmap and its ETag (asked only when `enabled`). */
export function useServerDraft(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: ['draft', slug],
    queryFn: async () => {
      const state = await call(() =>
        client.GET('/api/v1/roadmaps/{slug}', { params: { path: { slug }, query: { version: 'draft' } } }),
      );
      if (!('etag' in state)) throw new Error('expected the draft of the roadmap');
      return state;
    },
    refetchOnWindowFocus: false,
    // Asked once the session is known: asked before, a fresh tab's request goes without a
    // token and its 401 would stand as the page's error.
    enabled,
  });
}
