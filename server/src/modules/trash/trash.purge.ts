import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import { recordAudit } from '../audit/index.ts';
import { purgeMoreJob } from './trash.jobs.ts';
import { TRASH_DAYS } from './trash.service.ts';

const BATCH = 500;
/** Leads per run (one transaction): a run stays well inside the job lease even with many related rows. */
const MAX_PER_RUN = 10_000;
/** How deep rows referring to rows referring to a lead are followed (an activity's reminders, a merge's parts). */
const MAX_DEPTH = 4;

interface Table {
  schema: string;
  name: string;
}

interface ForeignKey {
  table: Table;
  columns: string[];
  /** The referenced table's columns, in the order of `columns`. */
  refColumns: string[];
}

const ident = (t: Table) => sql.id(t.schema, t.name);
const same = (a: Table, b: Table) => a.schema === b.schema && a.name === b.name;

/**
 * The foreign keys that point at `table`, read from the catalog: the purge finds every table that refers to a
 * lead, including those later modules add, without a list to keep up to date.
 */
async function referencing(trx: Tx, table: Table): Promise<ForeignKey[]> {
  const { rows } = await sql<{ schema: string; name: string; columns: string[]; ref_columns: string[] }>`
    SELECT n.nspname AS schema, r.relname AS name,
      ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(num, i)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.i) AS columns,
      ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(num, i)
        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.i) AS ref_columns
    FROM pg_constraint c
    JOIN pg_class r ON r.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = r.relnamespace
    WHERE c.contype = 'f' AND c.confrelid = (
      SELECT t.oid FROM pg_class t JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE tn.nspname = ${table.schema} AND t.relname = ${table.name})
    ORDER BY n.nspname, r.relname, c.conname`.execute(trx);
  return rows.map((r) => ({
    table: { schema: r.schema, name: r.name },
    columns: r.columns,
    refColumns: r.ref_columns,
  }));
}

/**
 * Deletes the rows of `table` matching `where`, after the rows of other tables that refer to them (depth
 * first), so no foreign key is left dangling. A table's references to itself (a tombstone's survivor) are
 * deleted in the same statement.
 */
async function deleteWithReferences(trx: Tx, table: Table, where: RawBuilder<SqlBool>, path: Table[]): Promise<void> {
  if (path.length > MAX_DEPTH) throw new Error(`rows refer to ${table.name} deeper than ${MAX_DEPTH} tables`);
  for (const fk of await referencing(trx, table)) {
    if (same(fk.table, table) || path.some((t) => same(t, fk.table))) continue;
    const columns = sql.join(fk.columns.map((c) => sql.ref(c)));
    const refColumns = sql.join(fk.refColumns.map((c) => sql.ref(c)));
    const childWhere = sql<SqlBool>`(${columns}) IN (SELECT ${refColumns} FROM ${ident(table)} WHERE ${where})`;
    await deleteWithReferences(trx, fk.table, childWhere, [...path, table]);
  }
  await sql`DELETE FROM ${ident(table)} WHERE ${where}`.execute(trx);
}

/** The leads to purge with the merge tombstones that point at them, at any depth. */
async function withTombstones(trx: Tx, ids: string[]): Promise<{ id: string; name: string }[]> {
  const { rows } = await sql<{ id: string; name: string }>`
    WITH RECURSIVE doomed AS (
      SELECT l.id, l.name FROM leads l WHERE l.id = ANY (${ids}::uuid[])
      UNION
      SELECT t.id, t.name FROM leads t JOIN doomed d ON t.merged_into = d.id
    )
    SELECT id, name FROM doomed`.execute(trx);
  return rows;
}

/**
 * Hard-deletes the leads trashed more than TRASH_DAYS ago by the app clock, with every row that refers to them
 * and the merge tombstones that point at them. The only hard delete of leads; each is audited `lead.purged`
 * (the audit log keeps its history). Runs in the job's tenant transaction, in batches; what a run leaves is
 * left to a follow-up job.
 */
export async function purgeTrash(trx: Tx, deps: Deps, job: Job<unknown>): Promise<number> {
  const ctx = jobContext(job);
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - TRASH_DAYS * 86_400_000);
  const leadsTable: Table = { schema: 'public', name: 'leads' };
  let purged = 0;
  while (purged < MAX_PER_RUN) {
    const due = await trx
      .selectFrom('leads')
      .select('id')
      .where('deleted_at', '<', cutoff)
      .orderBy('deleted_at')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (due.length === 0) return purged;
    const doomed = await withTombstones(
      trx,
      due.map((r) => r.id),
    );
    const ids = doomed.map((d) => d.id);
    await deleteWithReferences(trx, leadsTable, sql<SqlBool>`id = ANY (${ids}::uuid[])`, []);
    for (const lead of doomed) {
      await recordAudit(trx, ctx, {
        action: 'lead.purged',
        entityType: 'lead',
        entityId: lead.id,
        before: { name: lead.name },
        after: null,
        at: now,
      });
    }
    purged += doomed.length;
  }
  await enqueue(trx, purgeMoreJob, {}, { runAt: now });
  return purged;
}

/** Bulk actions are kept for their creators to look back on for as long as the trash keeps leads. */
export async function pruneBulkActions(trx: Tx, deps: Deps): Promise<void> {
  const before = new Date(deps.clock.now().getTime() - TRASH_DAYS * 86_400_000);
  await trx.deleteFrom('bulk_actions').where('finished_at', '<', before).execute();
}

/** The daily run (trash.jobs.ts). */
export async function runDailyPurge(trx: Tx, deps: Deps, job: Job<unknown>): Promise<void> {
  await purgeTrash(trx, deps, job);
  await pruneBulkActions(trx, deps);
}

export async function purgeMore(trx: Tx, deps: Deps, job: Job<unknown>): Promise<void> {
  await purgeTrash(trx, deps, job);
}
