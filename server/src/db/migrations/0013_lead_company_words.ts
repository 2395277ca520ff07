import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001_foundation.ts';

/**
 * Typo-tolerant search reaches company names too ("Kalyani Precison" finds Kalyani Precision): a dictionary of
 * the words of leads' company names, kept like the dictionary of name words (lead_name_words), filled from the
 * leads already there, and a trigram index on company names to find the leads holding a near word.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Every word ever used in a lead's company name, per company; never removed, like lead_name_words.
    CREATE TABLE lead_company_words (
      company_id uuid NOT NULL,
      word text NOT NULL,
      PRIMARY KEY (company_id, word)
    );
    CREATE INDEX lead_company_words_trgm_idx ON lead_company_words USING gin (word gin_trgm_ops);
    CREATE INDEX leads_company_trgm_idx ON leads USING gin (lower(company_name) gin_trgm_ops);

    CREATE FUNCTION leads_company_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_company_words (company_id, word)
        SELECT DISTINCT n.company_id, w.word
        FROM new_leads n, regexp_split_to_table(lower(n.company_name), '[[:space:]]+') AS w(word)
        WHERE n.company_name IS NOT NULL AND w.word <> '' ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
      ELSE
        INSERT INTO lead_company_words (company_id, word)
        SELECT DISTINCT n.company_id, w.word
        FROM new_leads n JOIN old_leads o ON o.company_id = n.company_id AND o.id = n.id
            AND o.company_name IS DISTINCT FROM n.company_name,
          regexp_split_to_table(lower(n.company_name), '[[:space:]]+') AS w(word)
        WHERE n.company_name IS NOT NULL AND w.word <> '' ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER leads_company_words_insert AFTER INSERT ON leads REFERENCING NEW TABLE AS new_leads
      FOR EACH STATEMENT EXECUTE FUNCTION leads_company_words();
    CREATE TRIGGER leads_company_words_update AFTER UPDATE ON leads
      REFERENCING OLD TABLE AS old_leads NEW TABLE AS new_leads
      FOR EACH STATEMENT EXECUTE FUNCTION leads_company_words();
  `.execute(db);
  await enableTenantIsolation(db, 'lead_company_words', 'company_id');
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON lead_company_words TO iperform_app`.execute(db);

  await backfillCompanyWords(db);
}

/**
 * The words of the company names of the leads already there, one tenant at a time (row-level security is forced
 * even for the owner). The global user directory names every company with a user, whoever runs this; companies
 * too when it may read them. Adding a word twice does nothing.
 */
export async function backfillCompanyWords(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$
    DECLARE c uuid;
    BEGIN
      FOR c IN SELECT company_id FROM user_directory UNION SELECT id FROM companies LOOP
        PERFORM set_config('app.company_id', c::text, true);
        INSERT INTO lead_company_words (company_id, word)
        SELECT DISTINCT l.company_id, w.word
        FROM leads l, regexp_split_to_table(lower(l.company_name), '[[:space:]]+') AS w(word)
        WHERE l.company_id = c AND l.company_name IS NOT NULL AND w.word <> '' ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
      END LOOP;
      PERFORM set_config('app.company_id', '', true);
    END $$;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The company words migration cannot be reverted');
}
