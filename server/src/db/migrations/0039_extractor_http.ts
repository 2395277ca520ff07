import { type Kysely, sql } from 'kysely';

/**
 * The extractor reads HTTP JSON APIs and CSV/XLSX files at a URL beside the databases. Such a source has a `url`
 * and its `settings` (method, authentication without its secret, the records path, pagination, the cursor's
 * query parameter, the file format); its secret (a bearer token, a basic password or a header's value) is sealed
 * in `password_sealed` like a database password. The database fields are required of database sources only, and
 * the cursor field is optional for the new kinds (without one, every run reads everything).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE extractor_sources DROP CONSTRAINT IF EXISTS extractor_sources_kind_check;
    ALTER TABLE extractor_sources
      ADD CONSTRAINT extractor_sources_kind_check CHECK (kind IN ('mysql', 'postgres', 'http', 'file')),
      ALTER COLUMN host DROP NOT NULL,
      ALTER COLUMN port DROP NOT NULL,
      ALTER COLUMN username DROP NOT NULL,
      ALTER COLUMN database_name DROP NOT NULL,
      ALTER COLUMN query DROP NOT NULL,
      ALTER COLUMN cursor_column DROP NOT NULL,
      ADD COLUMN url text CHECK (length(url) <= 2000),
      ADD COLUMN settings jsonb NOT NULL DEFAULT '{}',
      ADD CONSTRAINT extractor_sources_fields_check CHECK (
        CASE
          WHEN kind IN ('mysql', 'postgres') THEN host IS NOT NULL AND port IS NOT NULL AND username IS NOT NULL
            AND database_name IS NOT NULL AND query IS NOT NULL AND cursor_column IS NOT NULL
          ELSE url IS NOT NULL
        END
      );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The extractor HTTP and file sources migration cannot be reverted');
}
