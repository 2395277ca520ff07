import type { Tx } from '../db/client.ts';
import type { Deps } from '../http/context.ts';
import { SLA_JOB } from '../modules/assignment/assignment.engine.ts';
import { checkResponseSla } from '../modules/assignment/assignment.sla.ts';
import { type DailyJob, dailyHandler } from './daily.ts';
import type { Job } from './queue.ts';

/**
 * Runs one job inside its company's tenant transaction; the job is marked done in that same transaction, so
 * its effects and its completion commit together. Throwing rolls both back and schedules a retry.
 */
export type JobHandler = (trx: Tx, deps: Deps, job: Job) => Promise<void>;

/** Jobs every company runs once a day; each run schedules the next (see daily.ts). */
export const dailyJobs: DailyJob[] = [];

/** Every kind of job the worker knows: a kind without a handler fails and is retried, then given up. */
export const jobHandlers: Record<string, JobHandler> = {
  [SLA_JOB]: checkResponseSla,
  ...Object.fromEntries(dailyJobs.map((d) => [d.kind, dailyHandler(d)])),
};
