import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { daily } from '../../jobs/schedule.ts';

/**
 * Fans the company's new events out to its matching endpoints as deliveries. Enqueued by the capture triggers
 * (migration 0021, in the transaction of the change) whenever none is waiting; its payload is empty.
 */
export const dispatchJob = defineJob({
  kind: 'webhooks.dispatch',
  payload: Type.Object({}, { additionalProperties: false }),
  handler: async (trx, deps) => (await import('./webhooks.dispatch.ts')).dispatchEvents(trx, deps),
});

/**
 * One attempt of one delivery. A failed attempt records itself and queues the next on the delivery schedule
 * (the job itself succeeds), so the job's own retries are only for errors of ours (the database).
 */
export const deliverJob = defineJob({
  kind: 'webhooks.deliver',
  payload: Type.Object({ deliveryId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  concurrency: 3,
  handler: async (trx, deps, job) =>
    (await import('./webhooks.deliver.ts')).deliverOne(trx, deps, job.payload.deliveryId),
});

/** Daily, each company: deliveries finished more than 30 days ago go, with their attempts and events. */
export const pruneJob = defineJob({
  kind: 'webhooks.prune',
  schedule: daily('04:10'),
  handler: async (trx, deps) => (await import('./webhooks.dispatch.ts')).pruneDeliveries(trx, deps),
});

export const webhooksJobs = [dispatchJob, deliverJob, pruneJob];
