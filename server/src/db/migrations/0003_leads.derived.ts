import { type Kysely, sql } from 'kysely';

/**
 * What migration 0003 derives from the leads table and keeps up to date with triggers: the lower-cased search
 * text, the stage totals the board counts from, and the dictionary of name words typo-tolerant search looks
 * up; and the LEAKPROOF marks that let the planner use the search indexes under row-level security.
 */
export async function createLeadDerivedData(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION leads_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_text := lower(concat_ws(' ', NEW.name, NEW.company_name,
        array_to_string(NEW.emails, ' '),
        regexp_replace(array_to_string(NEW.phones, ' '), '[^0-9 ]', '', 'g')));
      RETURN NEW;
    END $$;
    CREATE TRIGGER leads_search_text BEFORE INSERT OR UPDATE OF name, company_name, emails, phones ON leads
      FOR EACH ROW EXECUTE FUNCTION leads_search_text();

    -- The board's column totals per owner and stage, kept exact as leads change, so counting a million leads
    -- reads a few hundred rows. Derived from leads alone (no foreign keys: it follows whatever leads hold).
    CREATE TABLE lead_stage_totals (
      company_id uuid NOT NULL,
      stage text NOT NULL,
      owner_id uuid,
      lead_count bigint NOT NULL DEFAULT 0,
      value_sum numeric NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX lead_stage_totals_key ON lead_stage_totals (company_id, stage, owner_id) NULLS NOT DISTINCT;

    -- Statement-level, over the transition tables: a bulk insert of 100,000 leads applies one grouped delta per
    -- owner and stage; an update that moves no stage, owner or value nets to nothing and writes nothing. Keys are
    -- applied in order so concurrent writers lock the counter rows in the same order.
    CREATE FUNCTION leads_stage_totals() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_stage_totals AS t (company_id, stage, owner_id, lead_count, value_sum)
        SELECT n.company_id, n.stage, n.owner_id, count(*), coalesce(sum(n.expected_value), 0)
        FROM new_leads n GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, stage, owner_id) DO UPDATE
          SET lead_count = t.lead_count + EXCLUDED.lead_count, value_sum = t.value_sum + EXCLUDED.value_sum;
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO lead_stage_totals AS t (company_id, stage, owner_id, lead_count, value_sum)
        SELECT d.company_id, d.stage, d.owner_id, sum(d.n), coalesce(sum(d.v), 0)
        FROM (
          SELECT n.company_id, n.stage, n.owner_id, 1 AS n, n.expected_value AS v FROM new_leads n
          UNION ALL
          SELECT o.company_id, o.stage, o.owner_id, -1, -o.expected_value FROM old_leads o
        ) d
        GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 OR coalesce(sum(d.v), 0) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, stage, owner_id) DO UPDATE
          SET lead_count = t.lead_count + EXCLUDED.lead_count, value_sum = t.value_sum + EXCLUDED.value_sum;
      ELSE
        INSERT INTO lead_stage_totals AS t (company_id, stage, owner_id, lead_count, value_sum)
        SELECT o.company_id, o.stage, o.owner_id, -count(*), -coalesce(sum(o.expected_value), 0)
        FROM old_leads o GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, stage, owner_id) DO UPDATE
          SET lead_count = t.lead_count + EXCLUDED.lead_count, value_sum = t.value_sum + EXCLUDED.value_sum;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER leads_stage_totals_insert AFTER INSERT ON leads REFERENCING NEW TABLE AS new_leads
      FOR EACH STATEMENT EXECUTE FUNCTION leads_stage_totals();
    CREATE TRIGGER leads_stage_totals_update AFTER UPDATE ON leads
      REFERENCING OLD TABLE AS old_leads NEW TABLE AS new_leads
      FOR EACH STATEMENT EXECUTE FUNCTION leads_stage_totals();
    CREATE TRIGGER leads_stage_totals_delete AFTER DELETE ON leads REFERENCING OLD TABLE AS old_leads
      FOR EACH STATEMENT EXECUTE FUNCTION leads_stage_totals();

    -- Every word ever used in a lead's name, per company: typo-tolerant search first finds the few words near a
    -- mistyped one here (a small table), then the leads holding them through the name index. A word is never
    -- removed: one no lead holds any more only costs an index probe that finds nothing.
    CREATE TABLE lead_name_words (
      company_id uuid NOT NULL,
      word text NOT NULL,
      PRIMARY KEY (company_id, word)
    );
    CREATE INDEX lead_name_words_trgm_idx ON lead_name_words USING gin (word gin_trgm_ops);

    CREATE FUNCTION leads_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_name_words (company_id, word)
        SELECT DISTINCT n.company_id, w.word
        FROM new_leads n, regexp_split_to_table(lower(n.name), '[[:space:]]+') AS w(word)
        WHERE w.word <> '' ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
      ELSE
        INSERT INTO lead_name_words (company_id, word)
        SELECT DISTINCT n.company_id, w.word
        FROM new_leads n JOIN old_leads o ON o.company_id = n.company_id AND o.id = n.id AND o.name <> n.name,
          regexp_split_to_table(lower(n.name), '[[:space:]]+') AS w(word)
        WHERE w.word <> '' ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER leads_name_words_insert AFTER INSERT ON leads REFERENCING NEW TABLE AS new_leads
      FOR EACH STATEMENT EXECUTE FUNCTION leads_name_words();
    CREATE TRIGGER leads_name_words_update AFTER UPDATE ON leads
      REFERENCING OLD TABLE AS old_leads NEW TABLE AS new_leads
      FOR EACH STATEMENT EXECUTE FUNCTION leads_name_words();

    -- Under row-level security the planner uses an index for a condition only when its operator is LEAKPROOF
    -- (it could otherwise see another tenant's rows first). These cannot fail or reveal anything about a row, yet
    -- PostgreSQL does not mark them: without this, search, tag, phone and custom-field filters read every row of
    -- the table. Only a superuser may mark them; elsewhere they stay as they are and those filters are slower.
    DO $$
    BEGIN
      IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        ALTER FUNCTION textlike(text, text) LEAKPROOF;
        ALTER FUNCTION lower(text) LEAKPROOF;
        ALTER FUNCTION word_similarity_op(text, text) LEAKPROOF;
        ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF;
        ALTER FUNCTION arraycontains(anyarray, anyarray) LEAKPROOF;
        ALTER FUNCTION arrayoverlap(anyarray, anyarray) LEAKPROOF;
        ALTER FUNCTION jsonb_contains(jsonb, jsonb) LEAKPROOF;
        ALTER FUNCTION numeric_eq(numeric, numeric) LEAKPROOF;
        ALTER FUNCTION numeric_lt(numeric, numeric) LEAKPROOF;
        ALTER FUNCTION numeric_le(numeric, numeric) LEAKPROOF;
        ALTER FUNCTION numeric_gt(numeric, numeric) LEAKPROOF;
        ALTER FUNCTION numeric_ge(numeric, numeric) LEAKPROOF;
      END IF;
    END $$;
  `.execute(db);
}
