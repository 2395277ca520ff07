import type { Tx } from '../db/client.ts';
import type { Deps } from '../http/context.ts';
import { enqueue, type Job } from './queue.ts';

/** A job's work, as the registry runs it (inside the company's tenant transaction). */
type Handler = (trx: Tx, deps: Deps, job: Job) => Promise<void>;

/** Housekeeping that runs once a day per company (trash purge, duplicate scan) at a fixed UTC time. */
export interface DailyJob {
  kind: string;
  /** Minutes after midnight UTC. */
  atMinute: number;
  run: Handler;
}

/** The next time of day `atMinute` strictly after `now`. */
export function nextDailyRun(now: Date, atMinute: number): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, atMinute));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

/**
 * The handler of a daily job: does the day's work, then schedules tomorrow's run in the same transaction, so
 * exactly one run stays pending per company and kind, across restarts and several workers.
 */
export function dailyHandler(daily: DailyJob): Handler {
  return async (trx, deps, job) => {
    await daily.run(trx, deps, job);
    const now = deps.clock.now();
    await enqueue(trx, {
      companyId: job.companyId,
      kind: daily.kind,
      runAt: nextDailyRun(now, daily.atMinute),
      payload: {},
      now,
    });
  };
}

/** Schedules each daily job a company does not have pending yet (a new company, or a kind added since). */
export async function scheduleDailyJobs(trx: Tx, dailies: DailyJob[], companyId: string, now: Date): Promise<void> {
  for (const daily of dailies) {
    const pending = await trx
      .selectFrom('jobs')
      .select('id')
      .where('company_id', '=', companyId)
      .where('kind', '=', daily.kind)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    if (!pending) {
      await enqueue(trx, { companyId, kind: daily.kind, runAt: nextDailyRun(now, daily.atMinute), payload: {}, now });
    }
  }
}
