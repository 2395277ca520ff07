import type { Row, SourceClient } from './extractor.connect.ts';

/** The value at `path` in a record: a key as it is (`Updated At`), else a dotted path (`meta.updated_at`). */
export function valueAt(record: unknown, path: string): unknown {
  if (record === null || typeof record !== 'object') return undefined;
  if (Object.hasOwn(record, path)) return (record as Record<string, unknown>)[path];
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Orders two cursor values as the source would: numbers as numbers (whole numbers of any size), dates and
 * date-times as instants, anything else as text.
 */
export function compareCursor(a: string, b: string): number {
  if (INTEGER.test(a) && INTEGER.test(b)) {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (NUMBER.test(a) && NUMBER.test(b)) return Number(a) - Number(b);
  if (DATE.test(a) && DATE.test(b)) {
    const [x, y] = [Date.parse(a), Date.parse(b)];
    if (!Number.isNaN(x) && !Number.isNaN(y) && x !== y) return x - y;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A cursor value as text: dates as ISO strings, numbers and bigints as their digits; blank as none. */
export function cursorOf(record: unknown, path: string): string | null {
  const value = valueAt(record, path);
  if (value === null || value === undefined) return null;
  const text = value instanceof Date ? value.toISOString() : String(value).trim();
  return text === '' ? null : text;
}

/**
 * A client over rows that come one by one (an API's pages, a file's lines), in no known order: those whose
 * cursor is not greater than `after` are passed over (those without a cursor value are read every time).
 */
export function rowClient(
  rows: AsyncIterable<Row>,
  cursor: string | null,
  after: string | null,
  close: () => Promise<void>,
): SourceClient {
  const iterator = rows[Symbol.asyncIterator]();
  let done = false;
  return {
    ordered: false,
    async next(limit) {
      const out: Row[] = [];
      while (!done && out.length < limit) {
        const step = await iterator.next();
        if (step.done) {
          done = true;
          break;
        }
        const value = cursor && after !== null ? cursorOf(step.value, cursor) : null;
        if (value !== null && after !== null && compareCursor(value, after) <= 0) continue;
        out.push(step.value);
      }
      return out;
    },
    async close() {
      done = true;
      await iterator.return?.().catch(() => undefined);
      await close();
    },
  };
}
