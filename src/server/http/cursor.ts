// Pagination cursors, opaque to clients: base64url of a small JSON value that the issuing
// service reads back. One that does not read back is a 400 naming `cursor`.
import { AppError } from './errors.ts';
import { isCleanLine } from './text.ts';
import { isCalendarDate, isTimestamp } from './validation.ts';

// What a decoded cursor may hold, checked completely before any of it reaches SQL.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const cursorFields = {
  /** A non-empty single-line string of at most `max` characters. */
  text: (value: unknown, max: number): value is string =>
    typeof value === 'string' && value.length > 0 && value.length <= max && isCleanLine(value),
  uuid: (value: unknown): value is string => typeof value === 'string' && UUID.test(value),
  date: (value: unknown): value is string => typeof value === 'string' && isCalendarDate(value),
  timestamp: (value: unknown): value is string => typeof value === 'string' && isTimestamp(value),
};

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * One page from `rows` fetched with `limit + 1` (the extra row tells whether another page
 * follows, without a count query): the first `limit` rows, and a cursor made by `cursorOf` from
 * the last of them when more follow.
 */
export function pageOf<T>(
  rows: readonly T[],
  limit: number,
  cursorOf: (last: T) => unknown,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

/** Decodes a cursor; `read` returns the position it holds, or undefined when it is not one. */
export function decodeCursor<T>(cursor: string, read: (value: unknown) => T | undefined): T {
  let position: T | undefined;
  try {
    position = read(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    // not JSON: the problem below
  }
  if (position !== undefined) return position;
  throw new AppError('validation', 'The cursor is not one this API issued; start again without it.', {
    errors: [{ path: '/querystring/cursor', message: 'is not a valid cursor' }],
  });
}
