import { sql } from 'kysely';
import type { Databases } from '../src/db/client.ts';
import { withTenant } from '../src/db/client.ts';

/**
 * Scores and at-risk flags for a company's leads, written straight into `lead_scores` and `lead_risks` so that
 * report tests have known insights without running the scoring or the risk scan: every live lead but each fifth
 * gets a score spread over 0..100 (its tier by the default thresholds, 70 and 40); each third live open lead is at
 * risk, its reasons cycling through every reason key (two reasons for some).
 */
export async function seedInsights(dbs: Databases, companyId: string, now: Date): Promise<void> {
  const reasonSets = [
    ['no_touch'],
    ['overdue_follow_ups', 'no_next_step'],
    ['stage_overdue'],
    ['close_date_pushed', 'no_touch'],
    ['owner_on_leave'],
  ];
  await withTenant(dbs.app, companyId, async (trx) => {
    await sql`INSERT INTO lead_scores (company_id, lead_id, score, tier, source, reasons, scored_at)
      SELECT l.company_id, l.id, s.score,
        CASE WHEN s.score >= 70 THEN 'hot' WHEN s.score >= 40 THEN 'warm' ELSE 'cold' END, 'rules', '[]', ${now}
      FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM leads
        WHERE deleted_at IS NULL AND merged_into IS NULL) o
      JOIN leads l ON l.id = o.id
      CROSS JOIN LATERAL (SELECT ((o.n * 37) % 101)::smallint AS score) s
      WHERE o.n % 5 <> 0
      ON CONFLICT (company_id, lead_id) DO NOTHING`.execute(trx);
    await sql`INSERT INTO lead_risks (company_id, lead_id, reasons, reason_keys, severity, flagged_since, checked_at)
      SELECT l.company_id, l.id, '[]', ARRAY(SELECT jsonb_array_elements_text(
          ${JSON.stringify(reasonSets)}::jsonb -> ((o.n / 3) % ${reasonSets.length})::int)), 2, ${now}, ${now}
      FROM (SELECT l.id, row_number() OVER (ORDER BY l.id) AS n FROM leads l
        JOIN pipeline_stages st ON st.company_id = l.company_id AND st.key = l.stage AND st.kind = 'open'
        WHERE l.deleted_at IS NULL AND l.merged_into IS NULL) o
      JOIN leads l ON l.id = o.id
      WHERE o.n % 3 = 0
      ON CONFLICT (company_id, lead_id) DO NOTHING`.execute(trx);
  });
}
