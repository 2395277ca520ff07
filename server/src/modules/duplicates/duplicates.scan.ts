import { type SqlBool, sql } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { leadIsLive } from '../leads/index.ts';
import { groupPairs, type Pair, reconcile } from './duplicates.grouping.ts';
import { scanJob } from './duplicates.jobs.ts';
import { fuzzyNameCandidates, loadDuplicateSettings, type MatchKey, nameAlike } from './duplicates.match.ts';
import * as repo from './duplicates.repository.ts';

/** Leads compared by name per job run: a few seconds of work, then the next chunk is queued. */
const CHUNK = 2000;
/** A key more leads share than this is a shared mailbox or a placeholder number, not one person. */
const MAX_SHARED_KEY = 50;
/** A scan queued or running longer than this was abandoned (its job gave up): another may start. */
const STALE_MS = 60 * 60_000;

type ScanRow = NonNullable<Awaited<ReturnType<typeof findScan>>>;

async function findScan(trx: Tx, id: string) {
  return trx.selectFrom('duplicate_scans').selectAll().where('id', '=', id).executeTakeFirst();
}

export function toScan(row: ScanRow) {
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    status: row.status as 'queued' | 'running' | 'done' | 'failed',
    trigger: row.trigger,
    jobId: row.job_id,
    leadsTotal: row.leads_total,
    leadsDone: row.leads_done,
    pairsFound: row.pairs_found,
    groupsOpen: row.groups_open,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/** The scan queued or running now, if any; an abandoned one is marked failed on the way. */
async function activeScan(trx: Tx, now: Date): Promise<ScanRow | undefined> {
  const active = await trx
    .selectFrom('duplicate_scans')
    .selectAll()
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at', 'desc')
    .execute();
  const stale = active.filter((s) => now.getTime() - new Date(s.created_at).getTime() > STALE_MS);
  if (stale.length > 0) {
    await trx
      .updateTable('duplicate_scans')
      .set({ status: 'failed', error: 'abandoned: its job did not finish', finished_at: now })
      .where(
        'id',
        'in',
        stale.map((s) => s.id),
      )
      .execute();
  }
  return active.find((s) => !stale.includes(s));
}

/**
 * Queues a scan (its first chunk runs as soon as a worker takes the job); one at a time per company. `inline`:
 * the caller runs the steps itself (the demo seed), no job is queued.
 */
export async function startScan(
  trx: Tx,
  input: { companyId: string; trigger: 'manual' | 'daily' | 'seed'; by: string | null; now: Date; inline?: boolean },
): Promise<{ scan: ScanRow; started: boolean }> {
  await repo.lockQueue(trx, input.companyId);
  const running = await activeScan(trx, input.now);
  if (running) return { scan: running, started: false };
  const id = newId();
  const jobId = input.inline ? null : await enqueue(trx, scanJob, { scanId: id }, { runAt: input.now });
  await trx
    .insertInto('duplicate_scans')
    .values({
      company_id: input.companyId,
      id,
      status: 'queued',
      trigger: input.trigger,
      requested_by: input.by,
      job_id: jobId,
      created_at: input.now,
    })
    .execute();
  const scan = await findScan(trx, id);
  if (!scan) throw new Error('scan vanished');
  return { scan, started: true };
}

/** `POST /duplicates/scan`: 202 with the scan (the one already under way, when there is one). */
export async function requestScan(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    const { scan, started } = await startScan(trx, {
      companyId: ctx.actor.companyId,
      trigger: 'manual',
      by: ctx.actor.userId,
      now,
    });
    if (started) {
      await recordAudit(trx, ctx, {
        action: 'duplicates.scan_requested',
        entityType: 'duplicate_scan',
        entityId: scan.id,
        after: { trigger: 'manual' },
        at: now,
      });
    }
    return toScan(scan);
  });
}

export async function getScan(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const scan = await findScan(trx, id);
    if (!scan) throw notFound('scan');
    return toScan(scan);
  });
}

export async function latestScan(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const scan = await trx
      .selectFrom('duplicate_scans')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return scan ? toScan(scan) : null;
  });
}

/**
 * One run of a scan: the first finds every pair sharing an e-mail or phone (one grouped statement each), then
 * each run compares the names of the next chunk of leads through the trigram index and queues the next; the
 * last groups the pairs into the review queue. Progress is on the scan row after every run.
 */
