// The study timer, one per person across every tab: its state lives in localStorage (the start
// time, not a count), so leaving the page, reloading or opening another tab never loses it, and
// every tab shows the same timer (the `storage` event tells the others). Stopping logs the time
// once, with an Idempotency-Key kept beside the timer until the server has it — a double click,
// a retry or a second tab stopping at the same moment log it once.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { call, client } from './api.ts';
import { useAuth } from './auth.tsx';
import { keys } from './queries.ts';

export interface TimerState {
  /** When the current run started (ms since epoch); null while paused. */
  startedAt: number | null;
  /** Time from earlier runs (ms). */
  accumulatedMs: number;
  /** What the time is for, when it was started from a step. */
  roadmapSlug?: string | undefined;
  stepSlug?: string | undefined;
  stepTitle?: string | undefined;
  /** The Idempotency-Key of this timer's log entry. */
  key: string;
}

const storageKey = (userId: string) => `waymark-timer-v1:${userId}`;
const listeners = new Set<() => void>();

function read(userId: string | undefined): TimerState | null {
  if (!userId) return null;
  try {
    const raw = localStorage.getItem(storageKey(userId));
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<TimerState>;
    if (typeof value.accumulatedMs !== 'number' || typeof value.key !== 'string') return null;
    return {
      startedAt: typeof value.startedAt === 'number' ? value.startedAt : null,
      ...value,
    } as TimerState;
  } catch {
    return null;
  }
}

function write(userId: string, state: TimerState | null) {
  if (state) localStorage.setItem(storageKey(userId), JSON.stringify(state));
  else localStorage.removeItem(storageKey(userId));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('storage', listener); // another tab changed it
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

export const elapsedMs = (state: TimerState, now: number) =>
  state.accumulatedMs + (state.startedAt !== null ? Math.max(0, now - state.startedAt) : 0);

export function clock(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  const h = Math.floor(minutes / 60);
  const mm = String(minutes % 60).padStart(2, '0');
  const ss = String(seconds).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The time now, ticking once a second while `running`. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [running]);
  return now;
}

export function useStudyTimer() {
  const { user } = useAuth();
  const userId = user?.id;
  const queryClient = useQueryClient();
  // The snapshot must be stable between changes: compare the stored text, not a new object.
  const raw = useSyncExternalStore(
    subscribe,
    () => (userId ? localStorage.getItem(storageKey(userId)) : null),
    () => null,
  );
  const state = raw === null ? null : read(userId);
  const running = state !== null && state.startedAt !== null;
  const now = useNow(running);

  const log = useMutation({
    mutationFn: (timer: TimerState) =>
      call(() =>
        client.POST('/api/v1/me/study-sessions', {
          params: { header: { 'idempotency-key': timer.key } },
          body: {
            minutes: Math.min(1440, Math.max(1, Math.round(elapsedMs(timer, Date.now()) / 60_000))),
            ...(timer.roadmapSlug ? { roadmapSlug: timer.roadmapSlug } : {}),
            ...(timer.stepSlug ? { stepSlug: timer.stepSlug } : {}),
          },
        }),
      ),
    retry: 2, // safe: the key makes a retry a replay
    onSuccess: () => {
      if (userId) write(userId, null);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.stats });
      void queryClient.invalidateQueries({ queryKey: keys.studyLog });
    },
  });

  const start = useCallback(
    (context: Pick<TimerState, 'roadmapSlug' | 'stepSlug' | 'stepTitle'> = {}) => {
      if (!userId) return;
      const current = read(userId);
      if (current) {
        if (current.startedAt === null) write(userId, { ...current, startedAt: Date.now() });
        return;
      }
      write(userId, { startedAt: Date.now(), accumulatedMs: 0, key: crypto.randomUUID(), ...context });
    },
    [userId],
  );
  const pause = useCallback(() => {
    const current = read(userId);
    if (!userId || !current || current.startedAt === null) return;
    write(userId, { ...current, accumulatedMs: elapsedMs(current, Date.now()), startedAt: null });
  }, [userId]);
  const stopAndLog = useCallback(() => {
    const current = read(userId);
    if (!userId || !current) return;
    const stopped = { ...current, accumulatedMs: elapsedMs(current, Date.now()), startedAt: null };
    write(userId, stopped);
    log.mutate(stopped);
  }, [userId, log]);
  const discard = useCallback(() => {
    if (userId) write(userId, null);
  }, [userId]);

  return {
    state,
    running,
    elapsed: state ? elapsedMs(state, now) : 0,
    start,
    pause,
    stopAndLog,
    discard,
    log,
  };
}
