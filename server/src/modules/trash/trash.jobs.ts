import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { daily } from '../../jobs/schedule.ts';

/** Daily: leads trashed over 30 days ago go for good, and old bulk actions with them. */
export const purgeJob = defineJob({
  kind: 'trash.purge',
  schedule: daily('03:20'),
  handler: async (trx, deps, job) => (await import('./trash.purge.ts')).runDailyPurge(trx, deps, job),
});

/** A purge run that stopped at its limit leaves the rest to this job, which carries on until the trash is done. */
export const purgeMoreJob = defineJob({
  kind: 'trash.purge.more',
  payload: Type.Object({}, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./trash.purge.ts')).purgeMore(trx, deps, job),
});

export const trashJobs = [purgeJob, purgeMoreJob];
