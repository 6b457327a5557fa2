// Pagination cursors, opaque to clients: base64url of a small JSON value that the issuing
// service reads back. One that does not read back is a 400 naming `cursor`.
import { AppError } from './errors.ts';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
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
