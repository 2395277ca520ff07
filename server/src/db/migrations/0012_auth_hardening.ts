import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Request rate limits shared by every process on the database (fixed windows, one row per bucket and caller),
 * and password reset tokens (only their hash is stored; each works once and expires).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Global, like login_throttle: limits are counted before the tenant is known (addresses, unknown keys).
    -- Unlogged: a request's count is written on every authenticated call, and a counter lost in a crash only
    -- forgives a minute of requests, so it skips the write-ahead log (and its flush at every commit).
    CREATE UNLOGGED TABLE rate_limits (
      bucket text NOT NULL,
      key text NOT NULL,
      window_started_at timestamptz NOT NULL,
      hits integer NOT NULL,
      PRIMARY KEY (bucket, key)
    );
    CREATE INDEX rate_limits_window_idx ON rate_limits (window_started_at);

    -- Sign-in attempts being checked right now: with the failures they never exceed the limit (see
    -- reserveAttempt in auth.repository.ts), so a burst of parallel guesses cannot all be checked.
    ALTER TABLE login_throttle ADD COLUMN pending integer NOT NULL DEFAULT 0;

    CREATE TABLE password_resets (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      token_hash text NOT NULL,
      -- Null when the user asked for it by email; the admin who issued the link otherwise.
      issued_by uuid,
      ip text,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, issued_by) REFERENCES users (company_id, id)
    );
    CREATE INDEX password_resets_user_idx ON password_resets (company_id, user_id) WHERE used_at IS NULL;
  `.execute(db);
  await enableTenantIsolation(db, 'password_resets', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits, password_resets TO iperform_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE password_resets; DROP TABLE rate_limits; ALTER TABLE login_throttle DROP COLUMN pending`.execute(
    db,
  );
}
