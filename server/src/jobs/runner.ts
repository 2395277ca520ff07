import { sql } from 'kysely';
import { withTenant } from '../db/client.ts';
import type { Deps } from '../http/context.ts';
import {
  type AnyJobDefinition,
  checkPayload,
  type Job,
  JobPayloadError,
  MAX_ATTEMPTS,
  retryDelayMs,
} from './define.ts';
import { ensureSchedules, type JobRegistry, settleSchedulesJob } from './registry.ts';

export { MAX_ATTEMPTS, retryDelayMs };

/** A claimed job is someone's for this long; a worker that dies mid-job leaves it to be claimed again after. */
const LEASE_MS = 5 * 60_000;

export interface RunResult {
  claimed: number;
  done: number;
  failed: number;
}

export interface Logger {
  error(details: object, message: string): void;
}

/**
 * Claims up to `limit` jobs due by the app clock, skipping rows another worker holds and the kinds in
 * `except`, oldest first. The lease and the attempt count are taken in the same statement.
 */
export async function claimJobs(
  deps: Deps,
  options: { limit: number; except?: readonly string[]; only?: readonly string[] },
): Promise<Job[]> {
  const now = deps.clock.now();
  const only = options.only ? sql`AND kind = ANY(${[...options.only]}::text[])` : sql``;
  const claimed = await sql<{
    id: string;
    company_id: string;
    kind: string;
    payload: Record<string, unknown> | null;
    attempts: number;
    run_at: Date;
  }>`
    UPDATE jobs SET attempts = attempts + 1, locked_until = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id IN (
      SELECT id FROM jobs
      WHERE done_at IS NULL AND run_at <= ${now} AND (locked_until IS NULL OR locked_until <= ${now})
        AND kind <> ALL(${[...(options.except ?? [])]}::text[]) ${only}
      ORDER BY run_at, id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, company_id, kind, payload, attempts, run_at`.execute(deps.db);
  return claimed.rows
    .map<Job>((r) => ({
      id: r.id,
      companyId: r.company_id,
      kind: r.kind,
      payload: r.payload ?? {},
      attempts: r.attempts,
      runAt: new Date(r.run_at),
    }))
    .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id.localeCompare(b.id));
}

/**
 * Runs one claimed job inside its company's tenant transaction and marks it done there, so its effects and
 * its completion commit together; a scheduled job's next run is enqueued in that same transaction. A failure
 * rolls everything back and is recorded (see recordFailure). True when it succeeded.
 */
