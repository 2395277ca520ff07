import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Scheduled reports: a report (pre-built key or saved report id) sent daily, weekly or monthly at a time of day
 * of the company's zone to some of the company's users, each receiving the report as they themselves may see
 * it. And files attached to system emails (the scheduled report's CSV or XLSX), kept beside the message until
 * it is sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE report_schedules (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      owner_id uuid NOT NULL,
      report text NOT NULL CHECK (length(report) BETWEEN 1 AND 80),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
      -- HH:MM on the company's wall clock.
      time_of_day text NOT NULL CHECK (time_of_day ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      -- ISO weekday (1 Monday .. 7 Sunday) of a weekly schedule; day of the month (1-28) of a monthly one.
      weekday smallint CHECK (weekday BETWEEN 1 AND 7),
      day_of_month smallint CHECK (day_of_month BETWEEN 1 AND 28),
      -- A range preset of the reports (yesterday, lastWeek, lastMonth, all, ...), counted on the day it runs.
      range_preset text NOT NULL CHECK (length(range_preset) BETWEEN 1 AND 40),
      recipients uuid[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 50),
      format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
      active boolean NOT NULL DEFAULT true,
      -- Where the emailed link points when PUBLIC_URL is not set: the address the schedule was saved through.
      link_base_url text,
      next_run_at timestamptz NOT NULL,
      last_run_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, owner_id) REFERENCES users (company_id, id),
      CHECK ((frequency = 'weekly') = (weekday IS NOT NULL)),
      CHECK ((frequency = 'monthly') = (day_of_month IS NOT NULL))
    );
    CREATE INDEX report_schedules_owner_idx ON report_schedules (company_id, owner_id);
    CREATE INDEX report_schedules_due_idx ON report_schedules (company_id, next_run_at) WHERE active;

    CREATE TABLE email_attachments (
      company_id uuid NOT NULL,
      message_id uuid NOT NULL,
      position smallint NOT NULL CHECK (position >= 0),
      filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
      content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 255),
      content bytea NOT NULL,
      PRIMARY KEY (company_id, message_id, position),
      FOREIGN KEY (company_id, message_id) REFERENCES email_messages (company_id, id) ON DELETE CASCADE
    );
  `.execute(db);
  for (const table of ['report_schedules', 'email_attachments']) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The report schedules migration cannot be reverted');
}
