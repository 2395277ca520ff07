import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/** The lead times the rollup counts by, as the reports name them, and their columns. */
const TIMES = [
  ['createdAt', 'created_at'],
  ['stageChangedAt', 'stage_changed_at'],
] as const;

/**
 * One signed row per live lead and rollup time, from a transition table (or `leads` itself): the lead's month in
 * the company's time zone, owner, stage, and what it adds to the counters.
 */
const rows = (from: string, sign: 1 | -1) => `
  SELECT r.company_id, f.time_field, date_trunc('month', f.at AT TIME ZONE c.timezone)::date AS month, r.owner_id,
    r.stage, ${sign} AS n, ${sign} * coalesce(r.expected_value, 0) AS v, ${sign} * (r.expected_value IS NOT NULL)::int AS vn
  FROM ${from} r JOIN companies c ON c.id = r.company_id
  CROSS JOIN LATERAL (VALUES ${TIMES.map(([key, column]) => `('${key}', r.${column})`).join(', ')}) AS f (time_field, at)
  WHERE r.deleted_at IS NULL AND r.merged_into IS NULL`;

/** The signed rows summed per key and added to the counters, in key order (concurrent writers lock alike). */
const apply = (deltas: string) => `
  INSERT INTO lead_rollups AS t (company_id, time_field, month, owner_id, stage, lead_count, value_sum, value_count)
  SELECT d.company_id, d.time_field, d.month, d.owner_id, d.stage, sum(d.n), sum(d.v), sum(d.vn)
  FROM (${deltas}) d
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.n) <> 0 OR sum(d.v) <> 0 OR sum(d.vn) <> 0 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (company_id, time_field, month, owner_id, stage) DO UPDATE SET lead_count = t.lead_count + EXCLUDED.lead_count,
    value_sum = t.value_sum + EXCLUDED.value_sum, value_count = t.value_count + EXCLUDED.value_count`;

/**
 * The reports' rollup of leads (modules/reports/rollups.ts): live leads counted, and their expected value summed,
 * per month of creation and per month of their last stage change (months in the company's time zone), owner and
 * stage. Kept exact by statement-level triggers over the transition tables, like the board's lead_stage_totals:
 * a bulk insert applies one grouped delta; an edit that moves no stage, owner, value or month writes nothing. A
 * change of the company's time zone moves leads between months: its rollup is rebuilt from the leads.
 * Rows whose count falls to zero stay (readers skip them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lead_rollups (
      company_id uuid NOT NULL,
      time_field text NOT NULL CHECK (time_field IN ('createdAt', 'stageChangedAt')),
      month date NOT NULL,
      owner_id uuid,
      stage text NOT NULL,
      lead_count bigint NOT NULL DEFAULT 0,
      value_sum numeric NOT NULL DEFAULT 0,
      value_count bigint NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX lead_rollups_key ON lead_rollups (company_id, time_field, month, owner_id, stage)
      NULLS NOT DISTINCT;
  `.execute(db);
  await sql
    .raw(`
    CREATE FUNCTION leads_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        ${apply(rows('new_leads', 1))};
      ELSIF TG_OP = 'UPDATE' THEN
        ${apply(`${rows('new_leads', 1)} UNION ALL ${rows('old_leads', -1)}`)};
      ELSE
        ${apply(rows('old_leads', -1))};
      END IF;
      RETURN NULL;
    END $$;

    -- Recounts one company's rollup from its leads, as that company (row-level security), whoever runs it.
    CREATE FUNCTION lead_rollups_rebuild(company uuid) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      previous text := current_setting('app.company_id', true);
    BEGIN
      PERFORM set_config('app.company_id', company::text, true);
      DELETE FROM lead_rollups WHERE company_id = company;
      ${apply(rows('(SELECT * FROM leads WHERE company_id = company)', 1))};
      PERFORM set_config('app.company_id', coalesce(previous, ''), true);
    END $$;

    CREATE FUNCTION companies_zone_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM lead_rollups_rebuild(NEW.id);
      RETURN NULL;
    END $$;
  `)
    .execute(db);
  for (const [event, transition] of [
    ['INSERT', 'NEW TABLE AS new_leads'],
    ['UPDATE', 'OLD TABLE AS old_leads NEW TABLE AS new_leads'],
    ['DELETE', 'OLD TABLE AS old_leads'],
  ] as const) {
    await sql`CREATE TRIGGER ${sql.id(`leads_rollups_${event.toLowerCase()}`)} AFTER ${sql.raw(event)} ON leads
      REFERENCING ${sql.raw(transition)} FOR EACH STATEMENT EXECUTE FUNCTION leads_rollups()`.execute(db);
  }
  await sql`
    CREATE TRIGGER companies_zone_rollups AFTER UPDATE OF timezone ON companies
      FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION companies_zone_rollups();
  `.execute(db);
  await enableTenantIsolation(db, 'lead_rollups', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON lead_rollups TO iperform_app`.execute(db);
  const companies = await sql<{ id: string }>`SELECT id FROM companies`.execute(db);
  for (const { id } of companies.rows) await sql`SELECT lead_rollups_rebuild(${id}::uuid)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The lead rollups migration cannot be reverted');
}
