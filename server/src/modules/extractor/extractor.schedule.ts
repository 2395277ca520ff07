import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { FieldError } from '../../http/errors.ts';
import type { Job } from '../../jobs/queue.ts';
import { enqueue } from '../../jobs/queue.ts';
import { cron, nextRun } from '../../jobs/schedule.ts';
import { newId } from '../../lib/ids.ts';
import { findCompany } from '../companies/index.ts';
import { runExtractionJob, scheduledRunJob } from './extractor.jobs.ts';
import * as repo from './extractor.repository.ts';

/** A source's schedule is a cron expression (minute hour day month weekday) on the company's clock. */
export function checkSchedule(expression: string | null | undefined): FieldError | null {
  if (!expression) return null;
  try {
    cron(expression, 'company');
    return null;
  } catch (error) {
    return { path: 'schedule', message: (error as Error).message };
  }
}

/** Queues a run of the source (queued, its job due now). */
export async function insertRun(trx: Tx, deps: Deps, source: repo.SourceRow, requestedBy: string | null) {
  const id = newId();
  const now = deps.clock.now();
  const run = await trx
    .insertInto('extractor_runs')
    .values({
      company_id: source.company_id,
      id,
      source_id: source.id,
      status: 'queued',
      cursor_from: source.cursor_value,
      requested_by: requestedBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(trx, runExtractionJob, { runId: id }, { runAt: now, now });
  return run;
}

/**
 * Sets the source's next run from its schedule in the company's time zone and queues the job for it (none
 * without a schedule). A job left by an earlier schedule does nothing: it must be due at `next_run_at`.
 */
export async function planNext(trx: Tx, deps: Deps, source: repo.SourceRow): Promise<Date | null> {
  const now = deps.clock.now();
  let next: Date | null = null;
  if (source.schedule) {
    const zone = (await findCompany(trx, source.company_id))?.timezone ?? 'UTC';
    next = nextRun(cron(source.schedule, 'company'), now, zone);
    await enqueue(trx, scheduledRunJob, { sourceId: source.id }, { runAt: next, now });
  }
  await trx.updateTable('extractor_sources').set({ next_run_at: next }).where('id', '=', source.id).execute();
  return next;
}

/** The scheduled job: a run (unless one is going), then the next time. */
export async function runScheduled(trx: Tx, deps: Deps, job: Job<{ sourceId: string }>): Promise<void> {
  const source = await repo.lockSource(trx, job.payload.sourceId);
  if (!source?.schedule || !source.next_run_at) return;
  if (new Date(source.next_run_at).getTime() !== job.runAt.getTime()) return;
  if (!(await repo.activeRun(trx, source.id))) await insertRun(trx, deps, source, null);
  await planNext(trx, deps, source);
}
