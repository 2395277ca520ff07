import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { cron } from '../../jobs/schedule.ts';

/** Every Monday before the working day, each company's assignment recommendations are drawn again. */
export const refreshJob = defineJob({
  kind: 'recommendations.refresh',
  schedule: cron('40 5 * * 1', 'company'),
  handler: async (trx, deps, job) => (await import('./recommendations.generate.ts')).runRefreshJob(trx, deps, job),
});

/** The same, now: queued by POST /insights/recommendations/refresh. */
export const refreshNowJob = defineJob({
  kind: 'recommendations.refresh_now',
  payload: Type.Object({}, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./recommendations.generate.ts')).runRefreshJob(trx, deps, job),
});

export const recommendationsJobs = [refreshJob, refreshNowJob];
