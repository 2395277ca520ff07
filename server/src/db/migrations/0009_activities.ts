import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Activities on leads (follow-ups, logged calls, meetings, notes) with the state their reminder and missed
 * jobs check, and each user's reminder preferences. Login activity reads the existing auth tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE activities (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      lead_id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('follow_up', 'call', 'meeting', 'note')),
      -- How a follow-up is to be done; only follow-ups have one.
      channel text CHECK (channel IN ('call', 'meeting', 'demo', 'site_visit', 'email', 'whatsapp', 'other')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled', 'missed')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      notes text CHECK (length(notes) <= 10000),
      outcome text CHECK (length(outcome) <= 2000),
      location text CHECK (length(location) <= 300),
      call_direction text CHECK (call_direction IN ('in', 'out')),
      call_result text CHECK (call_result IN ('connected', 'no_answer', 'busy', 'voicemail', 'wrong_number', 'other')),
      duration_seconds integer CHECK (duration_seconds BETWEEN 0 AND 86400),
      assignee_id uuid NOT NULL,
      -- When it is due (follow-ups, meetings) or when it happened (calls, notes).
      due_at timestamptz NOT NULL,
      -- Minutes before due_at to remind the assignee; null: the assignee's preference.
      reminder_minutes integer CHECK (reminder_minutes BETWEEN 0 AND 10080),
      -- The one reminder still to deliver: a reminder job delivers only while this equals the time it was
      -- planned for, and clears it in the same transaction, so a moved or closed activity is never reminded
      -- and a reminder is never delivered twice.
      remind_at timestamptz,
      reminded_at timestamptz,
      missed_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      completed_at timestamptz,
      completed_by uuid,
      cancelled_at timestamptz,
      cancelled_by uuid,
      -- The activity whose completion scheduled this one (no foreign key: merges and purges move rows by lead).
      previous_id uuid,
      version integer NOT NULL DEFAULT 1,
      -- Where it sits on the lead's timeline: when it was closed, else when it was entered.
      timeline_at timestamptz GENERATED ALWAYS AS (coalesce(completed_at, cancelled_at, missed_at, created_at)) STORED,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, assignee_id) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, created_by) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, completed_by) REFERENCES users (company_id, id),
      FOREIGN KEY (company_id, cancelled_by) REFERENCES users (company_id, id),
      CHECK (channel IS NULL OR type = 'follow_up'),
      CHECK (type = 'call' OR (call_direction IS NULL AND call_result IS NULL)),
      CHECK ((status = 'done') = (completed_at IS NOT NULL)),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
      CHECK (status = 'open' OR remind_at IS NULL)
    );
    CREATE INDEX activities_lead_idx ON activities (company_id, lead_id, timeline_at DESC, id DESC);
    CREATE INDEX activities_assignee_due_idx ON activities (company_id, assignee_id, due_at, id);
    CREATE INDEX activities_due_idx ON activities (company_id, due_at, id);
    CREATE INDEX activities_open_lead_idx ON activities (company_id, lead_id)
      WHERE status IN ('open', 'missed') AND type IN ('follow_up', 'meeting');

    CREATE TABLE notification_preferences (
      company_id uuid NOT NULL,
      user_id uuid NOT NULL,
      reminder_channel text NOT NULL DEFAULT 'in_app' CHECK (reminder_channel IN ('in_app', 'email', 'both')),
      reminder_minutes_before integer NOT NULL DEFAULT 15 CHECK (reminder_minutes_before BETWEEN 0 AND 10080),
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, user_id),
      FOREIGN KEY (company_id, user_id) REFERENCES users (company_id, id)
    );

    -- Login history and "who is active" read sessions by user, most recently used first.
    CREATE INDEX auth_sessions_last_used_idx ON auth_sessions (company_id, user_id, last_used_at DESC);
  `.execute(db);
  for (const table of ['activities', 'notification_preferences']) {
    await enableTenantIsolation(db, table, 'company_id');
  }
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON activities, notification_preferences TO iperform_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The activities migration cannot be reverted');
}
