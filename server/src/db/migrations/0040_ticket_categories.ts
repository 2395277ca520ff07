import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * The company's ticket categories, kept by an admin: a stable key (what tickets store in `category`), a label
 * shown to people, and whether it is still offered (`active`; a retired category stays on the tickets that have
 * it). `position` is the order of the list. While a company has no categories, a ticket's category is free text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ticket_categories (
      company_id uuid NOT NULL REFERENCES companies (id),
      key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,59}$'),
      label text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
      active boolean NOT NULL DEFAULT true,
      position integer NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, key)
    );
  `.execute(db);
  await enableTenantIsolation(db, 'ticket_categories', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ticket_categories TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The ticket categories migration cannot be reverted');
}
