/**
 * Gives the generated leads (bench/leads-data.ts) the history reports read: each lead's stage history (its
 * creation, then through the open stages to where it is now, moves spread between its creation and its last
 * stage change: about 2.7 moves a lead) and activities (ACTIVITIES_PER_LEAD a lead: follow-ups, calls with
 * results and durations, meetings and notes, due over the lead's life; those due in the past mostly done).
 * Generated in PostgreSQL (INSERT ... SELECT), in batches of leads, the secondary indexes rebuilt after. The
 * owner connection may bypass row-level security: every query names the company itself.
 */
import pg from 'pg';

export interface ReportsDataOptions {
  activitiesPerLead: number;
  log?: (message: string) => void;
}

const historySql = (from: string, to: string) => `
WITH s AS (
  SELECT (SELECT array_agg(key ORDER BY position) FROM pipeline_stages WHERE company_id = current_setting('app.company_id')::uuid AND kind = 'open') AS open_st,
         (SELECT array_agg(key ORDER BY position) FROM pipeline_stages WHERE company_id = current_setting('app.company_id')::uuid) AS all_st
), p AS (
  SELECT l.company_id, l.id, l.owner_id, l.created_at, l.stage_changed_at,
    CASE WHEN array_position(s.open_st, l.stage) IS NOT NULL
      THEN s.open_st[1:array_position(s.open_st, l.stage)]
      ELSE s.open_st[1:1 + (abs(hashtext(l.id::text)) % cardinality(s.open_st))] || l.stage END AS path
  FROM leads l, s
  WHERE l.company_id = current_setting('app.company_id')::uuid AND l.id >= '${from}' AND l.id < '${to}'
    AND NOT EXISTS (SELECT 1 FROM lead_stage_history h WHERE h.company_id = l.company_id AND h.lead_id = l.id)
), m AS (
  SELECT p.*, j, cardinality(path) AS n,
    created_at + CASE WHEN cardinality(path) = 1 THEN interval '0' ELSE
      (stage_changed_at - created_at) * ((j - 1)::float8 / (cardinality(path) - 1)) END AS at
  FROM p CROSS JOIN LATERAL generate_series(1, cardinality(path)) AS g(j)
)
INSERT INTO lead_stage_history (company_id, id, lead_id, from_stage, to_stage, by_user_id, at, seconds_in_previous)
SELECT company_id, gen_random_uuid(), id, CASE WHEN j > 1 THEN path[j - 1] END, path[j],
  CASE WHEN j > 1 THEN owner_id END, at,
  CASE WHEN j > 1 THEN extract(epoch FROM (at - lag(at) OVER (PARTITION BY id ORDER BY j)))::bigint END
FROM m`;

const activitiesSql = (from: string, to: string, perLead: number) => `
WITH fallback AS (SELECT id FROM users WHERE company_id = current_setting('app.company_id')::uuid AND role = 'SALESPERSON' ORDER BY id LIMIT 1),
a AS (
  SELECT l.company_id, l.id AS lead_id, coalesce(l.owner_id, (SELECT id FROM fallback)) AS assignee,
    l.created_at, k, random() AS r_type, random() AS r_status, random() AS r_due, random() AS r_call
  FROM leads l CROSS JOIN LATERAL generate_series(1, ${perLead}) AS g(k)
  WHERE l.company_id = current_setting('app.company_id')::uuid AND l.id >= '${from}' AND l.id < '${to}'
), b AS (
  SELECT a.*,
    CASE WHEN r_type < 0.5 THEN 'follow_up' WHEN r_type < 0.8 THEN 'call' WHEN r_type < 0.9 THEN 'meeting' ELSE 'note' END AS type,
    created_at + r_due * (now() + interval '30 days' - created_at) AS due
  FROM a
), c AS (
  SELECT b.*,
    CASE WHEN type IN ('call', 'note') THEN 'done'
      WHEN due > now() THEN 'open'
      WHEN r_status < 0.7 THEN 'done' WHEN r_status < 0.8 THEN 'missed' WHEN r_status < 0.85 THEN 'cancelled'
      ELSE 'open' END AS status
  FROM b
)
INSERT INTO activities (company_id, id, lead_id, type, channel, status, title, call_direction, call_result,
  duration_seconds, assignee_id, due_at, created_by, created_at, updated_at, completed_at, completed_by,
  cancelled_at, cancelled_by, missed_at)
SELECT company_id, gen_random_uuid(), lead_id, type,
  CASE WHEN type = 'follow_up' THEN (ARRAY['call','meeting','demo','site_visit','email','whatsapp'])[1 + floor(r_call * 6)::int] END,
  status,
  CASE type WHEN 'follow_up' THEN 'Follow up' WHEN 'call' THEN 'Call' WHEN 'meeting' THEN 'Meeting' ELSE 'Note' END,
  CASE WHEN type = 'call' THEN (CASE WHEN r_call < 0.7 THEN 'out' ELSE 'in' END) END,
  CASE WHEN type = 'call' THEN (ARRAY['connected','connected','connected','no_answer','busy','voicemail'])[1 + floor(r_call * 6)::int] END,
  CASE WHEN type = 'call' THEN floor(r_call * 900)::int END,
  assignee, due, assignee, least(due, now()) - interval '1 day', least(due, now()),
  CASE WHEN status = 'done' THEN least(due + interval '2 hours', now()) END,
  CASE WHEN status = 'done' THEN assignee END,
  CASE WHEN status = 'cancelled' THEN least(due, now()) END,
  CASE WHEN status = 'cancelled' THEN assignee END,
  CASE WHEN status = 'missed' THEN least(due + interval '1 day', now()) END
FROM c`;

