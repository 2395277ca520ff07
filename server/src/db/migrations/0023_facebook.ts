import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Facebook (Meta) Lead Ads: the Pages a company connected (their secrets sealed), the leadgen events Meta
 * delivered (the inbox: one row per lead id, whatever the number of deliveries), and per form the mapping of its
 * questions to lead fields and the state of its backfill.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE facebook_pages (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      page_id text NOT NULL CHECK (page_id ~ '^[0-9]{1,32}$'),
      page_name text NOT NULL CHECK (length(page_name) BETWEEN 1 AND 200),
      -- Sealed with the server's secrets key (lib/secret-box.ts), bound to the company: never stored in clear.
      access_token_sealed text NOT NULL,
      app_secret_sealed text NOT NULL,
      verify_token_sealed text NOT NULL,
      -- broken: the Graph API refused the token (expired, revoked); fetching waits until a new token is saved.
      status text NOT NULL CHECK (status IN ('connected', 'broken')),
      last_error text,
      last_error_at timestamptz,
      last_success_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, page_id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id)
    );

    -- Meta calls one URL for every company, before the tenant is known: the page id of an event (and, for the
    -- subscription challenge, the verify token's hash) names the company and the connection here.
    CREATE TABLE facebook_directory (
      page_id text PRIMARY KEY,
      company_id uuid NOT NULL,
      connection_id uuid NOT NULL,
      verify_token_hash text NOT NULL,
      FOREIGN KEY (company_id, connection_id) REFERENCES facebook_pages (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX facebook_directory_verify_idx ON facebook_directory (verify_token_hash);

    CREATE TABLE facebook_forms (
      company_id uuid NOT NULL REFERENCES companies (id),
      form_id text NOT NULL CHECK (form_id ~ '^[0-9]{1,32}$'),
      connection_id uuid NOT NULL,
      name text,
      -- Question key -> lead field ("name", "email", "customFields.budget", ...) or null (kept on the timeline).
      mapping jsonb,
      -- The question keys seen on the form's leads, in the order first seen.
      questions text[] NOT NULL DEFAULT '{}',
      backfill_status text NOT NULL DEFAULT 'idle'
        CHECK (backfill_status IN ('idle', 'running', 'paused', 'done', 'failed')),
      backfill_after text,
      backfill_pages integer NOT NULL DEFAULT 0,
      backfill_fetched integer NOT NULL DEFAULT 0,
      backfill_created integer NOT NULL DEFAULT 0,
      backfill_error text,
      backfill_started_at timestamptz,
      backfill_finished_at timestamptz,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, form_id),
      FOREIGN KEY (company_id, connection_id) REFERENCES facebook_pages (company_id, id) ON DELETE CASCADE
    );

    CREATE TABLE facebook_events (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      connection_id uuid NOT NULL,
      via text NOT NULL CHECK (via IN ('webhook', 'backfill')),
      -- pending: waiting for its lead to be fetched; created / merged / skipped: the lead (lead_id) has it;
      -- failed: refused, with the reason; malformed: the change could not be read (payload kept).
      status text NOT NULL CHECK (status IN ('pending', 'created', 'merged', 'skipped', 'failed', 'malformed')),
      leadgen_id text CHECK (leadgen_id ~ '^[0-9]{1,32}$'),
      page_id text,
      form_id text,
      ad_id text,
      created_time timestamptz,
      payload jsonb,
      -- What the Graph API said of the lead: its answers, and the names of its ad, ad set, campaign and form.
      answers jsonb,
      unmapped jsonb,
      ad_name text,
      adset_name text,
      campaign_name text,
      form_name text,
      lead_id uuid,
      error text,
      attempts integer NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL,
      processed_at timestamptz,
      PRIMARY KEY (company_id, id),
      -- Meta delivers at least once: a replayed event finds its row instead of adding another.
      UNIQUE (company_id, leadgen_id),
      FOREIGN KEY (company_id, connection_id) REFERENCES facebook_pages (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      CHECK ((status = 'malformed') = (leadgen_id IS NULL))
    );
    CREATE INDEX facebook_events_connection_idx ON facebook_events (company_id, connection_id, id DESC);
    CREATE INDEX facebook_events_pending_idx ON facebook_events (company_id, connection_id) WHERE status = 'pending';
    CREATE INDEX facebook_events_lead_idx ON facebook_events (company_id, lead_id) WHERE lead_id IS NOT NULL;
  `.execute(db);

  for (const table of ['facebook_pages', 'facebook_forms', 'facebook_events']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON facebook_directory TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The Facebook Lead Ads migration cannot be reverted');
}
