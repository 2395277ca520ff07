import { type Kysely, sql } from 'kysely';

/** The insight tables ClickHouse holds a copy of, each keyed by its lead (see modules/analytics/analytics.tables.ts). */
const SOURCES = ['lead_scores', 'lead_risks'];

/**
 * Lead scores and at-risk flags in the ClickHouse copy, so that reports grouped by score tier or counting at-risk
 * leads answer there as well. Both tables hold one row per lead (no `id` of their own): the row's id in the outbox
 * is its lead's id. Otherwise as the first copied tables (0019): statement-level triggers with transition tables
 * add (company, table, lead id) to `analytics_outbox` while ClickHouse is configured, and make sure the company
 * has an `analytics.sync` job waiting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION app_analytics_capture_by_lead() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      companies uuid[];
      woke boolean;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM analytics_settings WHERE clickhouse) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO analytics_outbox (company_id, table_name, row_id)
          SELECT r.company_id, TG_TABLE_NAME, r.lead_id FROM old_rows r;
        SELECT array_agg(DISTINCT r.company_id) INTO companies FROM old_rows r;
      ELSE
        INSERT INTO analytics_outbox (company_id, table_name, row_id)
          SELECT r.company_id, TG_TABLE_NAME, r.lead_id FROM new_rows r;
        SELECT array_agg(DISTINCT r.company_id) INTO companies FROM new_rows r;
      END IF;
      IF companies IS NULL THEN
        RETURN NULL;
      END IF;
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
        FOR EACH STATEMENT EXECUTE FUNCTION app_analytics_capture_by_lead()`.execute(db);
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('The insights analytics migration cannot be reverted');
}
