import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';

const FetchPayload = Type.Object({ eventId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const BackfillPayload = Type.Object(
  { formId: Type.String({ pattern: '^[0-9]{1,32}$' }) },
  { additionalProperties: false },
);

// The handlers load the write path when they first run, so this face (read by the timeline) stays light.
const processing = () => import('./facebook.process.ts');

/** Fetches one received lead from the Graph API and creates it through the one write path. */
export const facebookFetchJob = defineJob({
  kind: 'facebook.fetch_lead',
  payload: FetchPayload,
  handler: async (trx, deps, job) => (await processing()).runFetchJob(trx, deps, job),
});

/** One page of a form's earlier leads; the next page is another job, so progress commits page by page. */
export const facebookBackfillJob = defineJob({
  kind: 'facebook.backfill',
  payload: BackfillPayload,
  handler: async (trx, deps, job) => (await processing()).runBackfillJob(trx, deps, job),
  concurrency: 2,
});

export const facebookJobs = [facebookFetchJob, facebookBackfillJob];
