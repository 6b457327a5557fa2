// The cache interface. Values are JSON-serializable so the same code runs on the in-process
// map and, when REDIS_URL is set, on Redis shared by every instance (with a small in-process
// layer in front).
import type { GuardedRedis } from './redis.ts';

export interface CacheStats {
  hits: number;
  misses: number;
  /**
   * Commands Redis did not answer, or that were not sent because its circuit was open (a read
   * then went to the database).
   */
  errors: number;
}

export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  /** Sets `key` only if it is absent (or expired); true when this call set it. */
  add<T>(key: string, value: T, ttlSeconds: number): Promise<boolean>;
  delete(...keys: string[]): Promise<void>;
  /** Drops every key that starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Adds one to a counter, atomically, and returns the new value with the seconds left in its
   * window; the window (`ttlSeconds`) starts with the first increment. For limits that must
   * count before they act (failed sign-ins).
   */
  increment(key: string, ttlSeconds: number): Promise<{ value: number; ttlSeconds: number }>;
  stats(): CacheStats;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** An in-process cache: a Map with per-entry expiry and a bound on its size (oldest out first). */
export function createMemoryCache(options: { maxEntries?: number; now?: () => number } = {}): Cache {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const counts: CacheStats = { hits: 0, misses: 0, errors: 0 };
  return {
    async get<T>(key: string) {
      const entry = entries.get(key);
      if (!entry || entry.expiresAt <= now()) {
        if (entry) entries.delete(key);
        counts.misses++;
        return undefined;
      }
      counts.hits++;
      return entry.value as T;
    },
    async set(key, value, ttlSeconds) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    async add(key, value, ttlSeconds) {
      if ((await this.get(key)) !== undefined) return false;
      await this.set(key, value, ttlSeconds);
      return true;
    },
    async delete(...keys) {
      for (const key of keys) entries.delete(key);
    },
    async deletePrefix(prefix) {
      for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
    },
    async increment(key, ttlSeconds) {
      const entry = entries.get(key);
      const at = now();
      if (!entry || entry.expiresAt <= at || typeof entry.value !== 'number') {
        await this.set(key, 1, ttlSeconds);
        return { value: 1, ttlSeconds };
      }
      entry.value = (entry.value as number) + 1;
      return {
        value: entry.value as number,
        ttlSeconds: Math.max(1, Math.ceil((entry.expiresAt - at) / 1000)),
      };
    },
    stats: () => ({ ...counts }),
  };
}

// INCR, starting the window on the first increment, and the milliseconds left: one round trip.
const INCREMENT_SCRIPT = `
local value = redis.call('INCR', KEYS[1])
if value == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {value, ttl}`;

/**
 * Cache-aside on Redis, shared by every instance, with an in-process layer in front that keeps
 * entries for at most `localTtlSeconds` (a hot document is served from memory; a change made
 * elsewhere is at most that old here — and changes are also announced on pub/sub, so callers
 * delete it everywhere at once). When Redis does not answer, reads miss (the caller goes to the
 * database) and writes are skipped: slower, never wrong, never down. Every command goes through
 * the Redis circuit breaker: while it is open the in-process layer is all there is, and no call
 * waits on Redis.
 */
export function createRedisCache(
  { client: redis, breaker }: Pick<GuardedRedis, 'client' | 'breaker'>,
  options: { localTtlSeconds?: number } = {},
): Cache {
  const local = createMemoryCache({ maxEntries: 1000 });
  const localTtl = options.localTtlSeconds ?? 5;
  const counts: CacheStats = { hits: 0, misses: 0, errors: 0 };
  const guarded = async <T>(command: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await breaker.run(command);
    } catch {
      counts.errors++;
      return fallback;
    }
  };
  return {
    async get<T>(key: string) {
      const near = await local.get<T>(key);
      if (near !== undefined) {
        counts.hits++;
        return near;
      }
      const raw = await guarded(() => redis.get(key), null);
      if (raw === null) {
        counts.misses++;
        return undefined;
      }
      counts.hits++;
      const value = JSON.parse(raw) as T;
      await local.set(key, value, localTtl);
      return value;
    },
    async set(key, value, ttlSeconds) {
      await local.set(key, value, Math.min(localTtl, ttlSeconds));
      await guarded(() => redis.set(key, JSON.stringify(value), 'EX', ttlSeconds), null);
    },
    async add(key, value, ttlSeconds) {
      const result = await guarded<string | null | undefined>(
        () => redis.set(key, JSON.stringify(value), 'EX', ttlSeconds, 'NX'),
        undefined,
      );
      // Redis down: this instance alone decides (degraded, still single-use here).
      if (result === undefined) return local.add(key, value, ttlSeconds);
      return result === 'OK';
    },
    async delete(...keys) {
      await local.delete(...keys);
      if (keys.length > 0) await guarded(() => redis.del(...keys), 0);
    },
    async deletePrefix(prefix) {
      await local.deletePrefix(prefix);
      const namespace = redis.options.keyPrefix ?? '';
      let cursor = '0';
      do {
        const page = await guarded(
          () => redis.scan(cursor, 'MATCH', `${namespace}${prefix}*`, 'COUNT', 200),
          undefined,
        );
        if (!page) return; // Redis down: what is left there expires by its TTL
        const [next, found] = page;
        cursor = next;
        if (found.length > 0) {
          await guarded(() => redis.del(...found.map((k: string) => k.slice(namespace.length))), 0);
        }
      } while (cursor !== '0');
    },
    async increment(key, ttlSeconds) {
      const result = await guarded<[number, number] | undefined>(
        async () => (await redis.eval(INCREMENT_SCRIPT, 1, key, ttlSeconds * 1000)) as [number, number],
        undefined,
      );
      // Redis down: count in this process (limits then hold per instance, not not at all).
      if (!result) return local.increment(key, ttlSeconds);
      return { value: result[0], ttlSeconds: Math.max(1, Math.ceil(result[1] / 1000)) };
    },
    stats: () => ({ ...counts }),
  };
}
