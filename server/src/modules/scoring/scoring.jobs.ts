import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { cron, daily } from '../../jobs/schedule.ts';

/** Trains one model of the company (the row it names, in `training`); it records its own failure. */
export const trainJob = defineJob({
  kind: 'scoring.train',
  payload: Type.Object({ modelId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  retry: { attempts: 2 },
  concurrency: 1,
  handler: async (trx, deps, job) => (await import('./scoring.train.ts')).train(trx, deps, job),
});

/**
 * Rescores the company's live leads in batches, from `after` on (by id): all of them, or those never scored or
 * changed since; a long run hands the rest to the next job.
 */
export const rescoreJob = defineJob({
  kind: 'scoring.rescore',
  payload: Type.Object(
    {
      after: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
      changedOnly: Type.Boolean(),
      startedAt: Type.Optional(Type.String({ format: 'date-time' })),
      since: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    },
    { additionalProperties: false },
  ),
  concurrency: 2,
  handler: async (trx, deps, job) => (await import('./scoring.rescore.ts')).rescore(trx, deps, job),
});

/** Hourly: scores new leads and those changed since the last rescoring finished. */
export const freshJob = defineJob({
  kind: 'scoring.fresh',
  schedule: cron('25 * * * *'),
  handler: async (trx, deps, job) =>
    (await import('./scoring.rescore.ts')).rescore(trx, deps, { ...job, payload: { after: null, changedOnly: true } }),
});

/** Daily, at night in the company's zone: every live lead rescored, and a retraining when it is due. */
export const dailyJob = defineJob({
  kind: 'scoring.daily',
  schedule: daily('02:50', 'company'),
  handler: async (trx, deps) => (await import('./scoring.schedule.ts')).runDaily(trx, deps),
});

export const scoringJobs = [trainJob, rescoreJob, freshJob, dailyJob];
