/**
 * ClickHouse for the reports: switching the outbox on or off with the configuration, draining it (the job),
 * filling ClickHouse from scratch (the backfill command), and how far ClickHouse is behind PostgreSQL.
 */
import { sql } from 'kysely';
import { type Database, type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { type ClickHouse, clickhouseFor } from './analytics.clickhouse.ts';
import { syncJob } from './analytics.jobs.ts';
import { drainOutbox, enqueueAll, outboxLag } from './analytics.sync.ts';

/** The companies of the database (read from the global sign-in directory: companies itself is per tenant). */
async function companyIds(db: Database): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT DISTINCT company_id AS id FROM user_directory`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * At start: with CLICKHOUSE_URL set, create the ClickHouse schema, switch the outbox triggers on and make sure
 * every company with rows waiting has a drain queued; without it, switch the triggers off (nothing is captured).
 * A ClickHouse that is down does not stop the start: the drains retry until it is back.
 */
export async function startAnalytics(deps: Deps, log?: { warn(message: string): void }): Promise<void> {
  const ch = clickhouseFor(deps.config);
  if (!ch) {
    await sql`UPDATE analytics_settings SET clickhouse = false WHERE clickhouse`.execute(deps.db);
    return;
  }
  try {
    await ch.ready();
  } catch (error) {
    log?.warn(`ClickHouse is not reachable (${(error as Error).message}): reports run on PostgreSQL until it is`);
  }
  await sql`UPDATE analytics_settings SET clickhouse = true WHERE NOT clickhouse`.execute(deps.db);
  for (const companyId of await companyIds(deps.db)) {
    await withTenant(deps.db, companyId, async (trx) => {
      const waiting = await sql<{ n: number }>`SELECT 1 AS n FROM analytics_outbox LIMIT 1`.execute(trx);
      if (waiting.rows.length > 0) await queueSync(trx, deps);
    });
  }
}

/** A drain for the transaction's company, unless one is already waiting to be claimed. */
async function queueSync(trx: Tx, deps: Deps): Promise<void> {
  const waiting = await trx
    .selectFrom('jobs')
    .select('id')
    .where('company_id', '=', sql<string>`app_current_company()`)
    .where('kind', '=', syncJob.kind)
    .where('done_at', 'is', null)
    .where('locked_until', 'is', null)
    .executeTakeFirst();
  if (!waiting) {
    const now = deps.clock.now();
    await enqueue(trx, syncJob, {}, { runAt: now, now });
  }
}

/** The job: drain the company's outbox; a drain that stopped at its limit queues the next. */
export async function runSync(trx: Tx, deps: Deps, companyId: string): Promise<void> {
  const ch = clickhouseFor(deps.config);
  if (!ch) throw new Error('CLICKHOUSE_URL is not set in this process: the outbox waits for a process that has it');
  const { more } = await drainOutbox(trx, ch, companyId);
  if (more) {
    const now = deps.clock.now();
    await enqueue(trx, syncJob, {}, { runAt: now, now });
  }
}

/** Drains a company's outbox now (the backfill command, tests). */
export async function syncNow(deps: Deps, companyId: string, ch: ClickHouse | null = clickhouseFor(deps.config)) {
  if (!ch) throw new Error('ClickHouse is not configured (CLICKHOUSE_URL)');
  let drained = 0;
  for (;;) {
    const result = await withTenant(deps.db, companyId, (trx) => drainOutbox(trx, ch, companyId));
    drained += result.drained;
    if (!result.more) return drained;
  }
}

/**
 * Puts every record of every company in the outbox and queues the drains (the `clickhouse backfill` command):
 * the first fill of a new ClickHouse, or a refill after it was off. Returns the rows queued per company.
 */
export async function backfill(deps: Deps): Promise<{ companyId: string; rows: number }[]> {
  if (!clickhouseFor(deps.config)) throw new Error('CLICKHOUSE_URL is not set');
  await sql`UPDATE analytics_settings SET clickhouse = true WHERE NOT clickhouse`.execute(deps.db);
  const out: { companyId: string; rows: number }[] = [];
  for (const companyId of await companyIds(deps.db)) {
    const rows = await withTenant(deps.db, companyId, async (trx) => {
      const n = await enqueueAll(trx, companyId);
      await queueSync(trx, deps);
      return n;
    });
    out.push({ companyId, rows });
  }
  return out;
}

/** Which engine the company's reports run on, and how far ClickHouse is behind. */
export async function engineStatus(deps: Deps, companyId: string) {
  const ch = clickhouseFor(deps.config);
  const lag = await withTenant(deps.db, companyId, (trx) => outboxLag(trx));
  let reachable = false;
  if (ch) {
    try {
      reachable = (await ch.client.ping()).success;
    } catch {
      reachable = false;
    }
  }
  return {
    engine: ch && reachable ? ('clickhouse' as const) : ('postgres' as const),
    configured: ch !== null,
    reachable,
    pending: lag.pending,
    lagSeconds: lag.lagSeconds,
  };
}