/** Boundaries that cut the company's lead ids (UUIDv7, time-ordered) into about `parts` equal batches. */
async function idRanges(client: pg.Client, parts: number): Promise<[string, string][]> {
  const { rows } = await client.query<{ b: string }>(
    `SELECT id::text AS b FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM leads
       WHERE company_id = current_setting('app.company_id')::uuid) x
     WHERE (rn - 1) % greatest(1, ceil(n::float8 / ${parts}))::bigint = 0 ORDER BY id`,
  );
  const bounds = rows.map((r) => r.b);
  return bounds.map((b, i) => [b, bounds[i + 1] ?? 'ffffffff-ffff-ffff-ffff-ffffffffffff']);
}

async function withoutIndexes(client: pg.Client, table: string, work: () => Promise<void>, log: (m: string) => void) {
  const indexes = await client.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE tablename = $1 AND schemaname = current_schema() AND indexname NOT LIKE '%_pkey'`,
    [table],
  );
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);
  await work();
  log(`  ${table}: rebuilding ${indexes.rows.length} indexes ...`);
  for (const index of indexes.rows) await client.query(index.def);
}

/** Fills Demo Co's leads with history and activities; `url` connects as the schema's owner. */
export async function generateReportsData(url: string, options: ReportsDataOptions): Promise<void> {
  const log = options.log ?? ((m: string) => console.log(m));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const company = await client.query<{ id: string }>(`SELECT id FROM companies WHERE slug = 'demo'`);
    const companyId = company.rows[0]?.id;
    if (!companyId) throw new Error('Demo Co is missing: seed the demo data first');
    const started = Date.now();
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.company_id', $1, true)`, [companyId]);
    await client.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    // The generated rows are not live changes: no dashboard needs telling.
    await client.query('ALTER TABLE leads DISABLE TRIGGER leads_announce');
    await client.query('ALTER TABLE activities DISABLE TRIGGER activities_announce');
    const ranges = await idRanges(client, 20);
    await withoutIndexes(
      client,
      'lead_stage_history',
      async () => {
        for (const [i, [from, to]] of ranges.entries()) {
          await client.query(historySql(from, to));
          log(`  stage history: ${i + 1} of ${ranges.length} batches`);
        }
      },
      log,
    );
    await withoutIndexes(
      client,
      'activities',
      async () => {
        for (const [i, [from, to]] of ranges.entries()) {
          await client.query(activitiesSql(from, to, options.activitiesPerLead));
          log(`  activities: ${i + 1} of ${ranges.length} batches`);
        }
      },
      log,
    );
    await client.query('ALTER TABLE leads ENABLE TRIGGER leads_announce');
    await client.query('ALTER TABLE activities ENABLE TRIGGER activities_announce');
    await client.query('COMMIT');
    log(`  history and activities: done in ${Math.round((Date.now() - started) / 1000)} s; analysing ...`);
    await client.query('VACUUM (ANALYZE) lead_stage_history');
    await client.query('VACUUM (ANALYZE) activities');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
