import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Outgoing email: each company's SMTP server (its password sealed), the key its tracking links are signed
 * with, templates (company-wide or personal), each user's signature, the messages sent (to a lead, or a
 * system email to a user) with their delivery state, and the opens and clicks they received.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE email_settings (
      company_id uuid NOT NULL REFERENCES companies (id),
      host text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      security text NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
      username text CHECK (length(username) BETWEEN 1 AND 320),
      -- AES-256-GCM sealed with the server's secrets key, bound to the company (lib/secret-box.ts).
      password_sealed text,
      from_name text NOT NULL CHECK (length(from_name) BETWEEN 1 AND 120),
      from_address citext NOT NULL,
      reply_to citext,
      track_opens boolean NOT NULL DEFAULT true,
      track_clicks boolean NOT NULL DEFAULT true,
      updated_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id),
      FOREIGN KEY (company_id, updated_by) REFERENCES users (company_id, id)
    );

    -- Kept apart from the settings: links in mail already sent keep working when the settings are removed.
    CREATE TABLE email_tracking_keys (
      company_id uuid NOT NULL REFERENCES companies (id),
      key_sealed text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id)
    );

    CREATE TABLE email_signatures (
      company_id uuid NOT NULL,
      user_id uuid NOT NULL,
      phone text CHECK (length(phone) <= 40),
      html text CHECK (length(html) <= 10000),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, user_id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
    );

    CREATE TABLE email_templates (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      scope text NOT NULL CHECK (scope IN ('company', 'personal')),
      -- The creator of a personal template, the only one who sees it; null for company templates.
      owner_id uuid,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
      html text CHECK (length(html) <= 200000),
      text text CHECK (length(text) <= 200000),
      created_by uuid,
      updated_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, updated_by) REFERENCES users (company_id, id),
      CHECK ((scope = 'personal') = (owner_id IS NOT NULL)),
      CHECK (html IS NOT NULL OR text IS NOT NULL)
    );
    CREATE UNIQUE INDEX email_templates_name_idx ON email_templates (company_id, owner_id, lower(name)) NULLS NOT DISTINCT;

    CREATE TABLE email_messages (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      -- 'lead': sent to a lead, on its timeline; 'system': to one of our users (reminders), on no timeline.
      purpose text NOT NULL CHECK (purpose IN ('lead', 'system')),
      lead_id uuid,
      to_user_id uuid,
      sender_id uuid,
      -- Null on a system email recorded as failed because no server was set up.
      from_name text,
      from_address citext,
      reply_to citext,
      to_addresses text[] NOT NULL CHECK (cardinality(to_addresses) BETWEEN 1 AND 50),
      cc_addresses text[] NOT NULL DEFAULT '{}',
      bcc_addresses text[] NOT NULL DEFAULT '{}',
      subject text NOT NULL,
      html text,
      text text NOT NULL,
      template_id uuid,
      template_name text,
      status text NOT NULL CHECK (status IN ('queued', 'sending', 'retrying', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      error_code text,
      last_error text,
      last_reply text,
      smtp_message_id text NOT NULL,
      -- The pending send job, so a retry can bring it forward instead of queueing a second one.
      job_id uuid,
      next_attempt_at timestamptz,
      track_opens boolean NOT NULL DEFAULT false,
      track_clicks boolean NOT NULL DEFAULT false,
      tracking_base_url text,
      -- The original targets of the rewritten links, by position, with their click counts.
      links jsonb NOT NULL DEFAULT '[]',
      open_count integer NOT NULL DEFAULT 0,
      first_opened_at timestamptz,
      last_opened_at timestamptz,
      click_count integer NOT NULL DEFAULT 0,
      first_clicked_at timestamptz,
      last_clicked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      failed_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, to_user_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, sender_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, template_id) REFERENCES email_templates (company_id, id) ON DELETE SET NULL (template_id),
      CHECK ((purpose = 'lead') = (lead_id IS NOT NULL))
    );
    CREATE INDEX email_messages_lead_idx ON email_messages (company_id, lead_id, created_at DESC, id DESC)
      WHERE lead_id IS NOT NULL;
    CREATE INDEX email_messages_created_idx ON email_messages (company_id, created_at DESC, id DESC);
    CREATE INDEX email_messages_sender_idx ON email_messages (company_id, sender_id, created_at DESC);
    CREATE INDEX email_messages_pending_idx ON email_messages (company_id, status)
      WHERE status IN ('queued', 'sending', 'retrying', 'failed');

    -- Every open and click, for the timeline and for reports; the recipient's address is not kept.
    CREATE TABLE email_events (
      company_id uuid NOT NULL,
      id uuid NOT NULL,
      message_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('open', 'click')),
      -- The message's first open, or the first click on that link: what the timeline shows.
      first boolean NOT NULL,
      link_index integer,
      url text,
      user_agent text,
      at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, message_id) REFERENCES email_messages (company_id, id) ON DELETE CASCADE
    );
    CREATE INDEX email_events_message_idx ON email_events (company_id, message_id, at DESC, id DESC);
    CREATE INDEX email_events_at_idx ON email_events (company_id, at);
  `.execute(db);
  for (const table of [
    'email_settings',
    'email_tracking_keys',
    'email_signatures',
    'email_templates',
    'email_messages',
    'email_events',
  ]) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The email migration cannot be reverted');
}
