import { sql } from 'kysely';
import { withTenant } from '../server/src/db/client.ts';
import { scanCompany } from '../server/src/modules/risk/index.ts';
import { withGeneratedCompany } from './company-data.ts';

const leadCount = Number(process.env.BENCH_RISK_LEADS ?? process.env.BENCH_LEADS ?? 1_000_000);
const activitiesPerLead = Number(process.env.BENCH_ACTIVITIES_PER_LEAD ?? 10);

await withGeneratedCompany(
  { name: 'risk', leads: leadCount, activitiesPerLead },
  async ({ dbs, companyId, clock, deps }) => {
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
  },
);