export async function runJob(deps: Deps, registry: JobRegistry, job: Job, log?: Logger): Promise<boolean> {
  const definition = registry.get(job.kind);
  try {
    await withTenant(deps.db, job.companyId, async (trx) => {
      if (!definition) throw new Error(`no handler for jobs of kind ${job.kind}`);
      checkPayload(definition, job.payload);
      await definition.handler(trx, deps, job);
      const now = deps.clock.now();
      await trx
        .updateTable('jobs')
        .set({ done_at: now, locked_until: null, last_error: null })
        .where('id', '=', job.id)
        .execute();
      if (definition.schedule) await ensureSchedules(trx, registry, job.companyId, now);
    });
    return true;
  } catch (error) {
    try {
      await recordFailure(deps, registry, job, definition, error);
    } catch (recording) {
      log?.error({ err: recording, jobId: job.id }, 'could not record a job failure');
    }
    log?.error({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'job failed');
    return false;
  }
}

/**
 * Keeps why it failed, and either schedules the next attempt (the kind's retry policy) or gives up (done, with
 * the last error kept). A payload that does not match its schema is given up at once: retrying cannot fix it.
 * A scheduled job that gives up still gets its next run.
 */
async function recordFailure(
  deps: Deps,
  registry: JobRegistry,
  job: Job,
  definition: AnyJobDefinition | undefined,
  error: unknown,
): Promise<void> {
  const now = deps.clock.now();
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  const retry = definition?.retry ?? { attempts: MAX_ATTEMPTS, delayMs: retryDelayMs };
  const givingUp = error instanceof JobPayloadError || job.attempts >= retry.attempts;
  const update = deps.db.updateTable('jobs').set({
    last_error: givingUp ? `gave up after ${job.attempts} attempts: ${message}` : message,
    locked_until: null,
    ...(givingUp ? { done_at: now } : { run_at: new Date(now.getTime() + retry.delayMs(job.attempts)) }),
  });
  if (!(givingUp && definition?.schedule)) {
    await update.where('id', '=', job.id).execute();
    return;
  }
  await withTenant(deps.db, job.companyId, async (trx) => {
    await trx.executeQuery(update.where('id', '=', job.id).compile());
    await ensureSchedules(trx, registry, job.companyId, now);
  });
}

/**
 * Runs claimed jobs, at most `limit` at once and at most a kind's own `concurrency` of that kind; jobs wait in
 * claim order (oldest first) for a free slot.
 */
export class JobPool {
  private readonly waiting: Job[] = [];
  private readonly runningByKind = new Map<string, number>();
  private running = 0;
  private readonly idle: (() => void)[] = [];
  private readonly limit: number;
  private readonly registry: JobRegistry;
  private readonly run: (job: Job) => Promise<void>;
  private readonly finished: () => void;

  constructor(
    limit: number,
    registry: JobRegistry,
    run: (job: Job) => Promise<void>,
    finished: () => void = () => undefined,
  ) {
    this.limit = limit;
    this.registry = registry;
    this.run = run;
    this.finished = finished;
  }

  /** Jobs held: running or waiting for a slot. */
  get load(): number {
    return this.running + this.waiting.length;
  }

  /** The kinds at their own limit (running and waiting), not to be claimed now. */
  fullKinds(): string[] {
    const held = new Map(this.runningByKind);
    for (const job of this.waiting) held.set(job.kind, (held.get(job.kind) ?? 0) + 1);
    return [...held].filter(([kind, n]) => n >= (this.registry.get(kind)?.concurrency ?? Infinity)).map(([k]) => k);
  }

  add(jobs: Job[]): void {
    this.waiting.push(...jobs);
    this.pump();
  }

  /** Resolves once nothing runs or waits. */
  drained(): Promise<void> {
    if (this.load === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.limit; ) {
      const job = this.waiting[i] as Job;
      const cap = this.registry.get(job.kind)?.concurrency ?? Infinity;
      if ((this.runningByKind.get(job.kind) ?? 0) >= cap) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.running++;
    this.runningByKind.set(job.kind, (this.runningByKind.get(job.kind) ?? 0) + 1);
    void this.run(job)
      .catch(() => undefined)
      .finally(() => {
        this.running--;
        this.runningByKind.set(job.kind, (this.runningByKind.get(job.kind) ?? 1) - 1);
        this.pump();
        if (this.load === 0) for (const resolve of this.idle.splice(0)) resolve();
        this.finished();
      });
  }
}

/**
 * One pass over the queue, as the tests (with the manual clock) and the worker run it: claims up to `limit`
 * jobs due by the app clock and runs them, `concurrency` at a time (1 by default: one after another, oldest
 * first, for tests that read the order of what jobs did). New companies' schedules are set up first, so their
 * first runs are due in this same pass. Several processes may run this at once: each job goes to one of them.
 */
export async function runDueJobs(
  deps: Deps,
  options: { limit?: number; registry?: JobRegistry; concurrency?: number; log?: Logger } = {},
): Promise<RunResult> {
  const registry = options.registry ?? deps.jobs;
  const limit = options.limit ?? 50;
  const result: RunResult = { claimed: 0, done: 0, failed: 0 };
  const pool = new JobPool(options.concurrency ?? 1, registry, async (job) => {
    if (await runJob(deps, registry, job, options.log)) result.done++;
    else result.failed++;
  });
  for (const only of [[settleSchedulesJob.kind], undefined]) {
    const jobs = await claimJobs(deps, { limit: limit - result.claimed, only });
    result.claimed += jobs.length;
    pool.add(jobs);
    await pool.drained();
    if (result.claimed >= limit) break;
  }
  return result;
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
