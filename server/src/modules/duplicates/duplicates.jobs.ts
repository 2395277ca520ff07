import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { daily } from '../../jobs/schedule.ts';

/** A lead created although it matches others, into the review queue (queued by settleCreated). */
export const flagJob = defineJob({
  kind: 'duplicates.flag',
  payload: Type.Object(
    { leadId: Type.String({ format: 'uuid' }), notifyOwner: Type.Boolean() },
    { additionalProperties: false },
  ),
  handler: async (trx, deps, job) => (await import('./duplicates.flag.ts')).runFlagJob(trx, deps, job),
});

/** One chunk of a duplicate scan; each run queues the next until the scan is done. */
export const scanJob = defineJob({
  kind: 'duplicates.scan',
  payload: Type.Object({ scanId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./duplicates.scan.ts')).runScanJob(trx, deps, job),
});

/** Every night each company's leads are scanned again, so what slipped in (or changed) reaches the queue. */
export const dailyScanJob = defineJob({
  kind: 'duplicates.daily_scan',
  schedule: daily('02:30'),
  handler: async (trx, deps, job) => (await import('./duplicates.scan.ts')).runDailyScan(trx, deps, job),
});

export const duplicatesJobs = [flagJob, scanJob, dailyScanJob];
