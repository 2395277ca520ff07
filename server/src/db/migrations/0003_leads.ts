import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';
import { createLeadDerivedData } from './0003_leads.derived.ts';

/** The default pipeline every company starts with; admins rename, reorder and add stages later. */
export const defaultStages = [
  { key: 'new', name: 'New', kind: 'open', requiredFields: [] as string[] },
  { key: 'demo', name: 'Demo', kind: 'open', requiredFields: [] as string[] },
  { key: 'proposal', name: 'Proposal', kind: 'open', requiredFields: [] as string[] },
  { key: 'trial', name: 'Trial', kind: 'open', requiredFields: [] as string[] },
  { key: 'won', name: 'Won', kind: 'won', requiredFields: ['expectedValue'] },
  { key: 'lost', name: 'Lost', kind: 'lost', requiredFields: ['lostReason'] },
] as const;

/**
 * Leads and everything that routes and records them: pipeline stages, custom fields, field permissions,
 * partners, availability, assignment rules and their why, notes, saved views, web forms, idempotency keys,
 * notifications and the durable job queue.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  await sql`
    CREATE TABLE pipeline_stages (
      company_id uuid NOT NULL REFERENCES companies (id),
      -- The key is what leads reference; the id is what the audit log names (its entity_id is a uuid).
      id uuid NOT NULL,
      key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      position integer NOT NULL,
      kind text NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
      required_fields text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, key),
      UNIQUE (company_id, id)
    );

    CREATE TABLE partners (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      contact_name text,
      contact_email citext,
      contact_phone text,
      territories text[] NOT NULL DEFAULT '{}',
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id)
    );
    CREATE UNIQUE INDEX partners_name_idx ON partners (company_id, lower(name));

    ALTER TABLE users ADD COLUMN partner_id uuid;
    ALTER TABLE users ADD FOREIGN KEY (company_id, partner_id) REFERENCES partners (company_id, id);
    ALTER TABLE api_keys ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';

    CREATE TABLE custom_fields (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
      label text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
      type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'select', 'multi_select', 'boolean', 'user')),
      options text[] NOT NULL DEFAULT '{}',
      required boolean NOT NULL DEFAULT false,
      position integer NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, key),
      UNIQUE (company_id, id)
    );

    -- Overrides of the built-in field permissions (see leads/field-access.ts); absent means the default.
    CREATE TABLE field_permissions (
      company_id uuid NOT NULL REFERENCES companies (id),
      role user_role NOT NULL,
      field text NOT NULL,
      access text NOT NULL CHECK (access IN ('hidden', 'read', 'write')),
      PRIMARY KEY (company_id, role, field)
    );

    CREATE TABLE leads (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      company_name text,
      emails text[] NOT NULL DEFAULT '{}',
      phones text[] NOT NULL DEFAULT '{}',
      source text NOT NULL CHECK (source IN ('manual', 'import', 'api', 'web_form', 'facebook', 'whatsapp',
        'partner', 'erp', 'referral', 'other')),
      campaign text,
      product text,
      city text,
      state text,
      country text,
      territory text,
      expected_value numeric(16, 2) CHECK (expected_value >= 0),
      currency char(3),
      expected_close_date date,
      tags text[] NOT NULL DEFAULT '{}',
      notes text,
      owner_id uuid,
      warrior_ids uuid[] NOT NULL DEFAULT '{}',
      co_sales_ids uuid[] NOT NULL DEFAULT '{}',
      partner_id uuid,
      stage text NOT NULL,
      lost_reason text,
      custom_fields jsonb NOT NULL DEFAULT '{}',
      created_by uuid,
      created_via text NOT NULL DEFAULT 'ui',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      stage_changed_at timestamptz NOT NULL DEFAULT now(),
      last_touched_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      -- Lower-cased name, company, emails and phone digits: what search matches, kept by the trigger below.
      search_text text NOT NULL DEFAULT '',
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, partner_id) REFERENCES partners (company_id, id),
      FOREIGN KEY (company_id, stage) REFERENCES pipeline_stages (company_id, key)
    );
    CREATE INDEX leads_updated_idx ON leads (company_id, updated_at DESC, id DESC);
    CREATE INDEX leads_created_idx ON leads (company_id, created_at DESC, id DESC);
    CREATE INDEX leads_owner_idx ON leads (company_id, owner_id, updated_at DESC, id DESC);
    CREATE INDEX leads_stage_idx ON leads (company_id, stage, updated_at DESC, id DESC);
    CREATE INDEX leads_partner_idx ON leads (company_id, partner_id) WHERE partner_id IS NOT NULL;
    CREATE INDEX leads_created_by_idx ON leads (company_id, created_by);
    CREATE INDEX leads_warriors_idx ON leads USING gin (warrior_ids);
    CREATE INDEX leads_co_sales_idx ON leads USING gin (co_sales_ids);
    CREATE INDEX leads_tags_idx ON leads USING gin (tags);
    CREATE INDEX leads_emails_idx ON leads USING gin (emails);
    CREATE INDEX leads_phones_idx ON leads USING gin (phones);
    CREATE INDEX leads_custom_idx ON leads USING gin (custom_fields jsonb_path_ops);
    CREATE INDEX leads_search_idx ON leads USING gin (search_text gin_trgm_ops);
    -- Typo-tolerant search compares words with names: a short text, so the matches are cheap to recheck.
    CREATE INDEX leads_name_trgm_idx ON leads USING gin (lower(name) gin_trgm_ops);
    -- Sorts of the list (keyset pages read straight off these) and the board's counts per owner and stage.
    CREATE INDEX leads_name_idx ON leads (company_id, lower(name), id);
    CREATE INDEX leads_value_idx ON leads (company_id, expected_value, id);
    CREATE INDEX leads_close_idx ON leads (company_id, expected_close_date, id);
    CREATE INDEX leads_owner_stage_idx ON leads (company_id, owner_id, stage) INCLUDE (expected_value);

    CREATE TABLE lead_stage_history (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      lead_id uuid NOT NULL,
      from_stage text,
      to_stage text NOT NULL,
      by_user_id uuid,
      at timestamptz NOT NULL,
      seconds_in_previous bigint,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, by_user_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX lead_stage_history_lead_idx ON lead_stage_history (company_id, lead_id, at);
    CREATE INDEX lead_stage_history_at_idx ON lead_stage_history (company_id, at);

    CREATE TABLE user_availability (
      company_id uuid NOT NULL,
      user_id uuid NOT NULL,
      timezone text,
      working_days smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
      work_start time,
      work_end time,
      daily_cap integer CHECK (daily_cap >= 0),
      open_cap integer CHECK (open_cap >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, user_id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
    );

    CREATE TABLE user_leaves (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id),
      CHECK (ends_on >= starts_on)
    );
    CREATE INDEX user_leaves_user_idx ON user_leaves (company_id, user_id, starts_on);

    CREATE TABLE assignment_rules (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      position integer NOT NULL,
      active boolean NOT NULL DEFAULT true,
      is_default boolean NOT NULL DEFAULT false,
      conditions jsonb NOT NULL DEFAULT '[]',
      strategy text NOT NULL CHECK (strategy IN ('user', 'round_robin', 'least_loaded', 'weighted')),
      user_ids uuid[] NOT NULL DEFAULT '{}',
      weights integer[] NOT NULL DEFAULT '{}',
      sla_minutes integer CHECK (sla_minutes > 0),
      -- Rotation state (round-robin pointer, weighted counts): advanced under a row lock.
      state jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id)
    );
    CREATE UNIQUE INDEX assignment_rules_default_idx ON assignment_rules (company_id) WHERE is_default;

    CREATE TABLE lead_assignments (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      lead_id uuid NOT NULL,
      at timestamptz NOT NULL,
      by_user_id uuid,
      channel text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('rule', 'manual', 'sla', 'unassigned')),
      rule_id uuid,
      rule_name text,
      strategy text,
      owner_id uuid,
      previous_owner_id uuid,
      sla_due_at timestamptz,
      candidates jsonb NOT NULL DEFAULT '[]',
      detail text,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, by_user_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX lead_assignments_lead_idx ON lead_assignments (company_id, lead_id, at DESC);
    CREATE INDEX lead_assignments_owner_day_idx ON lead_assignments (company_id, owner_id, at);

    CREATE TABLE lead_notes (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      lead_id uuid NOT NULL,
      author_id uuid,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
      mentions uuid[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, author_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX lead_notes_lead_idx ON lead_notes (company_id, lead_id, created_at DESC);

    CREATE TABLE saved_views (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      owner_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
      filters jsonb NOT NULL DEFAULT '{}',
      columns text[] NOT NULL DEFAULT '{}',
      sort jsonb,
      shared boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX saved_views_owner_idx ON saved_views (company_id, owner_id);

    CREATE TABLE web_forms (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      fields jsonb NOT NULL DEFAULT '[]',
      source text NOT NULL DEFAULT 'web_form',
      campaign text,
      thank_you text NOT NULL DEFAULT 'Thank you! We will be in touch soon.',
      active boolean NOT NULL DEFAULT true,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id)
    );
    -- Public submissions arrive before the tenant is known: the form id names its company here.
    CREATE TABLE form_directory (
      form_id uuid PRIMARY KEY,
      company_id uuid NOT NULL,
      FOREIGN KEY (company_id, form_id) REFERENCES web_forms (company_id, id) DEFERRABLE INITIALLY DEFERRED
    );

    CREATE TABLE idempotency_keys (
      company_id uuid NOT NULL,
      user_id uuid NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status integer NOT NULL,
      body jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, user_id, key),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
    );

    CREATE TABLE notifications (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      kind text NOT NULL,
      title text NOT NULL,
      body text,
      lead_id uuid,
      read_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id)
    );
    CREATE INDEX notifications_user_idx ON notifications (company_id, user_id, id DESC);

    -- The durable job queue. Global like login_throttle: the worker claims due jobs of every company, then
    -- runs each inside that company's tenant transaction. Payloads hold ids only.
    CREATE TABLE jobs (
      id uuid PRIMARY KEY,
      company_id uuid NOT NULL REFERENCES companies (id),
      kind text NOT NULL,
      run_at timestamptz NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}',
      attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      done_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL;
  `.execute(db);
  await createLeadDerivedData(db);

  // The session lookup (0002) also returns the user's partner: a partner user's identity names its organisation.
  await sql`
    DROP FUNCTION app_session_identity(uuid, uuid, uuid);
    CREATE FUNCTION app_session_identity(p_company uuid, p_user uuid, p_session uuid)
    RETURNS TABLE (
      id uuid, email citext, name text, role user_role, manager_id uuid, manager_name text, active boolean,
      created_at timestamptz, updated_at timestamptz, deactivated_at timestamptz,
      session_revoked_at timestamptz, session_expires_at timestamptz,
      company_name text, company_slug text, company_timezone text, company_currency char(3),
      company_locale text, company_phone_country char(2), partner_id uuid, partner_name text
    )
    LANGUAGE plpgsql VOLATILE
    AS $$
    BEGIN
      PERFORM set_config('app.company_id', p_company::text, true);
      RETURN QUERY
        SELECT u.id, u.email, u.name, u.role, u.manager_id, m.name, u.active,
               u.created_at, u.updated_at, u.deactivated_at,
               s.revoked_at, s.expires_at,
               c.name, c.slug, c.timezone, c.currency, c.locale, c.phone_country, u.partner_id, p.name
        FROM users u
        JOIN auth_sessions s ON s.company_id = u.company_id AND s.user_id = u.id
        JOIN companies c ON c.id = u.company_id
        LEFT JOIN users m ON m.company_id = u.company_id AND m.id = u.manager_id
        LEFT JOIN partners p ON p.company_id = u.company_id AND p.id = u.partner_id
        WHERE u.company_id = p_company AND u.id = p_user AND s.id = p_session;
    END
    $$;
    GRANT EXECUTE ON FUNCTION app_session_identity(uuid, uuid, uuid) TO iperform_app;
  `.execute(db);

  // Existing companies get the default pipeline before the table is fenced by row-level security.
  for (const [position, stage] of defaultStages.entries()) {
    await sql`
      INSERT INTO pipeline_stages (company_id, id, key, name, position, kind, required_fields)
      SELECT id, gen_random_uuid(), ${stage.key}, ${stage.name}, ${position}, ${stage.kind}, ${sql.val([...stage.requiredFields])}::text[]
      FROM companies
    `.execute(db);
  }

  for (const table of [
    'pipeline_stages',
    'partners',
    'custom_fields',
    'field_permissions',
    'leads',
    'lead_stage_totals',
    'lead_name_words',
    'lead_stage_history',
    'user_availability',
    'user_leaves',
    'assignment_rules',
    'lead_assignments',
    'lead_notes',
    'saved_views',
    'web_forms',
    'idempotency_keys',
    'notifications',
  ]) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
  await sql`
    GRANT SELECT, INSERT, UPDATE, DELETE ON form_directory, jobs TO iperform_app;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The leads migration cannot be reverted');
}
