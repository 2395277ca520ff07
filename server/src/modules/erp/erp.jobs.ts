import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';

const RunPayload = Type.Object({ runId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** A sync run (customers, invoices, payments from their checkpoints); it records its own failure. */
export const syncJob = defineJob({
  kind: 'erp.sync',
  payload: RunPayload,
  retry: { attempts: 1 },
  concurrency: 2,
  handler: async (trx, deps, job) => (await import('./erp.sync.ts')).runSync(trx, deps, job),
});

/** Drains the company's push outbox (won and edited leads, manual pushes, due retries). */
export const pushJob = defineJob({
  kind: 'erp.push',
  payload: Type.Object({}, { additionalProperties: false }),
  concurrency: 1,
  handler: async (trx, deps, job) => (await import('./erp.push.ts')).runPush(trx, deps, job),
});

/** A consistency check of one connection (and, when asked, its repair). */
export const consistencyJob = defineJob({
  kind: 'erp.consistency',
  payload: Type.Object(
    { runId: Type.String({ format: 'uuid' }), repair: Type.Boolean() },
    { additionalProperties: false },
  ),
  retry: { attempts: 1 },
  handler: async (trx, deps, job) => (await import('./erp.consistency.ts')).runConsistency(trx, deps, job),
});

/** A connection's scheduled time: a sync run (unless one is going), then the next time. */
export const scheduledJob = defineJob({
  kind: 'erp.scheduled',
  payload: Type.Object({ connectionId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  handler: async (trx, deps, job) => (await import('./erp.schedule.ts')).runScheduled(trx, deps, job),
});

export const erpJobs = [syncJob, pushJob, consistencyJob, scheduledJob];
