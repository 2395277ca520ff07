-- What the leads rollup's triggers cost a single-row write, timed inside PostgreSQL on the kept benchmark data
-- (BENCH_DATA_DIR): 200 lead creations and 200 stage moves a round, triggers off and on in alternating rounds,
-- everything rolled back. Run with psql as the database owner against the benchmark's PostgreSQL while it runs.
SET app.company_id = '';
SELECT set_config('app.company_id', (SELECT company_id::text FROM leads LIMIT 1), false);
BEGIN;
CREATE TEMP TABLE times (round int, rollups boolean, op text, ms float8);
DO $$
DECLARE
  ids uuid[];
  t0 timestamptz;
  r int; i int; on_ boolean;
  stages text[] := ARRAY(SELECT key FROM pipeline_stages ORDER BY position);
  owner uuid := (SELECT owner_id FROM leads WHERE owner_id IS NOT NULL LIMIT 1);
  cid uuid := current_setting('app.company_id')::uuid;
BEGIN
  ids := ARRAY(SELECT id FROM leads ORDER BY random() LIMIT 2000);
  FOR r IN 1..10 LOOP
    on_ := r % 2 = 0;
    IF on_ THEN
      ALTER TABLE leads ENABLE TRIGGER leads_rollups_update; ALTER TABLE leads ENABLE TRIGGER leads_rollups_insert;
    ELSE
      ALTER TABLE leads DISABLE TRIGGER leads_rollups_update; ALTER TABLE leads DISABLE TRIGGER leads_rollups_insert;
    END IF;
    t0 := clock_timestamp();
    FOR i IN 1..200 LOOP
      UPDATE leads SET stage = stages[1 + (i % 4)], stage_changed_at = now() WHERE company_id = cid AND id = ids[(r - 1) * 200 + i];
    END LOOP;
    INSERT INTO times VALUES (r, on_, 'move', extract(epoch FROM clock_timestamp() - t0) * 1000 / 200);
    t0 := clock_timestamp();
    FOR i IN 1..200 LOOP
      INSERT INTO leads (company_id, id, name, source, owner_id, stage, expected_value)
      VALUES (cid, gen_random_uuid(), 'Trigger bench', 'manual', owner, stages[1], 1000);
    END LOOP;
    INSERT INTO times VALUES (r, on_, 'create', extract(epoch FROM clock_timestamp() - t0) * 1000 / 200);
  END LOOP;
END $$;
SELECT op, rollups, round(avg(ms)::numeric, 3) AS avg_ms, round(min(ms)::numeric, 3) AS min_ms, round(max(ms)::numeric, 3) AS max_ms FROM times GROUP BY 1, 2 ORDER BY 1, 2;
ROLLBACK;
