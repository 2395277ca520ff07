import { sql } from 'kysely';
import { withTenant } from '../server/src/db/client.ts';
import type { Job } from '../server/src/jobs/define.ts';
import { newId } from '../server/src/lib/ids.ts';
import { withGeneratedCompany } from './company-data.ts';

const leadCount = Number(process.env.BENCH_SCORING_LEADS ?? process.env.BENCH_LEADS ?? 1_000_000);
const activitiesPerLead = Number(process.env.BENCH_ACTIVITIES_PER_LEAD ?? 10);

await withGeneratedCompany(
  { name: 'scoring', leads: leadCount, activitiesPerLead },
  async ({ dbs, companyId, clock, deps }) => {
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
  },
);