export async function runScanJob(trx: Tx, deps: Deps, job: Job<{ scanId: string }>): Promise<void> {
  const now = deps.clock.now();
  const more = await scanStep(trx, job.companyId, job.payload.scanId, now);
  if (more) await enqueue(trx, scanJob, { scanId: job.payload.scanId }, { runAt: now });
}

/** One chunk of a scan; true while there is more to do. */
export async function scanStep(
  trx: Tx,
  companyId: string,
  scanId: string,
  now: Date,
  chunkSize = CHUNK,
): Promise<boolean> {
  const scan = await findScan(trx, scanId);
  if (!scan || scan.status === 'done' || scan.status === 'failed') return false;
  const settings = await loadDuplicateSettings(trx);
  if (scan.status === 'queued') {
    const total = await trx
      .selectFrom('leads as l')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(leadIsLive)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('duplicate_scans')
      .set({ status: 'running', started_at: now, leads_total: Number(total.n) })
      .where('id', '=', scan.id)
      .execute();
    await trx.deleteFrom('duplicate_pairs').where('scan_id', '<>', scan.id).execute();
    await insertSharedKeyPairs(trx, companyId, scan.id, 'email', settings.plusAddressing ? 'email_keys' : 'emails');
    await insertSharedKeyPairs(trx, companyId, scan.id, 'phone', 'phones');
  }

  const chunk = await trx
    .selectFrom('leads as l')
    .select('l.id')
    .where(leadIsLive)
    .$if(scan.cursor !== null, (q) => q.where('l.id', '>', scan.cursor as string))
    .orderBy('l.id')
    .limit(chunkSize)
    .execute();
  const last = chunk.at(-1)?.id;
  if (last) {
    await insertNamePairs(trx, companyId, scan.id, { after: scan.cursor, last }, settings.nameThreshold);
    await trx
      .updateTable('duplicate_scans')
      .set({ cursor: last, leads_done: sql`leads_done + ${chunk.length}` })
      .where('id', '=', scan.id)
      .execute();
  }
  if (chunk.length === chunkSize) return true;
  await finishScan(
    trx,
    companyId,
    scan.id,
    { startedAt: new Date(scan.started_at ?? now), now },
    settings.nameThreshold,
  );
  return false;
}

async function insertSharedKeyPairs(
  trx: Tx,
  companyId: string,
  scanId: string,
  key: MatchKey,
  column: 'emails' | 'email_keys' | 'phones',
): Promise<void> {
  await sql`
    INSERT INTO duplicate_pairs (company_id, scan_id, lead_a, lead_b, key, score)
    SELECT ${companyId}, ${scanId}, x.a, y.b, ${key}, 1
    FROM (
      SELECT array_agg(l.id ORDER BY l.id) AS ids
      FROM leads l, unnest(${sql.ref(`l.${column}`)}) AS k(v)
      WHERE ${leadIsLive}
      GROUP BY k.v HAVING count(*) BETWEEN 2 AND ${MAX_SHARED_KEY}
    ) g
    CROSS JOIN LATERAL unnest(g.ids) AS x(a)
    CROSS JOIN LATERAL unnest(g.ids) AS y(b)
    WHERE x.a < y.b
    ON CONFLICT DO NOTHING`.execute(trx);
}

/**
 * The name pairs of a chunk of leads, each compared with every live lead through the fuzzy name lookup. A name
 * more leads bear than MAX_SHARED_KEY tells no one apart ("Rahul Sharma" a hundred times): those pair on
 * their e-mail or phone only.
 */
async function insertNamePairs(
  trx: Tx,
  companyId: string,
  scanId: string,
  range: { after: string | null; last: string },
  threshold: number,
): Promise<void> {
  const common = await trx
    .selectFrom('leads as l')
    .select('l.name_key')
    .where(leadIsLive)
    .groupBy('l.name_key')
    .having((eb) => eb.fn.countAll(), '>', MAX_SHARED_KEY)
    .execute();
  const tooCommon = common.map((r) => r.name_key);
  const only = sql<SqlBool>`l.id <> p.id AND ${leadIsLive} AND l.name_key <> ALL(${tooCommon}::text[])`;
  await sql`SELECT set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`.execute(trx);
  await sql`
    WITH p AS MATERIALIZED (
      SELECT l.id, lower(l.name) AS n, l.name_digits AS d, l.company_key AS c
      FROM leads l
      WHERE ${leadIsLive} AND l.id <= ${range.last} AND (${range.after}::uuid IS NULL OR l.id > ${range.after}::uuid)
        AND l.name_key <> ALL(${tooCommon}::text[])
    )
    INSERT INTO duplicate_pairs (company_id, scan_id, lead_a, lead_b, key, score)
    SELECT ${companyId}, ${scanId}, least(p.id, m.id), greatest(p.id, m.id), 'name', max(m.score)
    FROM p CROSS JOIN LATERAL (${fuzzyNameCandidates(threshold, only, 10)}) m
    GROUP BY 3, 4
    ON CONFLICT DO NOTHING`.execute(trx);
}

