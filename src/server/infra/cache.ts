// The cache interface. Values are JSON-serializable so the same code runs on the in-process
// map here and, when REDIS_URL is set (scale-out issue), on Redis shared by every instance.

export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  /** Sets `key` only if it is absent (or expired); true when this call set it. */
  add<T>(key: string, value: T, ttlSeconds: number): Promise<boolean>;
  delete(...keys: string[]): Promise<void>;
  /** Drops every key that starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
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
  return {
    async get<T>(key: string) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
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
  };
}
