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
