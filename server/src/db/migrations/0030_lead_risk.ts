import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * At-risk leads. A daily scan per company flags the live open leads at risk; each flagged lead's current reasons
 * are one row of `lead_risks` (beside the lead rather than on it, so that a scan over a million leads fires none
 * of the lead's change triggers), removed when the lead is no longer at risk. `lead_risk_scans` keeps the last
 * scan of each company: when it ran, how long it took, and the stage norms it measured.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lead_risks (
      company_id uuid NOT NULL,
      lead_id uuid NOT NULL,
      reasons jsonb NOT NULL CHECK (jsonb_typeof(reasons) = 'array'),
      reason_keys text[] NOT NULL CHECK (cardinality(reason_keys) >= 1),
      severity smallint NOT NULL CHECK (severity >= 0),
      flagged_since timestamptz NOT NULL,
      checked_at timestamptz NOT NULL,
      notified_at timestamptz,
      PRIMARY KEY (company_id, lead_id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX lead_risks_severity_idx ON lead_risks (company_id, severity DESC, lead_id);
    CREATE INDEX lead_risks_reason_keys_idx ON lead_risks USING gin (reason_keys);

    CREATE TABLE lead_risk_scans (
      company_id uuid PRIMARY KEY REFERENCES companies (id),
      checked_at timestamptz NOT NULL,
      duration_ms integer NOT NULL CHECK (duration_ms >= 0),
      flagged integer NOT NULL CHECK (flagged >= 0),
      notified integer NOT NULL CHECK (notified >= 0),
      norms jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(norms) = 'array')
    );

    -- The close-date pushes of a lead, read by the scan from the audit log without reading the rest of it.
    CREATE INDEX audit_log_close_date_idx ON audit_log (company_id, entity_id)
      WHERE entity_type = 'lead' AND changes ? 'expectedCloseDate';
  `.execute(db);
  for (const table of ['lead_risks', 'lead_risk_scans']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The lead risk migration cannot be reverted');
}
