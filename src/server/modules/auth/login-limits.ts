// Limits on password guessing, counted *before* the password is checked, so a burst of guesses
// sent at once is refused past the limit instead of all being checked.
//
// Two counters, both shared by every instance through the cache (Redis when configured):
// - per account and address: `perAddress` failures per 15 minutes (default 10);
// - per account, whatever the address: `perAccount` failures per 15 minutes (default 20), so
//   many addresses do not multiply the guesses. Each time an account runs out, it waits, and
//   each wait is twice the last (15 min, 30 min, 1 h … at most 24 h);
// - and at most `perDay` (100) attempts per account in 24 hours however they are paced — NIST
//   SP 800-63B-4's ceiling of 100 consecutive failed attempts.
// A successful sign-in or a password reset clears the account's counters.
import type { Cache } from '../../infra/cache.ts';

const WINDOW_SECONDS = 15 * 60;
const MAX_WINDOW_SECONDS = 24 * 3600;

export interface LoginLimitOptions {
  perAddress: number;
  perAccount: number;
  perDay?: number;
}

export type Reservation = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function createLoginLimits(cache: Cache, options: LoginLimitOptions) {
  const addressKey = (email: string, ip: string) => `auth:v1:login:addr:${email}:${ip}`;
  const accountKey = (email: string) => `auth:v1:login:acct:${email}`;
  const strikesKey = (email: string) => `auth:v1:login:strikes:${email}`;
  const lockKey = (email: string) => `auth:v1:login:lock:${email}`;
  const dayKey = (email: string) => `auth:v1:login:day:${email}`;
  const perDay = options.perDay ?? 100;

  return {
    /**
     * Counts one attempt for (email, ip) and refuses it when either limit is spent. Call before
     * checking the password; call `succeeded` after a right one.
     */
    async reserve(email: string, ip: string): Promise<Reservation> {
      const locked = await cache.get<number>(lockKey(email));
      if (locked !== undefined) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((locked - Date.now()) / 1000)) };
      }
      const [address, account, day] = await Promise.all([
        cache.increment(addressKey(email, ip), WINDOW_SECONDS),
        cache.increment(accountKey(email), WINDOW_SECONDS),
        cache.increment(dayKey(email), MAX_WINDOW_SECONDS),
      ]);
      if (day.value > perDay) return { allowed: false, retryAfterSeconds: day.ttlSeconds };
      if (account.value > options.perAccount) {
        // Out of guesses for this account: wait a window that doubles each time.
        const strikes = await cache.increment(strikesKey(email), MAX_WINDOW_SECONDS);
        const seconds = Math.min(MAX_WINDOW_SECONDS, WINDOW_SECONDS * 2 ** (strikes.value - 1));
        await cache.set(lockKey(email), Date.now() + seconds * 1000, seconds);
        await cache.delete(accountKey(email));
        return { allowed: false, retryAfterSeconds: seconds };
      }
      if (address.value > options.perAddress)
        return { allowed: false, retryAfterSeconds: address.ttlSeconds };
      return { allowed: true };
    },

    /** The right password: this account's counters start again. */
    async succeeded(email: string, ip: string): Promise<void> {
      await cache.delete(
        addressKey(email, ip),
        accountKey(email),
        strikesKey(email),
        lockKey(email),
        dayKey(email),
      );
    },

    /** A password reset: the account's own counters start again (other addresses' stay). */
    async cleared(email: string): Promise<void> {
      await cache.delete(accountKey(email), strikesKey(email), lockKey(email), dayKey(email));
    },
  };
}

export type LoginLimits = ReturnType<typeof createLoginLimits>;
