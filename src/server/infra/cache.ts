// The cache interface. Values are JSON-serializable so the same code runs on the in-process
// map and, when REDIS_URL is set, on Redis shared by every instance (with a small in-process
// layer in front).
import type { Redis } from 'ioredis';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Commands that failed because Redis did not answer (the read went to the database). */
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
    stats: () => ({ ...counts }),
  };
}

/**
 * Cache-aside on Redis, shared by every instance, with an in-process layer in front that keeps
 * entries for at most `localTtlSeconds` (a hot document is served from memory; a change made
 * elsewhere is at most that old here — and changes are also announced on pub/sub, so callers
 * delete it everywhere at once). When Redis does not answer, reads miss (the caller goes to the
 * database) and writes are skipped: slower, never wrong, never down.
 */
export function createRedisCache(redis: Redis, options: { localTtlSeconds?: number } = {}): Cache {
  const local = createMemoryCache({ maxEntries: 1000 });
  const localTtl = options.localTtlSeconds ?? 5;
  const counts: CacheStats = { hits: 0, misses: 0, errors: 0 };
  const guarded = async <T>(command: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await command();
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
      await guarded(async () => {
        const namespace = redis.options.keyPrefix ?? '';
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', `${namespace}${prefix}*`, 'COUNT', 200);
          cursor = next;
          if (found.length > 0) await redis.del(...found.map((k: string) => k.slice(namespace.length)));
        } while (cursor !== '0');
      }, undefined);
    },
    stats: () => ({ ...counts }),
  };
}
