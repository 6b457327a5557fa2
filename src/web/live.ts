// Follows GET /api/v1/me/events while signed in, and refreshes what an event changed — so a
// change made in another tab or on another device shows here without a reload. EventSource
// cannot send the Authorization header, so the stream is read with fetch.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { currentAccessToken, refreshSession } from './api.ts';
import { useAuth } from './auth.tsx';
import { keys } from './queries.ts';

export function useLiveEvents() {
  const { status } = useAuth();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (status !== 'signed-in') return;
    const controller = new AbortController();
    let delay = 1000;

    const handle = (event: string, data: { roadmapSlug?: string }) => {
      if (event === 'progress' && data.roadmapSlug) {
        void queryClient.invalidateQueries({ queryKey: keys.progress(data.roadmapSlug) });
        void queryClient.invalidateQueries({ queryKey: keys.myRoadmaps });
        void queryClient.invalidateQueries({ queryKey: ['me', 'forecast', data.roadmapSlug] });
      }
      if (event === 'study-session') void queryClient.invalidateQueries({ queryKey: ['me', 'forecast'] });
      if (event === 'study-session') {
        void queryClient.invalidateQueries({ queryKey: keys.stats });
        void queryClient.invalidateQueries({ queryKey: keys.studyLog });
      }
    };

    const connect = async () => {
      while (!controller.signal.aborted) {
        try {
          const res = await fetch('/api/v1/me/events', {
            headers: { authorization: `Bearer ${currentAccessToken()}` },
            signal: controller.signal,
          });
          if (res.status === 401) {
            if (!(await refreshSession())) return;
            continue;
          }
          if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
          delay = 1000;
          // Connected (or back): whatever changed while we were not listening is read afresh.
          void queryClient.invalidateQueries({ queryKey: ['me'] });
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
              else if (event && data) handle(event, JSON.parse(data) as { roadmapSlug?: string });
            }
          }
          // The server ends a stream when its access token expires or its session ends: a fresh
          // token reconnects; a session ended elsewhere signs this tab out (refresh says 401).
          if (ended) {
            if (!(await refreshSession())) return;
            continue;
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    };
    void connect();
    return () => controller.abort();
  }, [status, queryClient]);
}
