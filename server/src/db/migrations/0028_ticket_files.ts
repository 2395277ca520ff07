import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Files attached to a support ticket: `files.ticket_id`, tied to the ticket inside its company. A file has at most
 * one place (a folder, a lead or a ticket; none: the company's root), and live names are unique per place, the
 * ticket included. A reply or note of the ticket's thread may point at files of the ticket
 * (`ticket_message_files`); the link goes with the message or the file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE files ADD COLUMN ticket_id uuid;
    ALTER TABLE files ADD CONSTRAINT files_ticket_fk
      FOREIGN KEY (company_id, ticket_id) REFERENCES tickets (company_id, id);
    ALTER TABLE files DROP CONSTRAINT files_check;
    ALTER TABLE files ADD CONSTRAINT files_one_place_check
      CHECK (num_nonnulls(folder_id, lead_id, ticket_id) <= 1);
    DROP INDEX files_live_name_uq;
    CREATE UNIQUE INDEX files_live_name_uq ON files (company_id, folder_id, lead_id, ticket_id, lower(name))
      NULLS NOT DISTINCT WHERE deleted_at IS NULL;
    CREATE INDEX files_ticket_idx ON files (company_id, ticket_id) WHERE ticket_id IS NOT NULL;

    CREATE TABLE ticket_message_files (
      company_id uuid NOT NULL,
      message_id uuid NOT NULL,
      file_id uuid NOT NULL,
      PRIMARY KEY (company_id, message_id, file_id),
      FOREIGN KEY (company_id, message_id) REFERENCES ticket_messages (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, file_id) REFERENCES files (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX ticket_message_files_file_idx ON ticket_message_files (company_id, file_id);
  `.execute(db);
  await enableTenantIsolation(db, 'ticket_message_files', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ticket_message_files TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The ticket files migration cannot be reverted');
}
