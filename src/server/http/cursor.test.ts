// The page every list answers: `limit` rows from `limit + 1` fetched, a cursor only when more follow.
import { describe, expect, it } from 'vitest';
import { decodeCursor, pageOf } from './cursor.ts';

describe('pageOf', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  const read = (value: unknown) => value as { after: string };

  it('keeps `limit` rows and makes the cursor from the last one kept when one more was fetched', () => {
    const page = pageOf(rows, 2, (last) => ({ after: last.id }));
    expect(page.items).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(decodeCursor(page.nextCursor!, read)).toEqual({ after: 'b' });
  });

  it('has no cursor on the last page', () => {
    expect(pageOf(rows, 3, (last) => last.id)).toEqual({ items: rows, nextCursor: null });
    expect(pageOf(rows, 5, (last) => last.id)).toEqual({ items: rows, nextCursor: null });
    expect(pageOf([], 5, () => 'x')).toEqual({ items: [], nextCursor: null });
  });
});
