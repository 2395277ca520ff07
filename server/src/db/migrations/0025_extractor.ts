import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * The extractor: outside databases (MySQL/MariaDB, PostgreSQL) read on demand into leads. A source keeps its
 * connection (the password sealed), its SELECT, its mapping and the incremental cursor's last committed value;
 * each run counts what it read and wrote, and the rows that failed are kept with their reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE extractor_sources (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      kind text NOT NULL CHECK (kind IN ('mysql', 'postgres')),
      host text NOT NULL,
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      username text NOT NULL,
      database_name text NOT NULL,
      password_sealed text,
      query text NOT NULL CHECK (length(query) <= 20000),
      cursor_column text NOT NULL,
      cursor_value text,
      mapping jsonb NOT NULL DEFAULT '[]',
      lead_source text NOT NULL DEFAULT 'erp',
      on_duplicate text NOT NULL DEFAULT 'skip' CHECK (on_duplicate IN ('skip', 'merge')),
      batch_size integer NOT NULL DEFAULT 1000 CHECK (batch_size BETWEEN 1 AND 5000),
      -- A cron expression read on the company's clock (null: runs on demand only), and its next run.
      schedule text CHECK (length(schedule) <= 100),
      next_run_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id)
    );

    CREATE TABLE extractor_runs (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      source_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      rows_read integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      skipped integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      cursor_from text,
      cursor_to text,
      error text,
      requested_by uuid,
      created_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, source_id) REFERENCES extractor_sources (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX extractor_runs_source_idx ON extractor_runs (company_id, source_id, created_at DESC);

    CREATE TABLE extractor_row_errors (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      run_id uuid NOT NULL,
      cursor_value text,
      data jsonb NOT NULL,
      reason text NOT NULL,
      -- open; retried (it became, or matched, lead_id); skipped by a person.
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'retried', 'skipped')),
      lead_id uuid,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, run_id) REFERENCES extractor_runs (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX extractor_row_errors_run_idx ON extractor_row_errors (company_id, run_id, created_at);
  `.execute(db);
  for (const table of ['extractor_sources', 'extractor_runs', 'extractor_row_errors']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The extractor migration cannot be reverted');
}
