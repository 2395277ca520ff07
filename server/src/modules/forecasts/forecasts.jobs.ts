import { defineJob } from '../../jobs/define.ts';
import { daily } from '../../jobs/schedule.ts';

/**
 * Every night just after midnight in the company's zone, the forecast of the month is kept as it stands then (on
 * the first of the month, the forecast made at its start) and any of the past six months not kept yet is filled
 * from history (see forecasts.record.ts and docs/insights.md, "Forecasts").
 */
export const recordJob = defineJob({
  kind: 'forecasts.record',
  schedule: daily('00:15', 'company'),
  handler: async (trx, deps, job) => (await import('./forecasts.record.ts')).runRecordJob(trx, deps, job),
});

export const forecastsJobs = [recordJob];
