import mysql from 'mysql2/promise';
import pg from 'pg';
import { resolveChecked } from '../../lib/ssrf.ts';

/** How to reach an outside database: the password already opened. */
export interface Connection {
  kind: 'mysql' | 'postgres';
  host: string;
  port: number;
  user: string;
  database: string;
  password: string | null;
}

export type Row = Record<string, unknown>;

/**
 * One open source of any kind, read from a cursor value onwards, closed by the caller. A run and a preview
 * read every kind through it alike.
 */
export interface SourceClient {
  /** The next rows (at most `limit`) after the cursor value it was opened with; none once all are read. */
  next(limit: number): Promise<Row[]>;
  /**
   * Whether the rows come in cursor order (a database sorts them), so that the cursor may move with each
   * committed batch; otherwise (an API, a file) it moves to the highest value read once the run has ended well.
   */
  ordered: boolean;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;
const QUERY_TIMEOUT_MS = 60_000;

/** A column name quoted for the source's dialect (the cursor column is checked as an identifier when saved). */
const quote = (kind: Connection['kind'], name: string) =>
  kind === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;

/**
 * The saved SELECT wrapped so that the source filters and orders by the cursor: the query itself is never
 * edited, and the last value is a bound parameter.
 */
export function pagedQuery(kind: Connection['kind'], query: string, cursor: string, after: boolean, limit: number) {
  const column = `q.${quote(kind, cursor)}`;
  const inner = query.trim().replace(/;\s*$/, '');
  const where = after ? ` WHERE ${column} > ${kind === 'mysql' ? '?' : '$1'}` : '';
  return `SELECT * FROM (${inner}) AS q${where} ORDER BY ${column} LIMIT ${Math.floor(limit)}`;
}

/**
 * A database source: `query` wrapped to read after the cursor, batch by batch. The host is resolved and checked
 * first (loopback, private, link-local and metadata addresses are refused unless `allowPrivate`), and the
 * driver is given the checked address.
 */
export async function openDatabase(
  connection: Connection,
  query: string,
  cursor: string,
  after: string | null,
  allowPrivate: boolean,
): Promise<SourceClient> {
  const host = await resolveChecked(connection.host, allowPrivate);
  let last = after;
  const advance = (rows: Row[]) => {
    if (rows.length > 0) last = cursorText(rows.at(-1)?.[cursor]) ?? last;
    return rows;
  };
  if (connection.kind === 'mysql') {
    const client = await mysql.createConnection({
      host,
      port: connection.port,
      user: connection.user,
      database: connection.database,
      password: connection.password ?? '',
      connectTimeout: CONNECT_TIMEOUT_MS,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    try {
      // Defence in depth beside the SELECT check: the session cannot write.
      await client.query('SET SESSION TRANSACTION READ ONLY');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      ordered: true,
      async next(limit) {
        const text = pagedQuery('mysql', query, cursor, last !== null, limit);
        const [rows] = await client.query({ sql: text, timeout: QUERY_TIMEOUT_MS }, last === null ? [] : [last]);
        return advance(rows as Row[]);
      },
      close: () => client.end().catch(() => undefined),
    };
  }
  const client = new pg.Client({
    host,
    port: connection.port,
    user: connection.user,
    database: connection.database,
    password: connection.password ?? '',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    // Defence in depth beside the SELECT check: the session cannot write.
    options: '-c default_transaction_read_only=on',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    ordered: true,
    async next(limit) {
      const text = pagedQuery('postgres', query, cursor, last !== null, limit);
      const result = await client.query(text, last === null ? [] : [last]);
      return advance(result.rows as Row[]);
    },
    close: () => client.end().catch(() => undefined),
  };
}

/** Whether `query` is one SELECT (or WITH … SELECT): no second statement, no writes. */
export function singleSelect(query: string): string | null {
  const text = query.trim().replace(/;\s*$/, '');
  if (!/^(select|with)\b/i.test(text)) return 'must be a single SELECT';
  const stripped = text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`/g, "''");
  if (stripped.includes(';')) return 'must be a single SELECT (one statement)';
  if (/\b(insert|update|delete|drop|alter|create|truncate|grant|revoke|call|into|lock)\b/i.test(stripped)) {
    return 'must be a single SELECT that writes nothing';
  }
  return null;
}

/** A cursor value as text: dates as ISO strings, numbers and bigints as their digits. */
export function cursorText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
