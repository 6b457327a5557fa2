// Live updates over the server's event streams (text/event-stream, read with fetch because
// EventSource cannot send the Authorization header). `useLiveEvents` follows
// GET /api/v1/me/events while signed in and refreshes what an event changed — so a change made in
// another tab or on another device shows here without a reload. `useEventStream` follows any
// other stream (a cohort's member activity) the same way.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { currentAccessToken, refreshSession } from './api.ts';
import { useAuth } from './auth.tsx';
import { keys } from './queries.ts';

type Handler = (event: string, data: Record<string, unknown>) => void;

/**
 * Reads the stream at `url` until `signal` aborts: reconnects with backoff after a failure,
 * refreshes the session when the server ends the stream (its access token expired) and stops
 * when the session is gone. `onConnected` runs on every (re)connection — whatever changed while
 * nobody listened is read afresh there.
 */
export async function followStream(
  url: string,
  handle: Handler,
  signal: AbortSignal,
  onConnected: () => void,
) {
  let delay = 1000;
  while (!signal.aborted) {
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${currentAccessToken()}` }, signal });
      if (res.status === 401) {
        if (!(await refreshSession())) return;
        continue;
      }
      // Not allowed (any more): a member removed from a cohort, say. Asking again will not help.
      if (res.status === 403 || res.status === 404) return;
      if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
      delay = 1000;
      onConnected();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let ended: string | undefined;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event === 'end' && data) ended = (JSON.parse(data) as { reason?: string }).reason;
          else if (event && data) handle(event, JSON.parse(data) as Record<string, unknown>);
        }
      }
      // The server ends a stream when its access token expires or its session ends: a fresh
      // token reconnects; a session ended elsewhere signs this tab out (refresh says 401).
      if (ended) {
        if (!(await refreshSession())) return;
        continue;
      }
    } catch {
      if (signal.aborted) return;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 30_000);
  }
}

/** Follows the stream at `url` (null: none) while signed in; `handle` may change between renders. */
export function useEventStream(url: string | null, handle: Handler, onConnected: () => void) {
  const { status } = useAuth();
  const handlers = useRef({ handle, onConnected });
  handlers.current = { handle, onConnected };
  useEffect(() => {
    if (status !== 'signed-in' || !url) return;
    const controller = new AbortController();
    void followStream(
      url,
      (event, data) => handlers.current.handle(event, data),
      controller.signal,
      () => handlers.current.onConnected(),
    );
    return () => controller.abort();
  }, [status, url]);
}

export function useLiveEvents() {
  const queryClient = useQueryClient();
  useEventStream(
    '/api/v1/me/events',
    (event, data) => {
      const roadmapSlug = typeof data.roadmapSlug === 'string' ? data.roadmapSlug : undefined;
      if (event === 'progress' && roadmapSlug) {
        void queryClient.invalidateQueries({ queryKey: keys.progress(roadmapSlug) });
        void queryClient.invalidateQueries({ queryKey: keys.myRoadmaps });
        void queryClient.invalidateQueries({ queryKey: keys.forecast(roadmapSlug) });
      }
      if (event === 'study-session') {
        void queryClient.invalidateQueries({ queryKey: ['me', 'forecast'] });
        void queryClient.invalidateQueries({ queryKey: keys.stats });
        void queryClient.invalidateQueries({ queryKey: keys.studyLog });
      }
    },
    // Connected (or back): whatever changed while we were not listening is read afresh.
    () => void queryClient.invalidateQueries({ queryKey: ['me'] }),
  );
}
