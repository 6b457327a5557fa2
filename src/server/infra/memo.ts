// What a write must look up about its writer on every request, but which changes rarely: whom
// their activity reaches (the cohorts watching them, their webhooks). Each instance remembers
// the answer per key for `ttlMs`; the service that changes it calls `forget(key)` (or `forget()`
// for everyone, after a change to many keys at once), which is published through pub/sub, so
// every instance forgets it within one pub/sub hop. The time limit is the safety net for a
// message that was lost (Redis unreachable for a moment).
//
// Concurrent lookups of one key share one load; a load that fails is not remembered.
import type { PubSub } from './pubsub.ts';

export interface Memo<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  /** Forgets one key, or every key, on every instance. */
  forget(key?: string): Promise<void>;
  /** Resolves once this instance listens for other instances' `forget`. */
  ready(): Promise<void>;
}

export function createMemo<T>(options: {
  pubsub: PubSub;
  /** One channel per memo: `<what>:v1:forget`. */
  channel: string;
  ttlMs: number;
  /** Keys kept at most; the oldest go first. */
  max?: number;
  now?: () => number;
}): Memo<T> {
  const now = options.now ?? Date.now;
  const max = options.max ?? 50_000;
  const kept = new Map<string, { value: T; at: number }>();
  const loading = new Map<string, { promise: Promise<T>; generation: number }>();
  // Bumped by every forget: a load that started before it is not kept.
  let generation = 0;
  const drop = (key: string | null) => {
    generation++;
    if (key === null) kept.clear();
    else kept.delete(key);
  };
  const subscribed = options.pubsub.subscribe(options.channel, (message) =>
    drop((message as { key: string | null }).key),
  );
  subscribed.catch(() => {});

  return {
    async get(key, load) {
      const entry = kept.get(key);
      if (entry && now() - entry.at < options.ttlMs) return entry.value;
      const current = loading.get(key);
      // A load that started before a forget may read the old answer: a caller after it waits
      // for a load of its own.
      if (current && current.generation === generation) return current.promise;
      const started = generation;
      const promise = load()
        .then((value) => {
          if (generation === started) {
            kept.delete(key); // re-inserted last: Map order is age order
            kept.set(key, { value, at: now() });
            if (kept.size > max) kept.delete(kept.keys().next().value!);
          }
          return value;
        })
        .finally(() => {
          if (loading.get(key)?.promise === promise) loading.delete(key);
        });
      loading.set(key, { promise, generation: started });
      return promise;
    },

    async forget(key) {
      drop(key ?? null);
      await options.pubsub.publish(options.channel, { key: key ?? null });
    },

    ready: () => subscribed.then(() => undefined),
  };
}
