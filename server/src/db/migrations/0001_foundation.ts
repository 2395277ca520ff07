import { type Kysely, sql } from 'kysely';

/**
 * Foundation schema: tenants, users and their hierarchy, auth sessions and refresh tokens, API keys,
 * auth events, audit log. Every tenant table leads its keys with company_id and is guarded by RLS.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iperform_app') THEN
        CREATE ROLE iperform_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$;
  `.execute(db);
  await sql`DO $$ BEGIN
      IF NOT pg_has_role(current_user, 'iperform_app', 'MEMBER') THEN
        EXECUTE format('GRANT iperform_app TO %I', current_user);
      END IF;
    END $$;`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS citext`.execute(db);

  await sql`
    CREATE FUNCTION app_current_company() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.company_id', true), '')::uuid $$;

    CREATE TYPE user_role AS ENUM (
      'ADMIN', 'MANAGER', 'SALESPERSON', 'WARRIOR', 'COSALES', 'CUSTOMER_SUCCESS',
      'PARTNER', 'INTEGRATION', 'DEV', 'GUEST'
    );

    CREATE TABLE companies (
      id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      timezone text NOT NULL DEFAULT 'UTC',
      currency char(3) NOT NULL DEFAULT 'USD',
      locale text NOT NULL DEFAULT 'en-US',
      phone_country char(2) NOT NULL DEFAULT 'US',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      email citext NOT NULL,
      name text NOT NULL,
      role user_role NOT NULL,
      manager_id uuid,
      password_hash text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      deactivated_at timestamptz,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, email),
      FOREIGN KEY (company_id, manager_id) REFERENCES users (company_id, id),
      CHECK (manager_id IS NULL OR manager_id <> id)
    );
    CREATE INDEX users_manager_idx ON users (company_id, manager_id);
    CREATE INDEX users_name_idx ON users (company_id, lower(name), id);

    -- Logins arrive before we know the tenant: this directory maps a (globally unique) email to its company.
    CREATE TABLE user_directory (
      email citext PRIMARY KEY,
      company_id uuid NOT NULL,
      user_id uuid NOT NULL,
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id) DEFERRABLE INITIALLY DEFERRED
    );

    -- Failed-login counters per account and per client address; global because attempts precede the tenant.
    CREATE TABLE login_throttle (
      key text PRIMARY KEY,
      failures integer NOT NULL DEFAULT 0,
      window_started_at timestamptz NOT NULL,
      locked_until timestamptz
    );

    CREATE TABLE auth_sessions (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      ip text,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason text,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX auth_sessions_user_idx ON auth_sessions (company_id, user_id, created_at DESC);

    CREATE TABLE refresh_tokens (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      session_id uuid NOT NULL,
      token_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      used_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, session_id) REFERENCES auth_sessions (company_id, id)
    );
    CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (company_id, session_id);

    CREATE TABLE api_keys (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      name text NOT NULL,
      prefix text NOT NULL,
      key_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX api_keys_user_idx ON api_keys (company_id, user_id);

    CREATE TABLE auth_events (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid,
      session_id uuid,
      event text NOT NULL,
      outcome text NOT NULL,
      ip text,
      user_agent text,
      detail jsonb,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX auth_events_user_idx ON auth_events (company_id, user_id, at DESC);

    CREATE TABLE audit_log (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      actor_user_id uuid,
      actor_api_key_id uuid,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id uuid,
      changes jsonb,
      request_id text,
      ip text,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, actor_user_id) REFERENCES users (company_id, id)
    );
    CREATE INDEX audit_log_entity_idx ON audit_log (company_id, entity_type, entity_id, id DESC);
    CREATE INDEX audit_log_actor_idx ON audit_log (company_id, actor_user_id, id DESC);
  `.execute(db);

  for (const table of ['users', 'auth_sessions', 'refresh_tokens', 'api_keys', 'auth_events', 'audit_log']) {
    await enableTenantIsolation(db, table, 'company_id');
  }
  await enableTenantIsolation(db, 'companies', 'id');

  await sql`
    GRANT USAGE ON SCHEMA public TO iperform_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO iperform_app;
    REVOKE ALL ON kysely_migration, kysely_migration_lock FROM iperform_app;
    GRANT SELECT ON kysely_migration TO iperform_app;
    GRANT EXECUTE ON FUNCTION app_current_company() TO iperform_app;
  `.execute(db);
}

/** RLS on, forced even for the owner; rows are visible and writable only inside their tenant's transaction. */
export async function enableTenantIsolation(db: Kysely<unknown>, table: string, column: string): Promise<void> {
  await sql`
    ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (${sql.ref(column)} = app_current_company())
      WITH CHECK (${sql.ref(column)} = app_current_company());
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The foundation migration cannot be reverted');
}
