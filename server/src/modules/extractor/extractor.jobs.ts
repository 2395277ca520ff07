import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';

/**
 * One run of a source, queued by POST /extractor/sources/{id}/runs. It commits each batch in its own
 * transaction (the cursor moves with it), so it records its own failure instead of being retried.
 */
export const runExtractionJob = defineJob({
  kind: 'extractor.run',
  payload: Type.Object({ runId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./extractor.run.ts')).runExtraction(trx, deps, job),
});

/** A source's scheduled time: queues a run and the next time (see extractor.schedule.ts). */
export const scheduledRunJob = defineJob({
  kind: 'extractor.scheduled',
  payload: Type.Object({ sourceId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./extractor.schedule.ts')).runScheduled(trx, deps, job),
});

export const extractorJobs = [runExtractionJob, scheduledRunJob];
