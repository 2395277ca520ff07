import mysql from 'mysql2/promise';
import pg from 'pg';

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

/** One open connection to a source, closed by the caller. */
export interface SourceClient {
  /** The rows of `query` after `after` (all of them when null), in cursor order, at most `limit`. */
  batch(query: string, cursor: string, after: string | null, limit: number): Promise<Row[]>;
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

export async function openSource(connection: Connection): Promise<SourceClient> {
  if (connection.kind === 'mysql') {
    const client = await mysql.createConnection({
      host: connection.host,
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
      async batch(query, cursor, after, limit) {
        const text = pagedQuery('mysql', query, cursor, after !== null, limit);
        const [rows] = await client.query({ sql: text, timeout: QUERY_TIMEOUT_MS }, after === null ? [] : [after]);
        return rows as Row[];
      },
      close: () => client.end().catch(() => undefined),
    };
  }
  const client = new pg.Client({
    host: connection.host,
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
    async batch(query, cursor, after, limit) {
      const text = pagedQuery('postgres', query, cursor, after !== null, limit);
      const result = await client.query(text, after === null ? [] : [after]);
      return result.rows as Row[];
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
