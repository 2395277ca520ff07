import { defineJob } from '../../jobs/define.ts';
import { daily } from '../../jobs/schedule.ts';

/**
 * Daily: files in the trash for over 30 days go for good, and the bytes of versions removed before today (by
 * this purge, or with a purged lead) are deleted from storage.
 */
export const filesPurgeJob = defineJob({
  kind: 'files.purge',
  schedule: daily('03:40'),
  handler: async (trx, deps, job) => (await import('./files.purge.ts')).runFilesPurge(trx, deps, job),
});

export const filesJobs = [filesPurgeJob];
