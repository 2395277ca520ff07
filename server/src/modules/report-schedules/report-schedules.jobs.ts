import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { cron } from '../../jobs/schedule.ts';

/**
 * One schedule's run, queued for its `next_run_at` when it is saved and by each run for the next one. It sends
 * only a schedule that is due when it runs, so a job left behind by an edit does nothing.
 */
export const runScheduleJob = defineJob({
  kind: 'report_schedules.run',
  payload: Type.Object({ scheduleId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./report-schedules.deliver.ts')).runDueSchedule(trx, deps, job),
});

/** Hourly, each company: a schedule whose run was missed (its job gave up) gets a job again. */
export const sweepJob = defineJob({
  kind: 'report_schedules.sweep',
  schedule: cron('40 * * * *'),
  handler: async (trx, deps) => (await import('./report-schedules.deliver.ts')).sweepOverdue(trx, deps),
});

export const reportSchedulesJobs = [runScheduleJob, sweepJob];
