import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Assignment recommendations drawn from a company's own closed leads: a rule sending a source, product or place
 * to the owners who convert it best, or an open-lead cap for an owner whose win rate falls past a load. Each row
 * keeps the proposal, the evidence behind it and the expected effect; an admin accepts (the rule or cap is made
 * through the assignment module, `rule_id` names the rule) or dismisses it. `signature` identifies the same
 * proposal across regenerations (a dismissed one is not proposed again for 90 days).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE recommendations (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('rule', 'cap')),
      dimension text NOT NULL CHECK (dimension IN ('source', 'product', 'city', 'state', 'territory', 'load')),
      value text NOT NULL CHECK (length(value) BETWEEN 1 AND 200),
      signature text NOT NULL CHECK (length(signature) BETWEEN 1 AND 2000),
      proposal jsonb NOT NULL,
      evidence jsonb NOT NULL,
      expected jsonb NOT NULL,
      status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'dismissed')),
      created_at timestamptz NOT NULL,
      refreshed_at timestamptz NOT NULL,
      decided_at timestamptz,
      decided_by uuid,
      rule_id uuid,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, decided_by) REFERENCES users (company_id, id),
      CHECK ((status = 'proposed') = (decided_at IS NULL))
    );
    CREATE INDEX recommendations_status_idx ON recommendations (company_id, status, created_at DESC);
    CREATE UNIQUE INDEX recommendations_proposed_uq ON recommendations (company_id, signature)
      WHERE status = 'proposed';
    CREATE INDEX recommendations_signature_idx ON recommendations (company_id, signature, decided_at DESC);
  `.execute(db);
  await enableTenantIsolation(db, 'recommendations', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON recommendations TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The recommendations migration cannot be reverted');
}
