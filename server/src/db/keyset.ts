import { AppError } from '../http/errors.ts';
import { isUuid } from '../lib/ids.ts';

/** Opaque keyset cursors: the sort key of the last row, base64url-encoded JSON. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** What each position of a cursor holds; a cursor of another shape was not issued by us and is refused. */
export type CursorPart = 'string' | 'number' | 'uuid';

const fits: Record<CursorPart, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  uuid: (value) => typeof value === 'string' && isUuid(value),
};

export function decodeCursor(cursor: string | undefined, shape: readonly CursorPart[]): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === shape.length && shape.every((part, i) => fits[part](values[i]))) {
      return values;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'The cursor is not valid', {
    errors: [{ path: 'cursor', message: 'is not a cursor this API returned' }],
  });
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Fetch limit+1 rows; the extra one tells whether a next page exists. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]): Page<T> {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { data, nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}
