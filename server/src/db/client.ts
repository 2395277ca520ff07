import { CompiledQuery, Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { isUuid } from '../lib/ids.ts';
import { StartupError } from './embedded.ts';
import { migrations } from './migrations/index.ts';
import type { DB } from './types.ts';

// int8 (counts) as numbers: our counts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
// A date is a calendar day, not an instant: keep it as the `YYYY-MM-DD` text it is.
pg.types.setTypeParser(1082, (value) => value);

export type Database = Kysely<DB>;
/** A connection inside a tenant transaction (see withTenant). */
export type Tx = Kysely<DB>;

export interface Databases {
  /** Runs as the non-owner role `iperform_app`: row-level security applies to every query. */
  app: Database;
  /** The owner connection: migrations and nothing else. */
  owner: Kysely<unknown>;
  close(): Promise<void>;
}

export function connect(url: string, poolSize = 20): Databases {
  const appPool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'iperform' });
  const ownerPool = new pg.Pool({ connectionString: url, max: 2, application_name: 'iperform-migrate' });
  // An idle connection can be cut by the server (restart, failover, a dropped database); the pool replaces it.
  // Without a listener that event would crash the process. A connection in use emits the same event on its own
  // (the pool only listens while it is idle): its query fails with the error (503 database_unavailable), and the
  // pool drops the connection when it comes back.
  for (const pool of [appPool, ownerPool]) {
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
  }
  const app = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: appPool,
      // Awaited before the connection is first used: no query of the app ever runs as the owner.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('SET ROLE iperform_app'));
      },
    }),
  });
  const owner = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: ownerPool }) });
  return {
    app,
    owner,
    async close() {
      await Promise.all([app.destroy(), owner.destroy()]);
    },
  };
}

/**
 * Every tenant read and write runs here: one transaction on one connection, bound to one company. BEGIN and
 * the tenant setting travel in one round trip (the id is checked to be a UUID, so it is safe as a literal).
 */
export function withTenant<T>(db: Database, companyId: string, work: (trx: Tx) => Promise<T>): Promise<T> {
  if (!isUuid(companyId)) throw new Error('withTenant needs a company UUID');
  return db.connection().execute(async (connection) => {
    await sql.raw(`BEGIN; SELECT set_config('app.company_id', '${companyId}', true)`).execute(connection);
    try {
      const result = await work(connection);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/** Network failures while reaching PostgreSQL (refused, reset, timed out, name lookup). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * SQLSTATEs of a server that is going away or not there yet: connection exceptions (class 08), shut down by an
 * administrator or a crash, still starting up, out of connections.
 */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03', '53300']);
/** What node-postgres says when the socket closes under it or the pool cannot get a connection in time. */
const CLIENT_GONE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Cannot use a pool after calling end)/;

/** Whether `error` means the database cannot be reached right now (as opposed to a query that failed). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_GONE.has(code) || code.startsWith('08'))) {
    return true;
  }
  if (CLIENT_GONE.test(error.message)) return true;
  // Connecting to a name with several addresses fails with one error per address.
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  return false;
}

/**
 * SQLSTATEs of a value PostgreSQL refused to store: too long, out of range, not a valid date, number or UUID, a
 * NUL character, an escape jsonb cannot hold. Request schemas catch these first and name the field; reaching
 * the database means a limit is missing from a schema, and the caller still gets a 400, not a 500.
 */
const REJECTED_VALUE = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

export function isRejectedValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && REJECTED_VALUE.has(code);
}

export function migrator(owner: Kysely<unknown>): Migrator {
  return new Migrator({
    db: owner,
    provider: { getMigrations: async () => migrations },
  });
}

export async function migrate(owner: Kysely<unknown>): Promise<string[]> {
  await assertNotNewer(owner);
  const { error, results } = await migrator(owner).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new StartupError(
      `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** A database migrated by a newer iPerform would be damaged by this one: refuse it plainly. */
async function assertNotNewer(owner: Kysely<unknown>): Promise<void> {
  const exists = await sql<{ present: boolean }>`SELECT to_regclass('kysely_migration') IS NOT NULL AS present`.execute(
    owner,
  );
  if (!exists.rows[0]?.present) return;
  const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(owner);
  const unknown = applied.rows.map((r) => r.name).filter((name) => !(name in migrations));
  if (unknown.length > 0) {
    throw new StartupError(
      `This database was migrated by a newer version of iPerform (unknown migrations: ${unknown.join(', ')}); upgrade iPerform or point it at another database.`,
    );
  }
}
