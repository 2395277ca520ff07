import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { leadIsLive, leadsQuery, leadVisibleTo } from '../leads/index.ts';

import type { Image } from './merge-rebase.ts';

/** The live leads among `ids` the actor may see, locked in id order (so concurrent merges cannot deadlock). */
export async function lockLiveLeads(trx: Tx, actor: Actor, ids: string[]) {
  return leadsQuery(trx)
    .where('l.id', 'in', ids)
    .where(leadVisibleTo(actor))
    .where(leadIsLive)
    .orderBy('l.id')
    .forUpdate('l')
    .execute();
}

/** Every lead among `ids`, whatever its state, locked in id order. */
export async function lockLeads(trx: Tx, ids: string[]) {
  return trx
    .selectFrom('leads')
    .select(['id', 'deleted_at', 'merged_into'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Whole rows as JSON, every column (including those later migrations add). Times are written in UTC whatever the
 * session's zone, so images taken at different times compare as text.
 */
export async function rowImages(trx: Tx, ids: string[]): Promise<Map<string, Image>> {
  await sql`SELECT set_config('TimeZone', 'UTC', true)`.execute(trx);
  const result = await sql<{ id: string; image: Image }>`
    SELECT l.id, to_jsonb(l) AS image FROM leads l WHERE l.id = ANY(${ids}::uuid[])`.execute(trx);
  return new Map(result.rows.map((r) => [r.id, r.image]));
}

/** The columns of the leads table today, so an image is written back only into columns that exist. */
export async function leadTableColumns(trx: Tx): Promise<Set<string>> {
  const result = await sql<{ name: string }>`
    SELECT attname AS name FROM pg_attribute
    WHERE attrelid = 'leads'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`.execute(trx);
  return new Set(result.rows.map((r) => r.name));
}

/** Writes a row image back over a lead (as one update: the stage totals trigger sees one change). */
export async function writeImage(trx: Tx, id: string, image: Image, now: Date): Promise<void> {
  const columns = Object.keys(image);
  if (columns.length === 0) return;
  await sql`
    UPDATE leads SET (${sql.join(columns.map((c) => sql.id(c)))}) = (
      SELECT ${sql.join(columns.map((c) => sql.id('r', c)))}
      FROM jsonb_populate_record(NULL::leads, ${JSON.stringify(image)}::jsonb) r
    ), version = version + 1, updated_at = ${now}
    WHERE id = ${id}`.execute(trx);
}

/** Moves the rows of one lead-owned table from one lead to another; returns the ids of the rows moved. */
export async function moveRows(trx: Tx, table: string, fromId: string, toId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    UPDATE ${sql.table(table)} SET lead_id = ${toId} WHERE lead_id = ${fromId} RETURNING id`.execute(trx);
  return result.rows.map((r) => r.id);
}

/** Moves the given rows back, those still on `fromId` (a row deleted since is gone); returns how many moved. */
export async function moveRowsBack(trx: Tx, table: string, ids: string[], fromId: string, toId: string) {
  if (ids.length === 0) return 0;
  const result = await sql`
    UPDATE ${sql.table(table)} SET lead_id = ${toId}
    WHERE id = ANY(${ids}::uuid[]) AND lead_id = ${fromId}`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

export async function countRows(trx: Tx, table: string, ids: string[], leadId: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE id = ANY(${ids}::uuid[]) AND lead_id = ${leadId}`.execute(
    trx,
  );
  return result.rows[0]?.n ?? 0;
}

export async function deleteRow(trx: Tx, table: string, id: string, leadId: string): Promise<void> {
  await sql`DELETE FROM ${sql.table(table)} WHERE id = ${id} AND lead_id = ${leadId}`.execute(trx);
}

/**
 * Merged leads become tombstones. Their version goes up (an open editor gets a conflict) and they count as
 * touched, so a response-SLA check still pending on one of them finds it worked and leaves it alone.
 */
export async function tombstone(trx: Tx, ids: string[], survivorId: string, now: Date): Promise<void> {
  await trx
    .updateTable('leads')
    .set({ merged_into: survivorId, version: sql`version + 1`, updated_at: now, last_touched_at: now })
    .where('id', 'in', ids)
    .execute();
}

export interface MergeRecord {
  company_id: string;
  id: string;
  survivor_id: string;
  merged_ids: string[];
  field_choices: Record<string, string>;
  before_images: Record<string, Image>;
  after_images: Record<string, Image>;
  moved_rows: Record<string, Record<string, string[]>>;
  created_rows: { table: string; id: string; field: string }[];
  by_user_id: string | null;
  at: Date;
}

export async function insertMerge(trx: Tx, m: MergeRecord): Promise<void> {
  await trx
    .insertInto('lead_merges')
    .values({
      ...m,
      field_choices: JSON.stringify(m.field_choices),
      before_images: JSON.stringify(m.before_images),
      after_images: JSON.stringify(m.after_images),
      moved_rows: JSON.stringify(m.moved_rows),
      created_rows: JSON.stringify(m.created_rows),
    })
    .execute();
}

const summaryColumns = [
  'm.id',
  'm.seq',
  'm.survivor_id',
  'm.merged_ids',
  'm.by_user_id',
  'b.name as by_user_name',
  'm.at',
  'm.undo_id',
  'm.undone_at',
  'm.undone_by',
  'u.name as undone_by_name',
] as const;
const mergeColumns = [
  ...summaryColumns,
  'm.field_choices',
  'm.before_images',
  'm.after_images',
  'm.moved_rows',
  'm.created_rows',
] as const;

function mergesQuery(trx: Tx) {
  return trx
    .selectFrom('lead_merges as m')
    .leftJoin('users as b', (j) => j.onRef('b.company_id', '=', 'm.company_id').onRef('b.id', '=', 'm.by_user_id'))
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'm.company_id').onRef('u.id', '=', 'm.undone_by'))
    .select(mergeColumns);
}

export type MergeRow = NonNullable<Awaited<ReturnType<typeof findMerge>>>;

export async function findMerge(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = mergesQuery(trx).where('m.id', '=', id);
  if (options.lock) query = query.forUpdate('m');
  return query.executeTakeFirst();
}

/** The first merge made after `seq` and still in force that involves any of `leadIds`: it depends on them. */
export async function laterMerge(trx: Tx, seq: number, leadIds: string[]) {
  return trx
    .selectFrom('lead_merges')
    .select(['id', 'survivor_id'])
    .where('seq', '>', String(seq))
    .where('undone_at', 'is', null)
    .where((eb) =>
      eb.or([eb('survivor_id', 'in', leadIds), eb(sql<boolean>`merged_ids && ${sql.val(leadIds)}::uuid[]`, '=', true)]),
    )
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
}

export async function markUndone(trx: Tx, id: string, undoId: string, by: string, at: Date): Promise<void> {
  await trx
    .updateTable('lead_merges')
    .set({ undo_id: undoId, undone_at: at, undone_by: by })
    .where('id', '=', id)
    .execute();
}

/** The merged leads of `m` as `[{id, name}]`, named as they were before the merge, in the order given. */
export const mergedNames = sql<{ id: string; name: string }[]>`(
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'name', m.before_images -> x.id::text ->> 'name')
    ORDER BY x.n), '[]')
  FROM unnest(m.merged_ids) WITH ORDINALITY AS x(id, n))`;

/** Merges whose survivor the actor may see (live or not), newest first; without the row images. */
export async function listMerges(
  trx: Tx,
  actor: Actor,
  query: { leadId?: string | undefined; beforeSeq: number | null; limit: number },
) {
  let q = trx
    .selectFrom('lead_merges as m')
    .leftJoin('users as b', (j) => j.onRef('b.company_id', '=', 'm.company_id').onRef('b.id', '=', 'm.by_user_id'))
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'm.company_id').onRef('u.id', '=', 'm.undone_by'))
    .innerJoin('leads as l', (j) => j.onRef('l.company_id', '=', 'm.company_id').onRef('l.id', '=', 'm.survivor_id'))
    .select(summaryColumns)
    .select(['l.name as survivor_name', mergedNames.as('merged')])
    .where(leadVisibleTo(actor));
  if (query.leadId) {
    const leadId = query.leadId;
    q = q.where((eb) =>
      eb.or([eb('m.survivor_id', '=', leadId), eb(sql<boolean>`m.merged_ids @> ARRAY[${leadId}]::uuid[]`, '=', true)]),
    );
  }
  if (query.beforeSeq !== null) q = q.where('m.seq', '<', String(query.beforeSeq));
  return q
    .orderBy('m.seq', 'desc')
    .limit(query.limit + 1)
    .execute();
}

/** The current name of a lead, whatever its state. */
export async function leadName(trx: Tx, id: string): Promise<string | null> {
  const row = await trx.selectFrom('leads').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name ?? null;
}
