import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { daily } from '../../jobs/schedule.ts';

/**
 * Every morning, before the working day, each company's customers are valued again and customer_values (what
 * reports read) is brought up to date (see docs/insights.md).
 */
export const refreshJob = defineJob({
  kind: 'customer_value.refresh',
  schedule: daily('06:15', 'company'),
  handler: async (trx, deps, job) => (await import('./customer-value.refresh.ts')).runRefreshJob(trx, deps, job),
});

/** The same, now: queued by POST /insights/customers/refresh. */
export const refreshNowJob = defineJob({
  kind: 'customer_value.refresh_now',
  payload: Type.Object({}, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./customer-value.refresh.ts')).runRefreshJob(trx, deps, job),
});

export const customerValueJobs = [refreshJob, refreshNowJob];