/** Groups the scan's pairs (live leads, dismissed pairs left out) and brings the review queue in line with them. */
async function finishScan(
  trx: Tx,
  companyId: string,
  scanId: string,
  times: { startedAt: Date; now: Date },
  threshold: number,
): Promise<void> {
  const { startedAt, now } = times;
  await repo.lockQueue(trx, companyId);
  // Leads paired on an e-mail or phone whose names are alike too are surer: their name agreement is measured
  // here, as the name lookup would (a name too common to pair on its own still confirms a shared e-mail).
  const rows = await sql<{ a: string; b: string; key: MatchKey; score: number; name_score: number | null }>`
    SELECT dp.lead_a AS a, dp.lead_b AS b, dp.key, dp.score,
      CASE WHEN dp.key <> 'name' THEN ${nameAlike(threshold)} END AS name_score
    FROM duplicate_pairs dp
    JOIN leads l ON l.id = dp.lead_a JOIN leads l2 ON l2.id = dp.lead_b
    CROSS JOIN LATERAL (SELECT lower(l2.name) AS n, l2.name_digits AS d, l2.company_key AS c) p
    WHERE dp.scan_id = ${scanId} AND ${leadIsLive} AND l2.deleted_at IS NULL AND l2.merged_into IS NULL
      AND NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d.lead_a = dp.lead_a AND d.lead_b = dp.lead_b)`.execute(
    trx,
  );
  const pairs: Pair[] = rows.rows.flatMap((r) => [
    { a: r.a, b: r.b, key: r.key, score: Number(r.score) },
    ...(r.name_score === null ? [] : [{ a: r.a, b: r.b, key: 'name' as const, score: Number(r.name_score) }]),
  ]);
  const components = groupPairs(pairs);
  const { kept, added, gone } = reconcile(components, await repo.openGroups(trx));
  for (const { id, component, changed } of kept) {
    if (changed) await repo.replaceGroup(trx, companyId, { id, ...component }, now);
  }
  for (const component of added) {
    await repo.insertGroup(trx, { companyId, id: newId(), origin: 'scan', now, ...component });
  }
  // Flagged while the scan ran: its pairs may not have been seen, so the group stays for the next scan.
  const stale = gone.filter((g) => g.updatedAt.getTime() < startedAt.getTime());
  const merged = await repo.mergedAway(
    trx,
    stale.flatMap((g) => g.members.map((m) => m.leadId)),
  );
  const wasMerged = (g: (typeof stale)[number]) => g.members.some((m) => merged.has(m.leadId));
  await repo.setGroupStatus(
    trx,
    stale.filter(wasMerged).map((g) => g.id),
    'merged',
    null,
    now,
  );
  await repo.deleteGroups(
    trx,
    stale.filter((g) => !wasMerged(g)).map((g) => g.id),
  );
  await trx.deleteFrom('duplicate_pairs').where('scan_id', '=', scanId).execute();
  const open = await trx
    .selectFrom('duplicate_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('duplicate_scans')
    .set({
      status: 'done',
      finished_at: now,
      // What was compared: leads created or trashed while it ran make the count at the start approximate.
      leads_total: sql`leads_done`,
      pairs_found: new Set(pairs.map((x) => `${x.a}|${x.b}`)).size,
      groups_open: Number(open.n),
    })
    .where('id', '=', scanId)
    .execute();
}

/** The nightly scan (duplicates.jobs.ts): one more scan, unless one is under way. */
export async function runDailyScan(trx: Tx, deps: Deps, job: Job<unknown>): Promise<void> {
  await startScan(trx, { companyId: job.companyId, trigger: 'daily', by: null, now: deps.clock.now() });
}
