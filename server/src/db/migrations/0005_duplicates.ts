import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Duplicate detection: each company's policy per channel and its matching settings; the keys a lead is matched
 * on (e-mails without their plus tag, the name's words in order) kept by a trigger and indexed; the scans that
 * look for duplicates among existing leads, the groups they find (the review queue) and the pairs people
 * dismissed as not duplicates.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE duplicate_settings (
      company_id uuid NOT NULL REFERENCES companies (id),
      policy_ui text NOT NULL DEFAULT 'warn' CHECK (policy_ui IN ('block', 'warn', 'allow')),
      policy_api text NOT NULL DEFAULT 'block' CHECK (policy_api IN ('block', 'warn', 'allow')),
      policy_import text NOT NULL DEFAULT 'block' CHECK (policy_import IN ('block', 'warn', 'allow')),
      -- A public form never refuses a visitor: its leads are created and flagged, never blocked.
      policy_web_form text NOT NULL DEFAULT 'allow' CHECK (policy_web_form IN ('warn', 'allow')),
      policy_integration text NOT NULL DEFAULT 'block' CHECK (policy_integration IN ('block', 'warn', 'allow')),
      name_threshold double precision NOT NULL DEFAULT 0.6 CHECK (name_threshold BETWEEN 0.3 AND 1),
      plus_addressing boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid,
      PRIMARY KEY (company_id),
      FOREIGN KEY (company_id, updated_by) REFERENCES users (company_id, id)
    );

    -- The words of a name, lower-cased, without punctuation, in alphabetical order: "Smith, John" and
    -- "john  smith" have the same key. Imports match names on it (an index lookup, not a fuzzy comparison).
    -- These keys are computed for every lead written (100,000 in an import), so the usual one or two words take
    -- no subquery.
    CREATE FUNCTION lead_name_key(name text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
      n text := btrim(regexp_replace(lower(name), '[^[:alnum:]]+', ' ', 'g'));
    BEGIN
      IF strpos(n, ' ') = 0 THEN
        RETURN n;
      ELSIF split_part(n, ' ', 3) = '' THEN
        RETURN least(split_part(n, ' ', 1), split_part(n, ' ', 2)) || ' ' || greatest(split_part(n, ' ', 1), split_part(n, ' ', 2));
      END IF;
      RETURN array_to_string(ARRAY(SELECT w FROM unnest(string_to_array(n, ' ')) AS w ORDER BY w), ' ');
    END $$;
    -- A company name without punctuation and legal form ("The Acme Co. Pvt Ltd" -> "acme"); null when
    -- nothing is left. Names are compared with it, so "Acme Pvt Ltd" and "ACME Private Limited" are alike.
    CREATE FUNCTION lead_company_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT nullif(array_to_string(ARRAY(
        SELECT w FROM unnest(regexp_split_to_array(lower(name), '[^[:alnum:]]+')) AS w
        WHERE w <> '' AND w <> ALL ('{private,pvt,limited,ltd,llp,llc,inc,incorporated,corp,corporation,co,company,plc,gmbh,the,and}'::text[])
      ), ' '), '')
    $$;
    -- E-mail addresses without their plus tag (a+news@b.com -> a@b.com), for companies that match them as one.
    -- Addresses without a tag (nearly all) are kept as they are (they were lower-cased on the way in).
    CREATE FUNCTION lead_email_keys(emails text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN strpos(array_to_string(emails, ' '), '+') = 0 THEN emails
        ELSE string_to_array(regexp_replace(lower(array_to_string(emails, ' ')), '\\+[^@ ]*@', '@', 'g'), ' ') END
    $$;

    ALTER TABLE leads
      ADD COLUMN email_keys text[] NOT NULL DEFAULT '{}',
      ADD COLUMN name_key text NOT NULL DEFAULT '',
      ADD COLUMN name_digits text NOT NULL DEFAULT '',
      ADD COLUMN company_key text;

    CREATE FUNCTION leads_duplicate_keys() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.email_keys := lead_email_keys(NEW.emails);
      NEW.name_key := lead_name_key(NEW.name);
      NEW.name_digits := regexp_replace(NEW.name, '[^0-9]', '', 'g');
      NEW.company_key := lead_company_key(NEW.company_name);
      RETURN NEW;
    END $$;
    CREATE TRIGGER leads_duplicate_keys
      BEFORE INSERT OR UPDATE OF name, company_name, emails, email_keys, name_key, name_digits, company_key ON leads
      FOR EACH ROW EXECUTE FUNCTION leads_duplicate_keys();

    CREATE INDEX leads_email_keys_idx ON leads USING gin (email_keys);
    CREATE INDEX leads_name_key_idx ON leads (company_id, name_key);
    -- Names with numbers ("Store 12", "Lead 00042") are alike only when their numbers are the same: they are
    -- found by their digits, and the fuzzy index holds only names without any. Otherwise a probe like "Lead 7"
    -- would recheck every one of a hundred thousand "Lead <n>" rows the trigram index returns.
    CREATE INDEX leads_name_fuzzy_idx ON leads USING gin (lower(name) gin_trgm_ops) WHERE name_digits = '';
    CREATE INDEX leads_name_digits_idx ON leads (company_id, name_digits) WHERE name_digits <> '';

    CREATE TABLE duplicate_scans (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      trigger text NOT NULL CHECK (trigger IN ('manual', 'daily', 'seed')),
      requested_by uuid,
      job_id uuid,
      leads_total integer NOT NULL DEFAULT 0,
      leads_done integer NOT NULL DEFAULT 0,
      pairs_found integer NOT NULL DEFAULT 0,
      groups_open integer NOT NULL DEFAULT 0,
      -- Where the fuzzy-name pass is: the last lead id it compared (it runs in chunks, one job each).
      cursor uuid,
      error text,
      created_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, requested_by) REFERENCES users (company_id, id)
    );
    CREATE INDEX duplicate_scans_recent_idx ON duplicate_scans (company_id, created_at DESC);

    -- Two leads a scan found alike on one key; scratch rows of a running scan, removed when it has grouped them.
    CREATE TABLE duplicate_pairs (
      company_id uuid NOT NULL,
      scan_id uuid NOT NULL,
      lead_a uuid NOT NULL,
      lead_b uuid NOT NULL,
      key text NOT NULL CHECK (key IN ('email', 'phone', 'name')),
      score double precision NOT NULL,
      PRIMARY KEY (company_id, scan_id, lead_a, lead_b, key),
      FOREIGN KEY (company_id, scan_id) REFERENCES duplicate_scans (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, lead_a) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, lead_b) REFERENCES leads (company_id, id),
      CHECK (lead_a < lead_b)
    );

    CREATE TABLE duplicate_groups (
      company_id uuid NOT NULL REFERENCES companies (id),
      id uuid NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed')),
      confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
      matched_on text[] NOT NULL DEFAULT '{}',
      -- 'create': flagged when a lead came in alike another; 'scan': found among existing leads.
      origin text NOT NULL CHECK (origin IN ('create', 'scan')),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      resolved_at timestamptz,
      resolved_by uuid,
      PRIMARY KEY (company_id, id),
      FOREIGN KEY (company_id, resolved_by) REFERENCES users (company_id, id)
    );
    CREATE INDEX duplicate_groups_queue_idx ON duplicate_groups (company_id, status, confidence DESC, id DESC);

    CREATE TABLE duplicate_group_members (
      company_id uuid NOT NULL,
      group_id uuid NOT NULL,
      lead_id uuid NOT NULL,
      matched_on text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (company_id, group_id, lead_id),
      FOREIGN KEY (company_id, group_id) REFERENCES duplicate_groups (company_id, id) ON DELETE CASCADE,
      FOREIGN KEY (company_id, lead_id) REFERENCES leads (company_id, id)
    );
    CREATE INDEX duplicate_group_members_lead_idx ON duplicate_group_members (company_id, lead_id);

    -- Pairs a person said are not duplicates: scans and a lead's duplicates panel leave them out.
    CREATE TABLE duplicate_dismissals (
      company_id uuid NOT NULL,
      lead_a uuid NOT NULL,
      lead_b uuid NOT NULL,
      group_id uuid,
      by_user_id uuid,
      at timestamptz NOT NULL,
      PRIMARY KEY (company_id, lead_a, lead_b),
      FOREIGN KEY (company_id, lead_a) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, lead_b) REFERENCES leads (company_id, id),
      FOREIGN KEY (company_id, by_user_id) REFERENCES users (company_id, id),
      CHECK (lead_a < lead_b)
    );
    CREATE INDEX duplicate_dismissals_b_idx ON duplicate_dismissals (company_id, lead_b);

    -- The fuzzy name match (%) may then use the trigram index under row-level security, like search's
    -- operators in 0003; only a superuser may mark it.
    DO $$
    BEGIN
      IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        ALTER FUNCTION similarity_op(text, text) LEAKPROOF;
      END IF;
    END $$;
  `.execute(db);

  // Existing leads get their keys. Row-level security is forced even for the owner: lift it for this update.
  await sql`
    ALTER TABLE leads NO FORCE ROW LEVEL SECURITY;
    UPDATE leads SET name_key = lead_name_key(name), company_key = lead_company_key(company_name),
      name_digits = regexp_replace(name, '[^0-9]', '', 'g'),
      email_keys = lead_email_keys(emails);
    ALTER TABLE leads FORCE ROW LEVEL SECURITY;
  `.execute(db);

  for (const table of [
    'duplicate_settings',
    'duplicate_scans',
    'duplicate_pairs',
    'duplicate_groups',
    'duplicate_group_members',
    'duplicate_dismissals',
  ]) {
    await enableTenantIsolation(db, table, 'company_id');
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO iperform_app`.execute(db);
  }
  await sql`GRANT EXECUTE ON FUNCTION lead_name_key(text), lead_company_key(text), lead_email_keys(text[]) TO iperform_app`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be reverted');
}
