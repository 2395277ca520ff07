import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Dashboards and targets. A dashboard is kept by its owner (optionally shared with the company): its tiles (each a
 * report and how it is drawn), the filters and the period that apply to every tile. The default dashboard of each
 * role is code, not a row. A target is what a user, a team (a manager's subtree), a partner or a territory should
 * win in a month or a quarter: one row per scope and period.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE dashboards (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      owner_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      shared boolean NOT NULL DEFAULT false,
      tiles jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tiles) = 'array' AND jsonb_array_length(tiles) <= 24),
      filters jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filters) = 'object'),
      period jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(period) = 'object'),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX dashboards_owner_idx ON dashboards (company_id, owner_id);

    CREATE TABLE targets (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      scope_kind text NOT NULL CHECK (scope_kind IN ('user', 'team', 'partner', 'territory')),
      scope_key text NOT NULL CHECK (length(scope_key) BETWEEN 1 AND 100),
      period_kind text NOT NULL CHECK (period_kind IN ('month', 'quarter')),
      period_start date NOT NULL CHECK (
        extract(day FROM period_start) = 1
        AND (period_kind = 'month' OR extract(month FROM period_start) IN (1, 4, 7, 10))
      ),
      won_value numeric(16, 2) NOT NULL CHECK (won_value >= 0),
      won_count integer NOT NULL CHECK (won_count >= 0),
      new_leads integer CHECK (new_leads >= 0),
      calls integer CHECK (calls >= 0),
      set_by uuid NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, scope_kind, scope_key, period_kind, period_start),
      FOREIGN KEY (company_id, set_by) REFERENCES users (company_id, id)
    );
    CREATE INDEX targets_period_idx ON targets (company_id, period_kind, period_start);
  `.execute(db);
  await enableTenantIsolation(db, 'dashboards', 'company_id');
  await enableTenantIsolation(db, 'targets', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON dashboards, targets TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The dashboards and targets migration cannot be reverted');
}
