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
  // Without a listener that event would crash the process.
  for (const pool of [appPool, ownerPool]) pool.on('error', () => undefined);
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
