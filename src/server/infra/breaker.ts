// A circuit breaker for a dependency that may stop answering (Redis). Every call to it goes
// through `run`. Closed: calls go through; `failureThreshold` failures in a row (errors or
// timeouts — not answers the dependency gave, such as a Redis error reply) open it. Open: calls
// are refused at once with CircuitOpenError, so callers take their fallback without waiting, and
// calls still waiting on the dependency are released the same way. A probe (e.g. a PING with a
// short timeout), never a caller's request, runs one at a time on an exponential backoff; while
// it runs the breaker is half-open (calls are still refused), and its answer closes the breaker.
//
// Written here rather than taken from opossum or cockatiel: both use the next real call as the
// half-open trial, which would make one request per backoff wait a whole command timeout on a
// frozen Redis; neither releases the calls already waiting when the circuit opens; and the
// rate-limit store is callback-based. What is needed is this small state machine.

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitOpenError extends Error {
  constructor(name: string) {
    super(`the ${name} circuit is open: not waiting on ${name}`);
    this.name = 'CircuitOpenError';
  }
}

export interface BreakerStats {
  state: BreakerState;
  /** Calls made through the breaker, refused ones included. */
  calls: number;
  /** Calls refused at once because the circuit was open (or half-open). */
  shortCircuits: number;
  /** Calls that failed or timed out while the circuit was closed. */
  failures: number;
  /** Times the circuit opened. */
  opens: number;
  /** Probes run while open, and how many of them failed. */
  probes: number;
  failedProbes: number;
}

export interface BreakerOptions {
  /** Names the dependency in errors and descriptions. */
  name: string;
  /** Consecutive failures that open the circuit (default 2). */
  failureThreshold?: number;
  /** Asks the dependency whether it answers; resolves when it does. */
  probe: () => Promise<unknown>;
  /** A probe not answered within this counts as failed (default 500 ms). */
  probeTimeoutMs?: number;
  /** The first probe runs this long after opening; each failed probe doubles the wait (default 250 ms). */
  initialBackoffMs?: number;
  /** The longest wait between probes (default 2000 ms). */
  maxBackoffMs?: number;
  /** Whether an error means "did not answer" (default: every error does). */
  isFailure?: (err: unknown) => boolean;
  now?: () => number;
}

export type StateListener = (state: BreakerState, previous: BreakerState) => void;

export interface CircuitBreaker {
  readonly name: string;
  readonly state: BreakerState;
  /** Runs `command` while closed; otherwise rejects at once with CircuitOpenError. */
  run<T>(command: () => Promise<T>): Promise<T>;
  /** Returns the function that removes the listener. */
  onStateChange(listener: StateListener): () => void;
  stats(): BreakerStats;
  /** One line for operators (/readyz): the state, and while open why and when the next probe runs. */
  describe(): string;
  /** Stops probing (on shutdown). */
  stop(): void;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createBreaker(options: BreakerOptions): CircuitBreaker {
  const { name } = options;
  const threshold = options.failureThreshold ?? 2;
  const probeTimeoutMs = options.probeTimeoutMs ?? 500;
  const initialBackoffMs = options.initialBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  const isFailure = options.isFailure ?? (() => true);
  const now = options.now ?? Date.now;

  let state: BreakerState = 'closed';
  let consecutiveFailures = 0;
  // Bumped each time the circuit opens: answers to calls made before it do not count after.
  let generation = 0;
  let backoffMs = initialBackoffMs;
  let nextProbeAt = 0;
  let openedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const waiting = new Set<(err: Error) => void>();
  const listeners = new Set<StateListener>();
  const counts = { calls: 0, shortCircuits: 0, failures: 0, opens: 0, probes: 0, failedProbes: 0 };

  function enter(next: BreakerState) {
    if (next === state) return;
    const previous = state;
    state = next;
    for (const listener of listeners) listener(next, previous);
  }

  function scheduleProbe() {
    if (stopped) return;
    nextProbeAt = now() + backoffMs;
    timer = setTimeout(() => void probe(), backoffMs);
    timer.unref();
  }

  function open() {
    generation++;
    consecutiveFailures = 0;
    counts.opens++;
    openedAt = now();
    backoffMs = initialBackoffMs;
    enter('open');
    // Whoever still waits on the dependency stops waiting now and takes the fallback.
    const released = [...waiting];
    waiting.clear();
    for (const reject of released) reject(new CircuitOpenError(name));
    scheduleProbe();
  }

  async function probe() {
    timer = undefined;
    if (stopped) return;
    counts.probes++;
    enter('half-open');
    let answered = false;
    try {
      await withTimeout(Promise.resolve().then(options.probe), probeTimeoutMs);
      answered = true;
    } catch {
      counts.failedProbes++;
    }
    if (stopped) return;
    if (answered) {
      consecutiveFailures = 0;
      enter('closed');
    } else {
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      enter('open');
      scheduleProbe();
    }
  }

  return {
    name,
    get state() {
      return state;
    },
    run<T>(command: () => Promise<T>): Promise<T> {
      counts.calls++;
      if (state !== 'closed') {
        counts.shortCircuits++;
        return Promise.reject(new CircuitOpenError(name));
      }
      const callGeneration = generation;
      return new Promise<T>((resolve, reject) => {
        waiting.add(reject);
        Promise.resolve()
          .then(command)
          .then(
            (value) => {
              if (!waiting.delete(reject)) return; // released when the circuit opened
              if (callGeneration === generation) consecutiveFailures = 0;
              resolve(value);
            },
            (err: unknown) => {
              if (!waiting.delete(reject)) return;
              if (callGeneration === generation && state === 'closed') {
                if (isFailure(err)) {
                  counts.failures++;
                  if (++consecutiveFailures >= threshold) open();
                } else {
                  consecutiveFailures = 0; // it answered, with an error
                }
              }
              reject(err instanceof Error ? err : new Error(String(err)));
            },
          );
      });
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats: () => ({ state, ...counts }),
    describe() {
      if (state === 'closed') return 'circuit closed';
      const since = `since ${new Date(openedAt).toISOString()}`;
      if (state === 'half-open') return `circuit half-open (open ${since}): probing ${name}`;
      return `circuit open ${since}: ${name} did not answer, serving without it; next probe in ${Math.max(0, nextProbeAt - now())} ms`;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
