/**
 * One company's worth of generated data for the job benchmarks (the at-risk scan, lead scoring): Demo Co with
 * `leads` generated leads, their stage history and `activitiesPerLead` activities each (the reports benchmark's
 * generators), in an embedded PostgreSQL under BENCH_DATA_DIR (kept and reused when set) or a temporary directory.
 * `run` gets the pools, the company and a manual clock with the Deps the jobs read (the clock and the database).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { seedDemo } from '../server/src/composition/demo-seed.ts';
import { connect, type Databases, migrate } from '../server/src/db/client.ts';
import { startEmbedded } from '../server/src/db/embedded.ts';
import type { Deps } from '../server/src/http/context.ts';
import { ManualClock } from '../server/src/lib/clock.ts';
import { generateLeads } from './leads-data.ts';
import { generateReportsData } from './reports-data.ts';

export interface CompanyBench {
  dbs: Databases;
  companyId: string;
  clock: ManualClock;
  /** The jobs read the clock and the database only; the rest of Deps is not used. */
  deps: Deps;
}

export async function withGeneratedCompany(
  options: { name: string; leads: number; activitiesPerLead: number },
  run: (bench: CompanyBench) => Promise<void>,
): Promise<void> {
  const quiet = { info: () => {}, debug: () => {}, warn: (m: string) => console.warn(m) };
  const keptDir = process.env.BENCH_DATA_DIR ? resolve(process.env.BENCH_DATA_DIR) : null;
  const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), `iperform-${options.name}-bench-`));
  const preparedMark = join(dataDir, 'bench-prepared.json');
  const done: { leads: number; reports?: boolean } | null = existsSync(preparedMark)
    ? JSON.parse(readFileSync(preparedMark, 'utf8'))
    : null;

  const server = await startEmbedded(dataDir, quiet);
  const dbs = connect(server.url, 4);
  try {
    await migrate(dbs.owner);
    if (!done) {
      if (!(await seedDemo(dbs.app))) throw new Error('demo seed did not run');
      console.log(`generating ${options.leads.toLocaleString('en')} leads ...`);
      await generateLeads(server.url, { count: options.leads, log: (m) => console.log(m) });
    } else if (done.leads < options.leads) {
      throw new Error(`${dataDir} holds ${done.leads} leads; use another BENCH_DATA_DIR for ${options.leads}`);
    }
    if (!done?.reports) {
      console.log(`generating stage history and ${options.activitiesPerLead} activities a lead ...`);
      await generateReportsData(server.url, {
        activitiesPerLead: options.activitiesPerLead,
        log: (m) => console.log(m),
      });
    }
    await sql`ANALYZE`.execute(dbs.owner);
    writeFileSync(preparedMark, JSON.stringify({ leads: Math.max(done?.leads ?? 0, options.leads), reports: true }));

    const company = await sql<{ id: string }>`SELECT id FROM companies WHERE slug = 'demo'`.execute(dbs.owner);
    const companyId = company.rows[0]?.id;
    if (!companyId) throw new Error('Demo Co is missing');
    const clock = new ManualClock();
    await run({ dbs, companyId, clock, deps: { clock, db: dbs.app } as unknown as Deps });
  } finally {
    await dbs.close();
    await server.stop();
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
