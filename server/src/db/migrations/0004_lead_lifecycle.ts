import { type Kysely, sql } from 'kysely';

/**
 * A lead's life after it is worked: moved to the trash (restorable for 30 days) or merged into another lead
 * (a tombstone pointing at its survivor, restorable by undoing the merge). Neither removes the row, so nothing
 * that refers to a lead is ever lost; the board's totals count live leads only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE leads
      ADD COLUMN deleted_at timestamptz,
      ADD COLUMN deleted_by uuid,
      ADD COLUMN merged_into uuid,
      ADD CONSTRAINT leads_merged_into_fk FOREIGN KEY (company_id, merged_into) REFERENCES leads (company_id, id),
      ADD CONSTRAINT leads_not_merged_into_self CHECK (merged_into IS DISTINCT FROM id);
    CREATE INDEX leads_trash_idx ON leads (company_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
    CREATE INDEX leads_merged_into_idx ON leads (company_id, merged_into) WHERE merged_into IS NOT NULL;

    -- Same deltas as before, over live rows only: trashing or merging a lead is an update that takes it out.
    CREATE OR REPLACE FUNCTION leads_stage_totals() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_stage_totals AS t (company_id, stage, owner_id, lead_count, value_sum)
        SELECT n.company_id, n.stage, n.owner_id, count(*), coalesce(sum(n.expected_value), 0)
        FROM new_leads n WHERE n.deleted_at IS NULL AND n.merged_into IS NULL
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, stage, owner_id) DO UPDATE
          SET lead_count = t.lead_count + EXCLUDED.lead_count, value_sum = t.value_sum + EXCLUDED.value_sum;
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO lead_stage_totals AS t (company_id, stage, owner_id, lead_count, value_sum)
        SELECT d.company_id, d.stage, d.owner_id, sum(d.n), coalesce(sum(d.v), 0)
        FROM (
          SELECT n.company_id, n.stage, n.owner_id, 1 AS n, n.expected_value AS v FROM new_leads n
          WHERE n.deleted_at IS NULL AND n.merged_into IS NULL
          UNION ALL
          SELECT o.company_id, o.stage, o.owner_id, -1, -o.expected_value FROM old_leads o
          WHERE o.deleted_at IS NULL AND o.merged_into IS NULL
        ) d
        GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 OR coalesce(sum(d.v), 0) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, stage, owner_id) DO UPDATE
          SET lead_count = t.lead_count + EXCLUDED.lead_count, value_sum = t.value_sum + EXCLUDED.value_sum;
      ELSE
        INSERT INTO lead_stage_totals AS t (company_id, stage, owner_id, lead_count, value_sum)
        SELECT o.company_id, o.stage, o.owner_id, -count(*), -coalesce(sum(o.expected_value), 0)
        FROM old_leads o WHERE o.deleted_at IS NULL AND o.merged_into IS NULL
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, stage, owner_id) DO UPDATE
          SET lead_count = t.lead_count + EXCLUDED.lead_count, value_sum = t.value_sum + EXCLUDED.value_sum;
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The lead lifecycle migration cannot be reverted');
}
