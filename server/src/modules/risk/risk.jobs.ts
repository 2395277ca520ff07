import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { daily } from '../../jobs/schedule.ts';

/** Every morning, before the working day, each company's open leads are judged again (see docs/insights.md). */
export const scanJob = defineJob({
  kind: 'risk.scan',
  schedule: daily('06:30', 'company'),
  handler: async (trx, deps, job) => (await import('./risk.scan.ts')).runScanJob(trx, deps, job),
});

/** The same scan, now: queued by POST /insights/at-risk/scan. */
export const scanNowJob = defineJob({
  kind: 'risk.scan_now',
  payload: Type.Object({}, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./risk.scan.ts')).runScanJob(trx, deps, job),
});

export const riskJobs = [scanJob, scanNowJob];
