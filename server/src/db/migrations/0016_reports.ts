import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Reports: the reports people build and save (a definition in the semantic layer, kept by its owner and
 * optionally shared with the company), the month a company's fiscal year starts, and each stage's win
 * probability for the weighted forecast (null: learnt from the stage's history).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE companies ADD COLUMN fiscal_year_start_month smallint NOT NULL DEFAULT 1
      CHECK (fiscal_year_start_month BETWEEN 1 AND 12);
    ALTER TABLE pipeline_stages ADD COLUMN probability numeric(5, 4)
      CHECK (probability IS NULL OR probability BETWEEN 0 AND 1);

    CREATE TABLE saved_reports (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      owner_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      definition jsonb NOT NULL,
      shared boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX saved_reports_owner_idx ON saved_reports (company_id, owner_id);
  `.execute(db);
  // Open dashboards refresh when leads or activities change: each committing transaction that wrote them tells
  // the company's live streams so, once per table (identical notifications of a transaction are sent once). The
  // payload names the company and the table only; each reader fetches what it may see.
  await sql`
    CREATE FUNCTION app_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('iperform_notifications', coalesce(app_current_company()::text, '') || ':*:' || TG_TABLE_NAME);
      RETURN NULL;
    END $$;
    CREATE TRIGGER leads_announce AFTER INSERT OR UPDATE OR DELETE ON leads
      FOR EACH STATEMENT EXECUTE FUNCTION app_announce_change();
    CREATE TRIGGER activities_announce AFTER INSERT OR UPDATE OR DELETE ON activities
      FOR EACH STATEMENT EXECUTE FUNCTION app_announce_change();
  `.execute(db);
  await enableTenantIsolation(db, 'saved_reports', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON saved_reports TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The reports migration cannot be reverted');
}
