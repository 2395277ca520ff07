import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/** The tables ClickHouse holds a copy of (see modules/analytics/analytics.tables.ts). */
const SOURCES = ['leads', 'lead_stage_history', 'activities', 'lead_notes', 'email_messages', 'whatsapp_messages'];

/**
 * The transactional outbox that feeds ClickHouse: while ClickHouse is configured (`analytics_settings`, set by the
 * app at start from CLICKHOUSE_URL), every statement that writes a source table adds (company, table, row id) to
 * `analytics_outbox` in the same transaction, and makes sure the company has an `analytics.sync` job waiting (one
 * not yet claimed: a running drain may have read past the new rows). The job reads the rows as they are then and
 * writes them to ClickHouse with the outbox id as their version. Statement-level triggers with transition tables:
 * one insert per statement, whatever the number of rows; with ClickHouse off, one look at one row per statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE analytics_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      clickhouse boolean NOT NULL DEFAULT false
    );
    INSERT INTO analytics_settings DEFAULT VALUES;

    CREATE TABLE analytics_outbox (
      company_id uuid NOT NULL REFERENCES companies (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      table_name text NOT NULL,
      row_id uuid NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id)
    );
    CREATE INDEX jobs_kind_pending_idx ON jobs (company_id, kind) WHERE done_at IS NULL;

    CREATE FUNCTION app_analytics_capture() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      companies uuid[];
      woke boolean;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM analytics_settings WHERE clickhouse) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO analytics_outbox (company_id, table_name, row_id)
          SELECT r.company_id, TG_TABLE_NAME, r.id FROM old_rows r;
        SELECT array_agg(DISTINCT r.company_id) INTO companies FROM old_rows r;
      ELSE
        INSERT INTO analytics_outbox (company_id, table_name, row_id)
          SELECT r.company_id, TG_TABLE_NAME, r.id FROM new_rows r;
        SELECT array_agg(DISTINCT r.company_id) INTO companies FROM new_rows r;
      END IF;
      IF companies IS NULL THEN
        RETURN NULL;
      END IF;
      -- The job the worker claims (kind and empty payload as modules/analytics/analytics.jobs.ts declares it).
      WITH added AS (
        INSERT INTO jobs (id, company_id, kind, run_at, payload, created_at)
        SELECT gen_random_uuid(), c.company_id, 'analytics.sync', now(), '{}'::jsonb, now()
        FROM unnest(companies) AS c (company_id)
        WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.company_id = c.company_id AND j.kind = 'analytics.sync'
          AND j.done_at IS NULL AND j.locked_until IS NULL)
        RETURNING 1
      ) SELECT count(*) > 0 INTO woke FROM added;
      IF woke THEN
        PERFORM pg_notify('iperform_jobs', 'analytics.sync');
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db);
  for (const table of SOURCES) {
    for (const [event, transition] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ] as const) {
      await sql`CREATE TRIGGER ${sql.id(`${table}_analytics_${event.toLowerCase()}`)}
        AFTER ${sql.raw(event)} ON ${sql.table(table)} REFERENCING ${sql.raw(transition)}
        FOR EACH STATEMENT EXECUTE FUNCTION app_analytics_capture()`.execute(db);
    }
  }
  await enableTenantIsolation(db, 'analytics_outbox', 'company_id');
  await sql`
    GRANT SELECT, INSERT, DELETE ON analytics_outbox TO iperform_app;
    GRANT SELECT, UPDATE ON analytics_settings TO iperform_app;
  `.execute(db);
  const seq = await sql<{ name: string }>`SELECT pg_get_serial_sequence('analytics_outbox', 'id') AS name`.execute(db);
  const name = seq.rows[0]?.name;
  if (name) await sql`GRANT USAGE ON SEQUENCE ${sql.raw(name)} TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The analytics outbox migration cannot be reverted');
}
