import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Support tickets: a customer's request (usually a won lead's), its thread of public replies and internal
 * notes, and its SLA clocks (due times stored on the ticket, warnings and breaches stamped once each). The
 * human reference (T-1001) is counted per company in `ticket_sequences`, one row per company locked by the insert.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ticket_sequences (
      company_id uuid NOT NULL REFERENCES companies (id),
      last_number integer NOT NULL CHECK (last_number >= 1000),
      PRIMARY KEY (company_id)
    );

    CREATE TABLE tickets (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      number integer NOT NULL CHECK (number > 1000),
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
      description text NOT NULL CHECK (length(description) <= 20000),
      lead_id uuid,
      requester_name text CHECK (length(requester_name) BETWEEN 1 AND 200),
      requester_email text CHECK (length(requester_email) BETWEEN 3 AND 254),
      priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
      status text NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
      category text CHECK (length(category) BETWEEN 1 AND 60),
      assignee_id uuid,
      tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
      version integer NOT NULL DEFAULT 1,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      first_response_due_at timestamptz NOT NULL,
      resolution_due_at timestamptz NOT NULL,
      first_responded_at timestamptz,
      solved_at timestamptz,
      closed_at timestamptz,
      first_response_warned_at timestamptz,
      first_response_breached_at timestamptz,
      resolution_warned_at timestamptz,
      resolution_breached_at timestamptz,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, number),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, assignee_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id)
    );
    CREATE INDEX tickets_list_idx ON tickets (company_id, created_at DESC, id DESC);
    CREATE INDEX tickets_lead_idx ON tickets (company_id, lead_id) WHERE lead_id IS NOT NULL;
    CREATE INDEX tickets_assignee_idx ON tickets (company_id, assignee_id, status);

    CREATE TABLE ticket_messages (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      author_id uuid NOT NULL,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
      internal boolean NOT NULL,
      -- A public reply to a ticket with a requester email is emailed: null for notes and replies with no address.
      email_to text,
      email_status text CHECK (email_status IN ('queued', 'sent', 'failed')),
      email_error text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, ticket_id) REFERENCES tickets (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, author_id) REFERENCES users (company_id, id),
      CHECK (NOT internal OR email_status IS NULL)
    );
    CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (company_id, ticket_id, created_at, id);
  `.execute(db);
  for (const table of ['ticket_sequences', 'tickets', 'ticket_messages']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The tickets migration cannot be reverted');
}
