/**
 * The at-risk scan benchmark: the daily job's duration for one company of BENCH_RISK_LEADS generated leads
 * (1,000,000 by default) with their stage history and BENCH_ACTIVITIES_PER_LEAD activities each (10), the data
 * set of the reports benchmark. Runs the scan three times in one company's tenant transaction, as the job
 * runner does: the first run inserts every flag, the second updates them (the daily case), the third after the
 * clock moved a week (notifications again). Prints each run's wall time, the leads flagged and the owners
 * notified, and the stage norms it measured. Passes or fails nothing.
 *
 *   node --disable-warning=ExperimentalWarning bench/risk-bench.ts
 *   BENCH_RISK_LEADS=5000 node --disable-warning=ExperimentalWarning bench/risk-bench.ts    # a quick check
 *   BENCH_DATA_DIR=<dir> ...   # keeps the prepared database and reuses it (the leads benchmark's too)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { seedDemo } from '../server/src/composition/demo-seed.ts';
import { connect, migrate, withTenant } from '../server/src/db/client.ts';
import { startEmbedded } from '../server/src/db/embedded.ts';
import type { Deps } from '../server/src/http/context.ts';
import { ManualClock } from '../server/src/lib/clock.ts';
import { scanCompany } from '../server/src/modules/risk/index.ts';
import { generateLeads } from './leads-data.ts';
import { generateReportsData } from './reports-data.ts';

const leadCount = Number(process.env.BENCH_RISK_LEADS ?? process.env.BENCH_LEADS ?? 1_000_000);
const activitiesPerLead = Number(process.env.BENCH_ACTIVITIES_PER_LEAD ?? 10);
const quiet = { info: () => {}, debug: () => {}, warn: (m: string) => console.warn(m) };
const keptDir = process.env.BENCH_DATA_DIR ? resolve(process.env.BENCH_DATA_DIR) : null;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'iperform-risk-bench-'));
const preparedMark = join(dataDir, 'bench-prepared.json');

const prepared = (): { leads: number; reports?: boolean } | null =>
  existsSync(preparedMark) ? JSON.parse(readFileSync(preparedMark, 'utf8')) : null;

const server = await startEmbedded(dataDir, quiet);
const dbs = connect(server.url, 4);
try {
  await migrate(dbs.owner);
  const done = prepared();
  if (!done) {
    if (!(await seedDemo(dbs.app))) throw new Error('demo seed did not run');
    console.log(`generating ${leadCount.toLocaleString('en')} leads ...`);
    await generateLeads(server.url, { count: leadCount, log: (m) => console.log(m) });
  } else if (done.leads < leadCount) {
    throw new Error(`${dataDir} holds ${done.leads} leads; use another BENCH_DATA_DIR for ${leadCount}`);
  }
  if (!done?.reports) {
    console.log(`generating stage history and ${activitiesPerLead} activities a lead ...`);
    await generateReportsData(server.url, { activitiesPerLead, log: (m) => console.log(m) });
  }
  await sql`ANALYZE`.execute(dbs.owner);
  writeFileSync(preparedMark, JSON.stringify({ leads: Math.max(done?.leads ?? 0, leadCount), reports: true }));

  const company = await sql<{ id: string }>`SELECT id FROM companies WHERE slug = 'demo'`.execute(dbs.owner);
  const companyId = company.rows[0]?.id;
  if (!companyId) throw new Error('Demo Co is missing');
  const clock = new ManualClock();
  // The scan reads the clock and the database only; the rest of Deps is not used.
  const deps = { clock, db: dbs.app } as unknown as Deps;
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM leads WHERE company_id = ${companyId}`.execute(dbs.owner);
  console.log(`\nat-risk scan of Demo Co, ${(rows[0]?.n ?? 0).toLocaleString('en')} leads\n`);
  console.log('| run | seconds | flagged | cleared | owners notified |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [label, advanceDays] of [
    ['first (inserts)', 0],
    ['next day (updates)', 1],
    ['a week later (notifies)', 7],
  ] as const) {
    clock.advance(advanceDays * 86_400_000);
    const started = performance.now();
    const result = await withTenant(dbs.app, companyId, (trx) => scanCompany(trx, deps, companyId));
    const seconds = (performance.now() - started) / 1000;
    console.log(`| ${label} | ${seconds.toFixed(2)} | ${result.flagged} | ${result.cleared} | ${result.notified} |`);
  }
  const norms = await withTenant(dbs.app, companyId, (trx) =>
    trx.selectFrom('lead_risk_scans').select('norms').executeTakeFirst(),
  );
  console.log('\nstage norms:', JSON.stringify(norms?.norms));
  const reasons = await withTenant(dbs.app, companyId, (trx) =>
    sql<{ key: string; n: number }>`
      SELECT k AS key, count(*)::int AS n FROM lead_risks, unnest(reason_keys) k GROUP BY k ORDER BY n DESC`.execute(
      trx,
    ),
  );
  console.log('by reason:', reasons.rows.map((r) => `${r.key} ${r.n}`).join(', '));
} finally {
  await dbs.close();
  await server.stop();
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
}
