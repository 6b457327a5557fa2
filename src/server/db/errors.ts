// Recognising database errors by their SQLSTATE, on both drivers (node-postgres and PGlite
// set `code`; Drizzle wraps them and keeps the original as `cause`).

function sqlState(err: unknown): { code?: string; constraint?: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return e as { code?: string; constraint?: string };
    }
  }
  return undefined;
}

/** A unique constraint refused the write; `constraint` narrows it to one index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const state = sqlState(err);
  if (state?.code !== '23505') return false;
  return constraint === undefined || state.constraint === constraint || String(err).includes(constraint);
}

/** A foreign key refused the write (e.g. the user was deleted meanwhile). */
export function isForeignKeyViolation(err: unknown): boolean {
  return sqlState(err)?.code === '23503';
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001',
  '08003',
  '08006',
]);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Cannot use a pool after calling end|PGlite is closed|connect ECONNREFUSED/i;

/** The database did not answer (down, restarting, unreachable, pool exhausted): a 503, not a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (e instanceof Error && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}
