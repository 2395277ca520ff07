import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Lead scoring. A company's admins give points for field values and behaviour (`score_rules`); a model trained on
 * the company's own closed leads (`score_models`: its feature encoding, coefficients and hold-out quality) takes
 * over once an admin switches it on, the previous one kept for rollback. Each live lead's current score, tier and
 * the reasons behind it are one row of `lead_scores` (kept beside the lead rather than on it, so that rescoring a
 * million leads fires none of the lead's change triggers: webhooks, ERP push, rollups, the live stream).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE scoring_settings (
      company_id uuid PRIMARY KEY REFERENCES companies (id),
      hot_from smallint NOT NULL DEFAULT 70 CHECK (hot_from BETWEEN 1 AND 100),
      warm_from smallint NOT NULL DEFAULT 40 CHECK (warm_from BETWEEN 0 AND 99),
      horizon_days integer NOT NULL DEFAULT 90 CHECK (horizon_days BETWEEN 7 AND 730),
      retrain_days integer NOT NULL DEFAULT 7 CHECK (retrain_days BETWEEN 1 AND 90),
      updated_at timestamptz NOT NULL,
      CHECK (warm_from < hot_from)
    );

    CREATE TABLE score_rules (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      label text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
      kind text NOT NULL CHECK (kind IN ('field', 'behaviour')),
      field text CHECK (length(field) BETWEEN 1 AND 100),
      operator text CHECK (operator IN ('equals', 'in', 'contains', 'gte', 'lte', 'is_set', 'is_empty')),
      value jsonb,
      behaviour text CHECK (length(behaviour) BETWEEN 1 AND 60),
      window_days integer CHECK (window_days BETWEEN 1 AND 365),
      points smallint NOT NULL CHECK (points BETWEEN -100 AND 100 AND points <> 0),
      active boolean NOT NULL DEFAULT true,
      position integer NOT NULL DEFAULT 0,
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      CHECK ((kind = 'field' AND field IS NOT NULL AND operator IS NOT NULL AND behaviour IS NULL)
          OR (kind = 'behaviour' AND behaviour IS NOT NULL AND field IS NULL)),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id)
    );
    CREATE INDEX score_rules_position_idx ON score_rules (company_id, position, id);

    CREATE TABLE score_models (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('training', 'candidate', 'active', 'retired', 'failed')),
      horizon_days integer NOT NULL,
      trained_at timestamptz,
      trained_by uuid,
      examples integer NOT NULL DEFAULT 0,
      positives integer NOT NULL DEFAULT 0,
      spec jsonb,
      metrics jsonb,
      error text,
      created_at timestamptz NOT NULL,
      activated_at timestamptz,
      activated_by uuid,
      retired_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, trained_by) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, activated_by) REFERENCES users (company_id, id)
    );
    CREATE UNIQUE INDEX score_models_one_active_uq ON score_models (company_id) WHERE status = 'active';
    CREATE INDEX score_models_created_idx ON score_models (company_id, created_at DESC);

    CREATE TABLE lead_scores (
      company_id uuid NOT NULL,
      lead_id uuid NOT NULL,
      score smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
      tier text NOT NULL CHECK (tier IN ('hot', 'warm', 'cold')),
      probability real CHECK (probability BETWEEN 0 AND 1),
      source text NOT NULL CHECK (source IN ('rules', 'model')),
      model_id uuid,
      reasons jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(reasons) = 'array'),
      scored_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, lead_id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, model_id) REFERENCES score_models (company_id, id)
    );
    CREATE INDEX lead_scores_score_idx ON lead_scores (company_id, score DESC, lead_id);
    CREATE INDEX lead_scores_tier_idx ON lead_scores (company_id, tier, score DESC);
  `.execute(db);
  for (const table of ['scoring_settings', 'score_rules', 'score_models', 'lead_scores']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The scoring migration cannot be reverted');
}
