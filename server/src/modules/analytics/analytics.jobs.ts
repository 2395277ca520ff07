import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';

/**
 * Drains the company's outbox into ClickHouse. Enqueued by the outbox triggers (only while ClickHouse is
 * configured), at start for a company with rows waiting, and by itself while rows are left. While ClickHouse is
 * down it fails and retries, backing off to every 5 minutes, for as long as it takes: the outbox waits.
 */
export const syncJob = defineJob({
  kind: 'analytics.sync',
  payload: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 100_000, delayMs: (attempts) => Math.min(15_000 * 2 ** Math.max(0, attempts - 1), 300_000) },
  concurrency: 2,
  handler: async (trx, deps, job) => (await import('./analytics.service.ts')).runSync(trx, deps, job.companyId),
});

export const analyticsJobs = [syncJob];
