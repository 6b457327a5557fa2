// Work that must not hold up a response (mail the request only asked for, so that its timing
// tells nothing), run after the reply in this process. Failures are logged, never thrown at the
// caller; close() waits for what is running, so a graceful shutdown does not cut a mail in half.
// Work that must survive a crash goes on the job queue instead.
export interface Background {
  /** Starts `task` now without waiting for it. */
  run(name: string, task: () => Promise<unknown>): void;
  /** Resolves when nothing started so far is still running (tests, shutdown). */
  idle(): Promise<void>;
}

export function createBackground(log: { error(obj: object, msg: string): void }): Background {
  const running = new Set<Promise<unknown>>();
  return {
    run(name, task) {
      const promise = Promise.resolve()
        .then(task)
        .catch((err: unknown) => log.error({ err, task: name }, 'background task failed'))
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
