import { sql } from 'kysely';
import { withTenant } from '../db/client.ts';
import type { Deps } from '../http/context.ts';
import type { Job } from './queue.ts';
import { type JobHandler, jobHandlers } from './registry.ts';

/** A claimed job is someone's for this long; a worker that dies mid-job leaves it to be claimed again after. */
const LEASE_MS = 5 * 60_000;
export const MAX_ATTEMPTS = 5;

/** 30 s, 2 min, 8 min, 32 min, then hourly: a failing job backs off instead of hammering what it calls. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 4 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface RunResult {
  claimed: number;
  done: number;
  failed: number;
}

interface Logger {
  error(details: object, message: string): void;
}

/**
 * Claims the jobs due by the app clock (skipping rows another worker holds) and runs each inside its company's
 * tenant transaction. Several processes may run this at once: each job goes to one of them.
 */
export async function runDueJobs(
  deps: Deps,
  options: { limit?: number; handlers?: Record<string, JobHandler>; log?: Logger } = {},
): Promise<RunResult> {
  const limit = options.limit ?? 50;
  const handlers = options.handlers ?? jobHandlers;
  const now = deps.clock.now();
  const claimed = await sql<{
    id: string;
    company_id: string;
    kind: string;
    payload: Record<string, unknown>;
    attempts: number;
    run_at: Date;
  }>`
    UPDATE jobs SET attempts = attempts + 1, locked_until = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id IN (
      SELECT id FROM jobs
      WHERE done_at IS NULL AND run_at <= ${now} AND (locked_until IS NULL OR locked_until <= ${now})
      ORDER BY run_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, company_id, kind, payload, attempts, run_at`.execute(deps.db);

  const result: RunResult = { claimed: claimed.rows.length, done: 0, failed: 0 };
  const jobs = claimed.rows
    .map<Job>((r) => ({
      id: r.id,
      companyId: r.company_id,
      kind: r.kind,
      payload: r.payload ?? {},
      attempts: r.attempts,
      runAt: new Date(r.run_at),
    }))
    .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id.localeCompare(b.id));
  for (const job of jobs) {
    try {
      await withTenant(deps.db, job.companyId, async (trx) => {
        const handler = handlers[job.kind];
        if (!handler) throw new Error(`no handler for jobs of kind ${job.kind}`);
        await handler(trx, deps, job);
        await trx
          .updateTable('jobs')
          .set({ done_at: deps.clock.now(), locked_until: null, last_error: null })
          .where('id', '=', job.id)
          .execute();
      });
      result.done++;
    } catch (error) {
      result.failed++;
      await recordFailure(deps, job, error);
      options.log?.error({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'job failed');
    }
  }
  return result;
}

/** Keeps why it failed, and either schedules the next attempt or gives up (done, with the last error kept). */
async function recordFailure(deps: Deps, job: Job, error: unknown): Promise<void> {
  const now = deps.clock.now();
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  const givingUp = job.attempts >= MAX_ATTEMPTS;
  await deps.db
    .updateTable('jobs')
    .set({
      last_error: givingUp ? `gave up after ${job.attempts} attempts: ${message}` : message,
      locked_until: null,
      ...(givingUp ? { done_at: now } : { run_at: new Date(now.getTime() + retryDelayMs(job.attempts)) }),
    })
    .where('id', '=', job.id)
    .execute();
}

/** Finished jobs are kept a while for inspection; failed ones (given up) stay until someone looks. */
export async function pruneJobs(deps: Deps, keepDays = 14): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - keepDays * 86_400_000);
  const result = await deps.db
    .deleteFrom('jobs')
    .where('done_at', '<', before)
    .where('last_error', 'is', null)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether a job is due now and free to claim (what a finished job may just have enqueued). */
export async function workDue(deps: Deps): Promise<boolean> {
  const now = deps.clock.now();
  const row = await deps.db
    .selectFrom('jobs')
    .select('id')
    .where('done_at', 'is', null)
    .where('run_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface JobWorker {
  stop(): Promise<void>;
}

/**
 * Polls for due jobs every `intervalMs`, at once again while batches come back full or finished jobs left more work
 * due; stops cleanly.
 */
export function startJobWorker(deps: Deps, options: { intervalMs: number; log: Logger }): JobWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let prunedAt = 0;
  const batch = 50;

  const tick = async () => {
    timer = null;
    let full = false;
    try {
      const result = await runDueJobs(deps, { limit: batch, log: options.log });
      // A chain of chunks (an import, a bulk action) enqueues its next step due now: run it without waiting a poll.
      full = result.claimed === batch || (result.done > 0 && (await workDue(deps)));
      if (deps.clock.now().getTime() - prunedAt > 3_600_000) {
        prunedAt = deps.clock.now().getTime();
        await pruneJobs(deps);
      }
    } catch (error) {
      options.log.error({ err: error }, 'job worker could not claim jobs');
    }
    if (!stopped) timer = setTimeout(() => schedule(), full ? 0 : options.intervalMs);
  };
  const schedule = () => {
    running = tick().finally(() => {
      running = null;
    });
  };
  timer = setTimeout(() => schedule(), options.intervalMs);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
