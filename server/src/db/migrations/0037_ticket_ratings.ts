import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Satisfaction ratings of solved tickets: one row per solve whose email carried a rating link. The link's token is
 * never stored, only its SHA-256 (`token_hash`); `solved_at` names the solve the link belongs to (a reopened and
 * solved again ticket gets a new row and link). The customer's first click sets `rating` (good or bad) once, and
 * the page then takes one comment.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ticket_ratings (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
      solved_at timestamptz NOT NULL,
      email_to text NOT NULL CHECK (length(email_to) BETWEEN 3 AND 254),
      issued_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      rating text CHECK (rating IN ('good', 'bad')),
      rated_at timestamptz,
      comment text CHECK (length(comment) BETWEEN 1 AND 2000),
      commented_at timestamptz,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, token_hash),
      FOREIGN KEY (company_id, ticket_id) REFERENCES tickets (company_id, id) ON DELETE CASCADE,
      CHECK ((rating IS NULL) = (rated_at IS NULL)),
      CHECK ((comment IS NULL) = (commented_at IS NULL)),
      CHECK (comment IS NULL OR rating IS NOT NULL)
    );
    CREATE INDEX ticket_ratings_ticket_idx ON ticket_ratings (company_id, ticket_id, rated_at DESC NULLS LAST);
  `.execute(db);
  await enableTenantIsolation(db, 'ticket_ratings', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ticket_ratings TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The ticket ratings migration cannot be reverted');
}
