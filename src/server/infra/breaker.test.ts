// The circuit breaker's rules, on commands whose outcome the test decides (the Redis it guards
// is tested frozen for real in redis-freeze.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, createBreaker, type BreakerOptions } from './breaker.ts';

class Answered extends Error {}

/** A command that stays pending until the test settles it. */
function pending<T = string>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const failing = () => Promise.reject(new Error('Command timed out'));

let probe: ReturnType<typeof vi.fn<() => Promise<unknown>>>;
const breakerWith = (options: Partial<BreakerOptions> = {}) =>
  createBreaker({
    name: 'Redis',
    probe,
    isFailure: (err) => !(err instanceof Answered),
    ...options,
  });

beforeEach(() => {
  vi.useFakeTimers();
  probe = vi.fn(() => Promise.resolve('PONG'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('closed', () => {
  it('passes results and errors through', async () => {
    const breaker = breakerWith();
    await expect(breaker.run(() => Promise.resolve(42))).resolves.toBe(42);
    await expect(breaker.run(failing)).rejects.toThrow('Command timed out');
    expect(breaker.state).toBe('closed');
  });

  it('opens after two failures in a row; a success or an answered error in between resets the count', async () => {
    const breaker = breakerWith();
    await breaker.run(failing).catch(() => {});
    await breaker.run(() => Promise.resolve('ok'));
    await breaker.run(failing).catch(() => {});
    await breaker.run(() => Promise.reject(new Answered('WRONGTYPE'))).catch(() => {});
    await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe('closed');
    await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe('open');
    expect(breaker.stats()).toMatchObject({ opens: 1, failures: 4 });
  });

  it('takes its threshold from the options', async () => {
    const breaker = breakerWith({ failureThreshold: 3 });
    for (let i = 0; i < 2; i++) await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe('closed');
    await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe('open');
  });
});

describe('open', () => {
  it('refuses calls at once, without running them', async () => {
    const breaker = breakerWith();
    for (let i = 0; i < 2; i++) await breaker.run(failing).catch(() => {});
    const command = vi.fn(() => Promise.resolve('never'));
    await expect(breaker.run(command)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(command).not.toHaveBeenCalled();
    expect(breaker.stats()).toMatchObject({ calls: 3, shortCircuits: 1 });
  });

  it('releases the calls still waiting when it opens, and ignores their late answers', async () => {
    const breaker = breakerWith();
    const stuck = pending();
    const waiting = breaker.run(() => stuck.promise);
    const first = pending();
    const second = pending();
    const a = breaker.run(() => first.promise).catch((e: unknown) => e);
    const b = breaker.run(() => second.promise).catch((e: unknown) => e);
    first.reject(new Error('Command timed out'));
    second.reject(new Error('Command timed out'));
    expect(await a).toHaveProperty('message', 'Command timed out');
    expect(await b).toHaveProperty('message', 'Command timed out');
    expect(breaker.state).toBe('open');
    await expect(waiting).rejects.toBeInstanceOf(CircuitOpenError);
    stuck.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(breaker.stats()).toMatchObject({ failures: 2, opens: 1 });
  });

  it('probes one at a time on a doubling backoff, refusing calls meanwhile, and closes when a probe answers', async () => {
    const breaker = breakerWith({ initialBackoffMs: 100, maxBackoffMs: 400, probeTimeoutMs: 50 });
    const states: string[] = [];
    breaker.onStateChange((s) => states.push(s));
    probe.mockImplementation(() => Promise.reject(new Error('Connection is closed')));
    for (let i = 0; i < 2; i++) await breaker.run(failing).catch(() => {});

    await vi.advanceTimersByTimeAsync(99);
    expect(probe).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1); // 100: first probe, fails
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // +200: second
    expect(probe).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(400); // +400: third
    await vi.advanceTimersByTimeAsync(400); // +400 (the cap): fourth
    expect(probe).toHaveBeenCalledTimes(4);
    expect(breaker.state).toBe('open');

    // A probe that hangs is one probe: none other starts, and calls are refused meanwhile.
    const hanging = pending();
    probe.mockImplementation(() => hanging.promise);
    await vi.advanceTimersByTimeAsync(400);
    expect(probe).toHaveBeenCalledTimes(5);
    expect(breaker.state).toBe('half-open');
    expect(breaker.describe()).toMatch(/^circuit half-open/);
    await expect(breaker.run(() => Promise.resolve('x'))).rejects.toBeInstanceOf(CircuitOpenError);
    await vi.advanceTimersByTimeAsync(50); // probe timeout
    expect(breaker.state).toBe('open');
    expect(breaker.describe()).toMatch(/^circuit open since .*next probe in 400 ms$/);

    probe.mockImplementation(() => Promise.resolve('PONG'));
    await vi.advanceTimersByTimeAsync(400);
    expect(probe).toHaveBeenCalledTimes(6);
    expect(breaker.state).toBe('closed');
    expect(breaker.describe()).toBe('circuit closed');
    await expect(breaker.run(() => Promise.resolve('used'))).resolves.toBe('used');
    expect(states).toEqual(['open', ...Array(5).fill(['half-open', 'open']).flat(), 'half-open', 'closed']);
    expect(breaker.stats()).toMatchObject({ probes: 6, failedProbes: 5 });
  });

  it('starts again from the shortest backoff after it closed', async () => {
    const breaker = breakerWith({ initialBackoffMs: 100, maxBackoffMs: 400 });
    probe.mockImplementationOnce(() => Promise.reject(new Error('no')));
    for (let i = 0; i < 2; i++) await breaker.run(failing).catch(() => {});
    await vi.advanceTimersByTimeAsync(100 + 200);
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 2; i++) await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe('open');
    await vi.advanceTimersByTimeAsync(100);
    expect(breaker.state).toBe('closed');
    expect(probe).toHaveBeenCalledTimes(3);
  });

  it('stops probing when stopped', async () => {
    const breaker = breakerWith({ initialBackoffMs: 100 });
    for (let i = 0; i < 2; i++) await breaker.run(failing).catch(() => {});
    breaker.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).not.toHaveBeenCalled();
  });
});
