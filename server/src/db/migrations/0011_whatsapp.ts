import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * WhatsApp Business (Cloud API): each company's connection (its secrets sealed), the messages exchanged with
 * its leads and the delivery statuses that arrived before the message they describe was known.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE whatsapp_settings (
      company_id uuid NOT NULL REFERENCES companies (id),
      phone_number_id text NOT NULL CHECK (phone_number_id ~ '^[0-9]{1,32}$'),
      waba_id text CHECK (waba_id ~ '^[0-9]{1,32}$'),
      -- Sealed with the server's secrets key (lib/secret-box.ts), bound to the company: never stored in clear.
      access_token_sealed text NOT NULL,
      app_secret_sealed text NOT NULL,
      verify_token_sealed text NOT NULL,
      api_base_url text NOT NULL,
      create_leads_from_unknown boolean NOT NULL DEFAULT false,
      updated_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id),
      UNIQUE (company_id, phone_number_id),
      FOREIGN KEY (company_id, updated_by) REFERENCES users (company_id, id)
    );

    -- Webhooks arrive at one URL for every company, before the tenant is known: the payload's phone number id
    -- (and, for the subscription challenge, the verify token's hash) names the company here.
    CREATE TABLE whatsapp_directory (
      phone_number_id text PRIMARY KEY,
      company_id uuid NOT NULL UNIQUE,
      verify_token_hash text NOT NULL,
      FOREIGN KEY (company_id, phone_number_id) REFERENCES whatsapp_settings (company_id, phone_number_id)
        DEFERRABLE INITIALLY DEFERRED
    );
    CREATE INDEX whatsapp_directory_verify_idx ON whatsapp_directory (verify_token_hash);

    CREATE TABLE whatsapp_messages (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      -- null: an inbound message from a number no lead has, kept until someone attaches it.
      lead_id uuid,
      direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
      -- The customer's number (E.164) and the company's sending number id.
      phone text NOT NULL,
      phone_number_id text,
      type text NOT NULL CHECK (type ~ '^[a-z_]{1,40}$'),
      body text,
      template_name text,
      template_language text,
      template_params text[] NOT NULL DEFAULT '{}',
      contact_name text,
      -- An inbound message's typed part (media id, location, ...) as WhatsApp sent it.
      content jsonb,
      wamid text,
      status text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'received')),
      error_code integer,
      error_title text,
      error_detail text,
      attempts integer NOT NULL DEFAULT 0,
      sent_by uuid,
      -- When it happened: queued (outbound) or sent by the customer (inbound, WhatsApp's own timestamp).
      at timestamptz NOT NULL,
      sent_at timestamptz,
      delivered_at timestamptz,
      read_at timestamptz,
      failed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      -- One row per WhatsApp message id: a redelivered webhook finds its message instead of adding another.
      UNIQUE (company_id, wamid),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, sent_by) REFERENCES users (company_id, id),
      CHECK ((direction = 'inbound') = (status = 'received'))
    );
    CREATE INDEX whatsapp_messages_lead_idx ON whatsapp_messages (company_id, lead_id, at DESC, id DESC);
    CREATE INDEX whatsapp_messages_unattached_idx ON whatsapp_messages (company_id, phone, at DESC)
      WHERE lead_id IS NULL;

    -- A status can overtake the send that produced its message id: it waits here until the id is stored.
    CREATE TABLE whatsapp_pending_statuses (
      company_id uuid NOT NULL REFERENCES companies (id),
      wamid text NOT NULL,
      status text NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
      at timestamptz NOT NULL,
      error_code integer,
      error_title text,
      error_detail text,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, wamid, status)
    );
    CREATE INDEX whatsapp_pending_statuses_received_idx ON whatsapp_pending_statuses (company_id, received_at);
  `.execute(db);

  for (const table of ['whatsapp_settings', 'whatsapp_messages', 'whatsapp_pending_statuses']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON whatsapp_directory TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The WhatsApp migration cannot be reverted');
}
