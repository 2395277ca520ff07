import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * The revenue forecast kept month by month, so that reports can set it beside what was won and anyone can later
 * see what it said. One row per (company, month, owner): the owner's share of the month's forecast (owner_id
 * null: leads with no owner). `basis` says how it was made: 'recorded' by the daily job when the month began (or
 * when the job first ran in it), 'reconstructed' afterwards from the history, the way the backtest makes it.
 * Every month that has rows has a null-owner row, so a month with no forecast at all is told apart from one not
 * yet made. The range (10th-90th percentile) is a company-wide figure and is not kept. What was won is not kept
 * either: the reports count it from the leads when they run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE forecast_months (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      month date NOT NULL CHECK (extract(day FROM month) = 1),
      owner_id uuid,
      basis text NOT NULL CHECK (basis IN ('recorded', 'reconstructed')),
      expected_value numeric NOT NULL CHECK (expected_value >= 0),
      expected_count numeric NOT NULL CHECK (expected_count >= 0),
      made_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id),
      CONSTRAINT forecast_months_owner_uq UNIQUE NULLS NOT DISTINCT (company_id, month, owner_id)
    );
  `.execute(db);
  await enableTenantIsolation(db, 'forecast_months', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON forecast_months TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The forecast months migration cannot be reverted');
}
