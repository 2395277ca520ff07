import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Lead merges, kept so each can be undone: the full row of every lead involved as it was before the merge and
 * right after it (undo compares the current row with both, so later edits survive), which rows of which
 * lead-owned table moved from which lead, and the rows the merge itself added (a stage move, an assignment).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lead_merges (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      -- Commit order of merges touching the same lead: a later merge locked that lead after this one committed,
      -- so its number is higher whatever the clocks of the app servers say.
      seq bigint GENERATED ALWAYS AS IDENTITY,
      survivor_id uuid NOT NULL,
      merged_ids uuid[] NOT NULL CHECK (cardinality(merged_ids) BETWEEN 1 AND 10),
      -- Field (API name) -> the lead whose value the survivor took, for the fields that did not keep its own.
      field_choices jsonb NOT NULL DEFAULT '{}',
      -- Lead id -> to_jsonb(leads row), before the merge and right after it.
      before_images jsonb NOT NULL,
      after_images jsonb NOT NULL,
      -- Table -> merged lead id -> ids of its rows moved to the survivor.
      moved_rows jsonb NOT NULL DEFAULT '{}',
      -- [{table, id, field}]: rows the merge added, removed by its undo when that field goes back.
      created_rows jsonb NOT NULL DEFAULT '[]',
      by_user_id uuid,
      at timestamptz NOT NULL,
      undo_id uuid,
      undone_at timestamptz,
      undone_by uuid,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, undo_id),
      FOREIGN KEY (company_id, survivor_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, by_user_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, undone_by) REFERENCES users (company_id, id),
      CHECK ((undone_at IS NULL) = (undo_id IS NULL)),
      CHECK (NOT (survivor_id = ANY (merged_ids)))
    );
    CREATE INDEX lead_merges_survivor_idx ON lead_merges (company_id, survivor_id, seq DESC);
    CREATE INDEX lead_merges_merged_idx ON lead_merges USING gin (merged_ids);
    CREATE INDEX lead_merges_recent_idx ON lead_merges (company_id, id DESC);
  `.execute(db);
  await enableTenantIsolation(db, 'lead_merges', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON lead_merges TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The merges migration cannot be reverted');
}
