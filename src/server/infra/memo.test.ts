import { describe, expect, it } from 'vitest';
import { createMemo } from './memo.ts';
import { createMemoryPubSub } from './pubsub.ts';

describe('a memo', () => {
  it('remembers an answer for its time, and loads again after', async () => {
    let clock = 0;
    const memo = createMemo<number>({
      pubsub: createMemoryPubSub(),
      channel: 'm',
      ttlMs: 1000,
      now: () => clock,
    });
    let loads = 0;
    const load = async () => ++loads;
    expect(await memo.get('a', load)).toBe(1);
    expect(await memo.get('a', load)).toBe(1);
    clock = 1001;
    expect(await memo.get('a', load)).toBe(2);
  });

  it('shares one load among concurrent callers, and keeps no failure', async () => {
    const memo = createMemo<number>({ pubsub: createMemoryPubSub(), channel: 'm', ttlMs: 60_000 });
    let loads = 0;
    const values = await Promise.all([1, 2, 3].map(() => memo.get('a', async () => ++loads)));
    expect(values).toEqual([1, 1, 1]);
    await expect(memo.get('b', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await memo.get('b', async () => 7)).toBe(7);
  });

  it('forgets on every instance that shares the pub/sub, one key or all', async () => {
    const pubsub = createMemoryPubSub();
    const one = createMemo<string>({ pubsub, channel: 'm', ttlMs: 60_000 });
    const other = createMemo<string>({ pubsub, channel: 'm', ttlMs: 60_000 });
    await Promise.all([one.ready(), other.ready()]);
    await other.get('a', async () => 'old');
    await other.get('b', async () => 'old');
    await one.forget('a');
    expect(await other.get('a', async () => 'new')).toBe('new');
    expect(await other.get('b', async () => 'new')).toBe('old');
    await one.forget();
    expect(await other.get('b', async () => 'new')).toBe('new');
  });

  it('does not keep what a load read before a forget', async () => {
    const memo = createMemo<string>({ pubsub: createMemoryPubSub(), channel: 'm', ttlMs: 60_000 });
    let release!: (v: string) => void;
    const early = memo.get('a', () => new Promise<string>((r) => (release = r)));
    await memo.forget('a'); // the write happened while the old answer was being read
    const late = memo.get('a', async () => 'after');
    release('before');
    expect(await early).toBe('before');
    expect(await late).toBe('after');
    expect(await memo.get('a', async () => 'again')).toBe('after');
  });

  it('keeps at most `max` keys, dropping the oldest', async () => {
    const memo = createMemo<number>({ pubsub: createMemoryPubSub(), channel: 'm', ttlMs: 60_000, max: 2 });
    await memo.get('a', async () => 1);
    await memo.get('b', async () => 2);
    await memo.get('c', async () => 3);
    expect(await memo.get('a', async () => 10)).toBe(10);
    expect(await memo.get('c', async () => 30)).toBe(3);
  });
});
