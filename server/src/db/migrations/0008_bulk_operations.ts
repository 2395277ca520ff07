import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Bulk actions on leads that run as durable jobs: the action with its parameters (and the list filter it was
 * asked for, when it was), and one row per lead with that lead's outcome. Items hold lead ids without a foreign
 * key: an id the caller sent may name no lead of the company (that item fails with 404), and an item outlives
 * the purge of its lead as the record of what was done.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE bulk_actions (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      action text NOT NULL CHECK (action IN ('assign', 'stage', 'tag', 'untag', 'partner', 'delete')),
      params jsonb NOT NULL DEFAULT '{}',
      -- The list's filters and q, when the action was asked for a filter rather than ids.
      filter jsonb,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      -- null while a filter's leads are still being listed.
      total integer CHECK (total >= 0),
      done integer NOT NULL DEFAULT 0 CHECK (done >= 0),
      failed integer NOT NULL DEFAULT 0 CHECK (failed >= 0),
      -- Why the whole action stopped (status failed): its creator left, or the filter matched too many leads.
      error text,
      created_by uuid NOT NULL,
      api_key_id uuid,
      request_id text NOT NULL,
      ip text NOT NULL DEFAULT '',
      user_agent text,
      created_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, api_key_id) REFERENCES api_keys (company_id, id)
    );
    CREATE INDEX bulk_actions_creator_idx ON bulk_actions (company_id, created_by, id DESC);
    CREATE INDEX bulk_actions_finished_idx ON bulk_actions (company_id, finished_at) WHERE finished_at IS NOT NULL;

    CREATE TABLE bulk_action_items (
      company_id uuid NOT NULL,
      bulk_action_id uuid NOT NULL,
      position integer NOT NULL CHECK (position >= 0),
      lead_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
      code text,
      message text,
      PRIMARY KEY (company_id, bulk_action_id, position),
      FOREIGN KEY (company_id, bulk_action_id) REFERENCES bulk_actions (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX bulk_action_items_pending_idx ON bulk_action_items (company_id, bulk_action_id, position)
      WHERE status = 'pending';
    CREATE INDEX bulk_action_items_failed_idx ON bulk_action_items (company_id, bulk_action_id, position)
      WHERE status = 'failed';
  `.execute(db);
  for (const table of ['bulk_actions', 'bulk_action_items']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The bulk operations migration cannot be reverted');
}
