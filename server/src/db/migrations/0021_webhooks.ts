import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/** Columns of a lead derived for search and matching: not part of what a webhook carries. */
const LEAD_DERIVED = ['search_text', 'name_key', 'name_digits', 'email_keys', 'company_key'];
/** Bookkeeping, and the columns of their own events: a change of only these is not a `lead.updated`. */
const LEAD_QUIET = [
  ...LEAD_DERIVED,
  'last_touched_at',
  'updated_at',
  'version',
  'deleted_at',
  'deleted_by',
  'merged_into',
];
const list = (columns: string[]) => `ARRAY[${columns.map((c) => `'${c}'`).join(', ')}]::text[]`;
const derived = list(LEAD_DERIVED);
const quiet = list(LEAD_QUIET);

/**
 * Outgoing webhooks (Standard Webhooks). Endpoints per company with their sealed secrets; events captured in the
 * same transaction as the change by statement-level triggers on `leads` and `activities` (one look at one index
 * entry per statement while the company has no enabled endpoint); the `webhooks.dispatch` job fans each event
 * out to the matching endpoints as deliveries, and `webhooks.deliver` sends each, keeping every attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
      event_types text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 50),
      -- Equality on lead fields (API names): {"stage": "won", "source": "website", "ownerId": "..."}.
      filter jsonb NOT NULL DEFAULT '{}'::jsonb,
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      secret_sealed text NOT NULL,
      -- The secret before the last rotation, still signed with until it expires.
      previous_secret_sealed text,
      previous_secret_expires_at timestamptz,
      failing_since timestamptz,
      last_success_at timestamptz,
      last_failure_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id)
    );
    CREATE INDEX webhook_endpoints_enabled_idx ON webhook_endpoints (company_id) WHERE enabled;

    CREATE TABLE webhook_events (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY,
      type text NOT NULL CHECK (length(type) BETWEEN 1 AND 80),
      subject_id uuid,
      -- The row as it was written (and before, for updates); the dispatch job turns it into the payload.
      data jsonb NOT NULL,
      previous jsonb,
      -- A test message goes to this endpoint only.
      endpoint_id uuid,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      dispatched_at timestamptz,
      PRIMARY KEY (company_id, id)
    );
    CREATE INDEX webhook_events_pending_idx ON webhook_events (company_id, seq) WHERE dispatched_at IS NULL;

    CREATE TABLE webhook_deliveries (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      endpoint_id uuid NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      -- The exact body signed and sent, the same on every attempt.
      body text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_status integer,
      last_error text,
      created_at timestamptz NOT NULL,
      finished_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, endpoint_id) REFERENCES webhook_endpoints (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, event_id) REFERENCES webhook_events (company_id, id)
    );
    CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (company_id, endpoint_id, id DESC);
    CREATE INDEX webhook_deliveries_failed_idx ON webhook_deliveries (company_id, endpoint_id, created_at)
      WHERE status = 'failed';

    CREATE TABLE webhook_attempts (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      delivery_id uuid NOT NULL,
      attempt integer NOT NULL,
      at timestamptz NOT NULL,
      url text NOT NULL,
      request_headers jsonb NOT NULL,
      response_status integer,
      response_body text,
      duration_ms integer NOT NULL,
      error text,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, delivery_id) REFERENCES webhook_deliveries (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (company_id, delivery_id, attempt);

    CREATE FUNCTION app_webhooks_wake() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      -- The dispatch job the worker claims (kind and empty payload as modules/webhooks/webhooks.jobs.ts declares),
      -- due at once whatever the app clock says (the runner claims by the app clock, which the database cannot
      -- read): its run_at is the epoch, which also puts it ahead of jobs that are merely due.
      IF NOT EXISTS (SELECT 1 FROM jobs j WHERE j.company_id = app_current_company()
          AND j.kind = 'webhooks.dispatch' AND j.done_at IS NULL AND j.locked_until IS NULL) THEN
        INSERT INTO jobs (id, company_id, kind, run_at, payload, created_at)
          VALUES (gen_random_uuid(), app_current_company(), 'webhooks.dispatch', 'epoch', '{}'::jsonb, now());
        PERFORM pg_notify('iperform_jobs', 'webhooks.dispatch');
      END IF;
    END $$;

    CREATE FUNCTION app_webhooks_capture_leads() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      added bigint;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.company_id = app_current_company() AND e.enabled) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'INSERT' THEN
        INSERT INTO webhook_events (company_id, type, subject_id, data)
          SELECT n.company_id, 'lead.created', n.id, to_jsonb(n) - ${sql.raw(derived)}
          FROM new_rows n WHERE n.company_id = app_current_company();
      ELSE
        INSERT INTO webhook_events (company_id, type, subject_id, data, previous)
          SELECT n.company_id, e.type, n.id, to_jsonb(n) - ${sql.raw(derived)}, to_jsonb(o) - ${sql.raw(derived)}
          FROM new_rows n
          JOIN old_rows o ON o.company_id = n.company_id AND o.id = n.id
          CROSS JOIN LATERAL (VALUES
            (1, 'lead.updated', (to_jsonb(n) - ${sql.raw(quiet)}) IS DISTINCT FROM (to_jsonb(o) - ${sql.raw(quiet)})),
            (2, 'lead.stage_changed', n.stage IS DISTINCT FROM o.stage),
            (3, 'lead.assigned', n.owner_id IS DISTINCT FROM o.owner_id AND n.owner_id IS NOT NULL),
            (4, 'lead.deleted', o.deleted_at IS NULL AND n.deleted_at IS NOT NULL),
            (5, 'lead.restored', o.deleted_at IS NOT NULL AND n.deleted_at IS NULL),
            (6, 'lead.merged', o.merged_into IS NULL AND n.merged_into IS NOT NULL)
          ) AS e (ord, type, fired)
          WHERE e.fired AND n.company_id = app_current_company()
          ORDER BY n.id, e.ord;
      END IF;
      GET DIAGNOSTICS added = ROW_COUNT;
      IF added > 0 THEN
        PERFORM app_webhooks_wake();
      END IF;
      RETURN NULL;
    END $$;

    CREATE FUNCTION app_webhooks_capture_activities() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      added bigint;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.company_id = app_current_company() AND e.enabled) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'INSERT' THEN
        INSERT INTO webhook_events (company_id, type, subject_id, data)
          SELECT n.company_id, 'activity.created', n.id, to_jsonb(n)
          FROM new_rows n WHERE n.company_id = app_current_company();
      ELSE
        INSERT INTO webhook_events (company_id, type, subject_id, data, previous)
          SELECT n.company_id, e.type, n.id, to_jsonb(n), to_jsonb(o)
          FROM new_rows n
          JOIN old_rows o ON o.company_id = n.company_id AND o.id = n.id
          CROSS JOIN LATERAL (VALUES
            (1, 'activity.completed', o.completed_at IS NULL AND n.completed_at IS NOT NULL),
            (2, 'activity.missed', o.missed_at IS NULL AND n.missed_at IS NOT NULL)
          ) AS e (ord, type, fired)
          WHERE e.fired AND n.company_id = app_current_company()
          ORDER BY n.id, e.ord;
      END IF;
      GET DIAGNOSTICS added = ROW_COUNT;
      IF added > 0 THEN
        PERFORM app_webhooks_wake();
      END IF;
      RETURN NULL;
    END $$;

    CREATE TRIGGER leads_webhooks_insert AFTER INSERT ON leads REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_leads();
    CREATE TRIGGER leads_webhooks_update AFTER UPDATE ON leads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_leads();
    CREATE TRIGGER activities_webhooks_insert AFTER INSERT ON activities REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_activities();
    CREATE TRIGGER activities_webhooks_update AFTER UPDATE ON activities
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION app_webhooks_capture_activities();
  `.execute(db);
  for (const table of ['webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_attempts']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
  const seq = await sql<{ name: string }>`SELECT pg_get_serial_sequence('webhook_events', 'seq') AS name`.execute(db);
  const name = seq.rows[0]?.name;
  if (name) await sql`GRANT USAGE ON SEQUENCE ${sql.raw(name)} TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The webhooks migration cannot be reverted');
}
