/**
 * The ClickHouse connection of a process: made from CLICKHOUSE_URL with the official `@clickhouse/client` (or
 * given one, as the tests give one on the in-process engine chdb), the schema created once on first use.
 */
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import type { Config } from '../../config.ts';
import { schemaStatements } from './analytics.tables.ts';

export interface ClickHouse {
  client: ClickHouseClient;
  /** The database the tables live in. */
  database: string;
  /** Creates the database and tables when missing (once per process; again after a failure). */
  ready(): Promise<void>;
}

/** Settings every query runs with: an outer join's missing side is NULL, as in PostgreSQL. */
export const querySettings = { join_use_nulls: 1 } as const;

const connections = new WeakMap<Config, ClickHouse>();

function withSchema(client: ClickHouseClient, database: string): ClickHouse {
  let ready: Promise<void> | null = null;
  return {
    client,
    database,
    ready() {
      ready ??= (async () => {
        for (const query of schemaStatements(database)) await client.command({ query });
      })().catch((error: unknown) => {
        ready = null;
        throw error;
      });
      return ready;
    },
  };
}

/** The process's ClickHouse for this configuration; null when CLICKHOUSE_URL is not set. */
export function clickhouseFor(config: Config): ClickHouse | null {
  if (!config.clickhouseUrl) return null;
  let found = connections.get(config);
  if (!found) {
    const url = new URL(config.clickhouseUrl);
    const database = url.pathname.replace(/^\/+|\/+$/g, '') || 'iperform';
    // The database is named in every statement; the connection itself uses the server's default one.
    url.pathname = '/';
    found = withSchema(
      createClient({
        url: url.toString(),
        request_timeout: 30_000,
        clickhouse_settings: querySettings,
        application: 'iperform',
      }),
      database,
    );
    connections.set(config, found);
  }
  return found;
}

/** Uses this client (the tests' chdb engine, say) for the configuration, in place of one made from the URL. */
export function useClickHouse(config: Config, client: ClickHouseClient, database: string): ClickHouse {
  const made = withSchema(client, database);
  connections.set(config, made);
  return made;
}

/** Closes the process's connection (at shutdown). */
export async function closeClickHouse(config: Config): Promise<void> {
  const found = connections.get(config);
  connections.delete(config);
  await found?.client.close();
}
