import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { FieldError } from '../../http/errors.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { cron, nextRun } from '../../jobs/schedule.ts';
import { findCompany } from '../companies/index.ts';
import { scheduledJob, syncJob } from './erp.jobs.ts';
import * as repo from './erp.repository.ts';
import { insertRun } from './erp.runs.ts';

/** A connection polls on a cron expression (minute hour day month weekday) on the company's clock. */
export function checkSchedule(expression: string | null | undefined): FieldError | null {
  if (!expression) return null;
  try {
    cron(expression, 'company');
    return null;
  } catch (error) {
    return { path: 'schedule', message: (error as Error).message };
  }
}

/** Queues a sync run of the connection, its job due now. */
export async function queueSync(
  trx: Tx,
  deps: Deps,
  connection: repo.ConnectionRow,
  trigger: 'manual' | 'schedule' | 'notification',
  requestedBy: string | null,
) {
  const run = await insertRun(trx, deps, connection, 'sync', trigger, requestedBy);
  const now = deps.clock.now();
  await enqueue(trx, syncJob, { runId: run.id }, { runAt: now, now });
  return run;
}

/**
 * Sets the connection's next run from its schedule in the company's time zone and queues the job for it. A job
 * left by an earlier schedule does nothing: it must be due at `next_run_at`.
 */
export async function planNext(trx: Tx, deps: Deps, connection: repo.ConnectionRow): Promise<Date | null> {
  const now = deps.clock.now();
  let next: Date | null = null;
  if (connection.schedule) {
    const zone = (await findCompany(trx, connection.company_id))?.timezone ?? 'UTC';
    next = nextRun(cron(connection.schedule, 'company'), now, zone);
    await enqueue(trx, scheduledJob, { connectionId: connection.id }, { runAt: next, now });
  }
  await trx.updateTable('erp_connections').set({ next_run_at: next }).where('id', '=', connection.id).execute();
  return next;
}

export async function runScheduled(trx: Tx, deps: Deps, job: Job<{ connectionId: string }>): Promise<void> {
  const connection = await repo.lockConnection(trx, job.payload.connectionId);
  if (!connection?.schedule || !connection.next_run_at) return;
  if (new Date(connection.next_run_at).getTime() !== job.runAt.getTime()) return;
  if (connection.status === 'connected' && !(await repo.activeRun(trx, connection.id, 'sync'))) {
    await queueSync(trx, deps, connection, 'schedule', null);
  }
  await planNext(trx, deps, connection);
}
