/**
 * The lead-scoring benchmark: training time and scoring throughput for one company of BENCH_SCORING_LEADS
 * generated leads (1,000,000 by default) with their stage history and BENCH_ACTIVITIES_PER_LEAD activities each
 * (10), the data set of the reports benchmark. In Demo Co's tenant transaction, as the job runner does, it:
 *
 * 1. rescores every live lead by a few rules (the `scoring.rescore` job and the continuations it hands on),
 * 2. trains a model (`scoring.train`: reading at most the 40,000 most recent leads, 60,000 snapshots),
 * 3. switches the model on and rescores every live lead by it.
 *
 * Prints each step's wall time and leads per second, the model's examples and hold-out quality. The generated data
 * is no test of quality: its won leads always carry an expected value, written without the audit trail a real
 * edit leaves, so the model can tell them apart a little (the quality test is scoring.bank.test.ts). Passes or
 * fails nothing.
 *
 *   node --disable-warning=ExperimentalWarning bench/scoring-bench.ts
 *   BENCH_SCORING_LEADS=5000 node --disable-warning=ExperimentalWarning bench/scoring-bench.ts    # a quick check
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
import type { Job } from '../server/src/jobs/define.ts';
import { ManualClock } from '../server/src/lib/clock.ts';
import { newId } from '../server/src/lib/ids.ts';
import { generateLeads } from './leads-data.ts';
import { generateReportsData } from './reports-data.ts';

const leadCount = Number(process.env.BENCH_SCORING_LEADS ?? process.env.BENCH_LEADS ?? 1_000_000);
const activitiesPerLead = Number(process.env.BENCH_ACTIVITIES_PER_LEAD ?? 10);
const quiet = { info: () => {}, debug: () => {}, warn: (m: string) => console.warn(m) };
const keptDir = process.env.BENCH_DATA_DIR ? resolve(process.env.BENCH_DATA_DIR) : null;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'iperform-scoring-bench-'));
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
  // The jobs read the clock and the database only; the rest of Deps is not used.
  const deps = { clock, db: dbs.app } as unknown as Deps;
  const { rescore } = await import('../server/src/modules/scoring/scoring.rescore.ts');
  const { train } = await import('../server/src/modules/scoring/scoring.train.ts');
  const job = <P>(payload: P): Job<P> => ({
    id: newId(),
    companyId,
    kind: 'bench',
    payload,
    attempts: 1,
    runAt: clock.now(),
  });
  const live = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM leads WHERE company_id = ${companyId} AND deleted_at IS NULL AND merged_into IS NULL`.execute(
    dbs.owner,
  );
  const leads = live.rows[0]?.n ?? 0;

  /** Runs the rescore job and the continuations it enqueues (taken from the jobs table), as the worker would. */
  async function rescoreAll(): Promise<number> {
    const started = performance.now();
    let payload: { after: string | null; changedOnly: boolean } | null = { after: null, changedOnly: false };
    while (payload) {
      const current = payload;
      payload = await withTenant(dbs.app, companyId as string, async (trx) => {
        await rescore(trx, deps, job(current));
        const next = await sql<{ id: string; payload: { after: string | null; changedOnly: boolean } }>`
          DELETE FROM jobs WHERE kind = 'scoring.rescore' AND done_at IS NULL RETURNING id, payload`.execute(trx);
        return next.rows[0]?.payload ?? null;
      });
    }
    return (performance.now() - started) / 1000;
  }

  console.log(`\nlead scoring of Demo Co, ${leads.toLocaleString('en')} live leads\n`);
  console.log('| step | seconds | leads/s |');
  console.log('| --- | ---: | ---: |');
  await withTenant(dbs.app, companyId, async (trx) => {
    const now = clock.now();
    for (const [label, field, operator, value, points] of [
      ['From the web form', 'source', 'equals', 'web_form', 25],
      ['Has a budget', 'expectedValue', 'gte', 100000, 20],
      ['In Mumbai', 'city', 'equals', 'Mumbai', 10],
    ] as const) {
      await trx
        .insertInto('score_rules')
        .values({
          company_id: companyId,
          id: newId(),
          label,
          kind: 'field',
          field,
          operator,
          value: JSON.stringify(value),
          points,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await trx
      .insertInto('score_rules')
      .values({
        company_id: companyId,
        id: newId(),
        label: 'Called this month',
        kind: 'behaviour',
        behaviour: 'call_logged',
        window_days: 30,
        points: 30,
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  const rulesSeconds = await rescoreAll();
  console.log(`| rescore by rules | ${rulesSeconds.toFixed(1)} | ${Math.round(leads / rulesSeconds)} |`);

  const modelId = newId();
  await withTenant(dbs.app, companyId, (trx) =>
    trx
      .insertInto('score_models')
      .values({ company_id: companyId, id: modelId, status: 'training', horizon_days: 90, created_at: clock.now() })
      .execute(),
  );
  const trainStarted = performance.now();
  await withTenant(dbs.app, companyId, (trx) => train(trx, deps, job({ modelId })));
  const trainSeconds = (performance.now() - trainStarted) / 1000;
  const model = await withTenant(dbs.app, companyId, (trx) =>
    trx
      .selectFrom('score_models')
      .select(['status', 'examples', 'positives', 'metrics', 'error'])
      .where('id', '=', modelId)
      .executeTakeFirstOrThrow(),
  );
  console.log(`| train (${model.examples.toLocaleString('en')} snapshots) | ${trainSeconds.toFixed(1)} | |`);
  if (model.status === 'candidate') {
    await withTenant(dbs.app, companyId, (trx) =>
      trx
        .updateTable('score_models')
        .set({ status: 'active', activated_at: clock.now() })
        .where('id', '=', modelId)
        .execute(),
    );
    const modelSeconds = await rescoreAll();
    console.log(`| rescore by the model | ${modelSeconds.toFixed(1)} | ${Math.round(leads / modelSeconds)} |`);
  }
  const m = model.metrics as {
    auc?: number;
    brier?: number;
    liftTop10?: number;
    holdout?: { examples: number };
  } | null;
  console.log(
    `\nmodel: ${model.status}${model.error ? ` (${model.error})` : ''}; ${model.examples} snapshots, ` +
      `${model.positives} won; hold-out AUC ${m?.auc ?? '-'}, Brier ${m?.brier ?? '-'}, ` +
      `top-10% lift ${m?.liftTop10 ?? '-'} on ${m?.holdout?.examples ?? 0} snapshots`,
  );
} finally {
  await dbs.close();
  await server.stop();
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
}
