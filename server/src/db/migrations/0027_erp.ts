import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * ERP sync (Tally, QuickBooks Online, Zoho Books, Zoho CRM, SAP Business One) on one connector framework.
 *
 * - `erp_connections`: one per company and ERP account: non-secret settings, secrets sealed together (passwords,
 *   OAuth tokens, sessions), the customer field mapping with each field's system of record, the read checkpoints
 *   per entity, the schedule, and the health the integrations home shows.
 * - `erp_links`: the external-id map, customer <-> lead, with the ERP's version token and the mapped values as
 *   they were at the last sync (the base a three-way comparison needs to tell who changed what). A customer the
 *   ERP holds that matched no lead waits here for review (`lead_id` null, `status` 'unmatched').
 * - `erp_documents`: invoices (with lines and balance) and payments read back, shown on the customer's lead.
 * - `erp_outbox`: leads to push (won, edited while linked, or pushed by hand), filled by a statement trigger in
 *   the lead's own transaction and drained by the `erp.push` job; one row per lead and connection.
 * - `erp_errors`: the error queue (the ERP's own message and code, attempts, next retry, retry or skip).
 * - `erp_conflicts`: a field both sides changed that the policy could not settle, waiting for a person.
 * - `erp_runs`: every sync, push batch and consistency check, with what it read and wrote.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE erp_connections (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      -- The connector's id (connectors/index.ts): not checked here, so a new connector needs no migration.
      connector text NOT NULL CHECK (length(connector) BETWEEN 1 AND 40),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      -- pending: OAuth not finished; connected; paused by an admin; broken (a revoked grant, refused credentials).
      status text NOT NULL CHECK (status IN ('pending', 'connected', 'paused', 'broken')),
      status_reason text,
      settings jsonb NOT NULL DEFAULT '{}',
      secrets_sealed text,
      -- [{leadField, erpField, policy: erp | iperform | latest, transform, valueMap}]
      mapping jsonb NOT NULL DEFAULT '[]',
      push_on_won boolean NOT NULL DEFAULT true,
      checkpoints jsonb NOT NULL DEFAULT '{}',
      schedule text CHECK (length(schedule) <= 100),
      next_run_at timestamptz,
      oauth_state_hash text,
      last_run_at timestamptz,
      last_success_at timestamptz,
      last_error text,
      last_error_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, name)
    );

    CREATE TABLE erp_links (
      company_id uuid NOT NULL,
      connection_id uuid NOT NULL,
      external_id text NOT NULL,
      lead_id uuid,
      status text NOT NULL CHECK (status IN ('linked', 'unmatched', 'ignored')),
      version text,
      erp_updated_at timestamptz,
      -- The ERP's fields as last read (the review list shows them), and the mapped values both sides agreed on.
      erp_fields jsonb NOT NULL DEFAULT '{}',
      synced jsonb NOT NULL DEFAULT '{}',
      candidates uuid[] NOT NULL DEFAULT '{}',
      deleted_in_erp boolean NOT NULL DEFAULT false,
      synced_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, connection_id, external_id),
      FOREIGN KEY (company_id, connection_id) REFERENCES erp_connections (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id)
    );
    CREATE UNIQUE INDEX erp_links_lead_idx ON erp_links (company_id, lead_id, connection_id) WHERE lead_id IS NOT NULL;
    CREATE INDEX erp_links_status_idx ON erp_links (company_id, connection_id, status, created_at);

    CREATE TABLE erp_documents (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      connection_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('invoice', 'payment')),
      external_id text NOT NULL,
      customer_external_id text NOT NULL,
      lead_id uuid,
      number text,
      doc_date date NOT NULL,
      due_date date,
      currency text,
      total numeric(18, 2) NOT NULL,
      balance numeric(18, 2),
      status text,
      lines jsonb NOT NULL DEFAULT '[]',
      invoice_refs text[] NOT NULL DEFAULT '{}',
      deleted boolean NOT NULL DEFAULT false,
      erp_updated_at timestamptz,
      synced_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, connection_id, kind, external_id),
      FOREIGN KEY (company_id, connection_id) REFERENCES erp_connections (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX erp_documents_lead_idx ON erp_documents (company_id, lead_id, doc_date DESC) WHERE lead_id IS NOT NULL;
    CREATE INDEX erp_documents_customer_idx ON erp_documents (company_id, connection_id, customer_external_id);

    CREATE TABLE erp_outbox (
      company_id uuid NOT NULL,
      connection_id uuid NOT NULL,
      lead_id uuid NOT NULL,
      reason text NOT NULL CHECK (reason IN ('won', 'edited', 'manual', 'retry')),
      queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (company_id, connection_id, lead_id),
      FOREIGN KEY (company_id, connection_id) REFERENCES erp_connections (company_id, id) ON DELETE CASCADE
    );

    CREATE TABLE erp_errors (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      connection_id uuid NOT NULL,
      direction text NOT NULL CHECK (direction IN ('push', 'pull')),
      entity text NOT NULL,
      lead_id uuid,
      external_id text,
      kind text NOT NULL,
      message text NOT NULL,
      vendor_code text,
      attempts integer NOT NULL DEFAULT 1,
      next_retry_at timestamptz,
      status text NOT NULL CHECK (status IN ('open', 'resolved', 'skipped')),
      payload jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, connection_id) REFERENCES erp_connections (company_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX erp_errors_open_idx ON erp_errors (company_id, connection_id, direction, entity,
      coalesce(lead_id::text, external_id)) WHERE status = 'open';

    CREATE TABLE erp_conflicts (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      connection_id uuid NOT NULL,
      lead_id uuid NOT NULL,
      external_id text NOT NULL,
      erp_field text NOT NULL,
      lead_field text NOT NULL,
      ours jsonb,
      theirs jsonb,
      base jsonb,
      status text NOT NULL CHECK (status IN ('open', 'resolved')),
      resolution text CHECK (resolution IN ('erp', 'iperform')),
      resolved_by uuid,
      created_at timestamptz NOT NULL,
      resolved_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, connection_id) REFERENCES erp_connections (company_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX erp_conflicts_open_idx ON erp_conflicts (company_id, connection_id, lead_id, erp_field)
      WHERE status = 'open';

    CREATE TABLE erp_runs (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      connection_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('sync', 'push', 'consistency')),
      trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'notification', 'won', 'retry')),
      status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      phase text,
      counts jsonb NOT NULL DEFAULT '{}',
      report jsonb,
      error text,
      requested_by uuid,
      created_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, connection_id) REFERENCES erp_connections (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX erp_runs_connection_idx ON erp_runs (company_id, connection_id, created_at DESC);

    CREATE FUNCTION app_erp_wake() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      -- The push job (kind and empty payload as modules/erp/erp.jobs.ts declares), due at once whatever the app
      -- clock says: its run_at is the epoch, as for the webhook dispatcher.
      IF NOT EXISTS (SELECT 1 FROM jobs j WHERE j.company_id = app_current_company()
          AND j.kind = 'erp.push' AND j.done_at IS NULL AND j.locked_until IS NULL) THEN
        INSERT INTO jobs (id, company_id, kind, run_at, payload, created_at)
          VALUES (gen_random_uuid(), app_current_company(), 'erp.push', 'epoch', '{}'::jsonb, now());
        PERFORM pg_notify('iperform_jobs', 'erp.push');
      END IF;
    END $$;

    -- A lead moved into a won stage is queued for every connected connection that pushes won leads; a lead
    -- already linked to a customer is queued when a field a person sees changes (the push job then writes only
    -- the mapped fields the policy lets iPerform own, and nothing when none changed).
    CREATE FUNCTION app_erp_capture_leads() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      added bigint;
    BEGIN
      -- Paused and broken connections queue too: what changes meanwhile is pushed once they are connected again.
      IF NOT EXISTS (SELECT 1 FROM erp_connections c WHERE c.company_id = app_current_company()
          AND c.status <> 'pending') THEN
        RETURN NULL;
      END IF;
      INSERT INTO erp_outbox (company_id, connection_id, lead_id, reason)
        SELECT DISTINCT ON (c.id, n.id) n.company_id, c.id, n.id,
            CASE WHEN k.external_id IS NOT NULL THEN 'edited' ELSE 'won' END
        FROM new_rows n
        JOIN old_rows o ON o.company_id = n.company_id AND o.id = n.id
        JOIN erp_connections c ON c.company_id = n.company_id AND c.status <> 'pending'
        LEFT JOIN erp_links k ON k.company_id = n.company_id AND k.connection_id = c.id AND k.lead_id = n.id
        WHERE n.company_id = app_current_company()
          AND n.deleted_at IS NULL AND n.merged_into IS NULL
          AND (
            (k.external_id IS NULL AND c.push_on_won AND n.stage IS DISTINCT FROM o.stage AND EXISTS (
              SELECT 1 FROM pipeline_stages s WHERE s.company_id = n.company_id AND s.key = n.stage AND s.kind = 'won'))
            OR (k.external_id IS NOT NULL AND (n.name, n.company_name, n.emails, n.phones, n.city, n.state,
                n.country, n.notes, n.custom_fields)
              IS DISTINCT FROM (o.name, o.company_name, o.emails, o.phones, o.city, o.state, o.country, o.notes,
                o.custom_fields))
          )
        ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS added = ROW_COUNT;
      IF added > 0 THEN
        PERFORM app_erp_wake();
      END IF;
      RETURN NULL;
    END $$;

    CREATE TRIGGER leads_erp_update AFTER UPDATE ON leads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_erp_capture_leads();
  `.execute(db);
  for (const table of [
    'erp_connections',
    'erp_links',
    'erp_documents',
    'erp_outbox',
    'erp_errors',
    'erp_conflicts',
    'erp_runs',
  ]) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The ERP migration cannot be reverted');
}
