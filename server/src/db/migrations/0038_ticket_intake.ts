import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Tickets that customers open themselves: the public support form (one per company, found by its public key in
 * `support_form_directory`, the one global table here) and the support mailbox read over IMAP (its server, the
 * sealed password, the folder, the last UID read under the folder's UIDVALIDITY). Messages the mailbox could not
 * turn into tickets are kept aside in `ticket_mailbox_rejects`; every email taken in is remembered by its
 * Message-ID in `ticket_inbound_emails`, so a second delivery is ignored and a reply to it finds its ticket.
 * A customer's message in a thread has no author among the users: `from_name`/`from_email` say who wrote it, and
 * `email_message_id` keeps the Message-ID of an emailed reply or of a received email.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ticket_support_forms (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      enabled boolean NOT NULL,
      acting_user_id uuid NOT NULL,
      thank_you text NOT NULL CHECK (length(thank_you) BETWEEN 1 AND 1000),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id),
      FOREIGN KEY (company_id, acting_user_id) REFERENCES users (company_id, id)
    );
    -- Public submissions arrive before the tenant is known: the form's key names its company here.
    CREATE TABLE support_form_directory (
      form_key uuid PRIMARY KEY,
      company_id uuid NOT NULL,
      FOREIGN KEY (company_id, form_key) REFERENCES ticket_support_forms (company_id, id) DEFERRABLE INITIALLY DEFERRED
    );

    CREATE TABLE ticket_mailboxes (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      host text NOT NULL CHECK (length(host) BETWEEN 1 AND 255),
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      security text NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
      username text NOT NULL CHECK (length(username) BETWEEN 1 AND 255),
      password_sealed text NOT NULL,
      folder text NOT NULL DEFAULT 'INBOX' CHECK (length(folder) BETWEEN 1 AND 255),
      enabled boolean NOT NULL,
      acting_user_id uuid NOT NULL,
      uid_validity bigint,
      last_uid bigint NOT NULL DEFAULT 0,
      last_polled_at timestamptz,
      last_error text,
      last_error_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id),
      FOREIGN KEY (company_id, acting_user_id) REFERENCES users (company_id, id)
    );

    CREATE TABLE ticket_mailbox_rejects (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      uid bigint NOT NULL,
      uid_validity bigint NOT NULL,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
      raw_size integer NOT NULL CHECK (raw_size >= 0),
      from_address text,
      subject text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      UNIQUE (company_id, uid_validity, uid)
    );
    CREATE INDEX ticket_mailbox_rejects_at_idx ON ticket_mailbox_rejects (company_id, created_at DESC);

    CREATE TABLE ticket_inbound_emails (
      company_id uuid NOT NULL,
      message_id text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 998),
      ticket_id uuid NOT NULL,
      opened_ticket boolean NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, message_id),
      FOREIGN KEY (company_id, ticket_id) REFERENCES tickets (company_id, id) ON DELETE CASCADE
    );

    ALTER TABLE ticket_messages
      ALTER COLUMN author_id DROP NOT NULL,
      ADD COLUMN from_name text CHECK (length(from_name) BETWEEN 1 AND 200),
      ADD COLUMN from_email text CHECK (length(from_email) BETWEEN 3 AND 254),
      ADD COLUMN email_message_id text CHECK (length(email_message_id) BETWEEN 1 AND 998),
      ADD CONSTRAINT ticket_messages_author_or_sender CHECK (author_id IS NOT NULL OR from_email IS NOT NULL);
    CREATE INDEX ticket_messages_email_message_idx ON ticket_messages (company_id, email_message_id)
      WHERE email_message_id IS NOT NULL;

    ALTER TABLE tickets ADD COLUMN channel text NOT NULL DEFAULT 'agent'
      CHECK (channel IN ('agent', 'support_form', 'email'));
  `.execute(db);
  for (const table of ['ticket_support_forms', 'ticket_mailboxes', 'ticket_mailbox_rejects', 'ticket_inbound_emails']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON support_form_directory TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The ticket intake migration cannot be reverted');
}
