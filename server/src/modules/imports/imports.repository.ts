import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { keptScope } from '../../access/policy.ts';
import type { Tx } from '../../db/client.ts';
import type { ImportMappings, Imports } from '../../db/types.ts';
import type { Actor } from '../../http/context.ts';

export type ImportRow = Selectable<Imports> & { created_by_name: string | null };
export type MappingRow = Selectable<ImportMappings>;

/** Imports a person sees: an admin every import of the company, anyone else its own. */
function visible(actor: Actor) {
  const owner = keptScope(actor);
  return owner === null ? sql<boolean>`true` : sql<boolean>`i.created_by = ${owner}`;
}

function importsQuery(trx: Tx) {
  return trx
    .selectFrom('imports as i')
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'i.company_id').onRef('u.id', '=', 'i.created_by'))
    .selectAll('i')
    .select('u.name as created_by_name');
}

export async function findImport(trx: Tx, actor: Actor, id: string, options: { lock?: boolean } = {}) {
  let query = importsQuery(trx).where('i.id', '=', id).where(visible(actor));
  if (options.lock) query = query.forUpdate('i');
  return (await query.executeTakeFirst()) as ImportRow | undefined;
}

/** For the jobs: the import whatever its creator (the job acts for it). */
export async function lockImport(trx: Tx, id: string) {
  return (await importsQuery(trx).where('i.id', '=', id).forUpdate('i').executeTakeFirst()) as ImportRow | undefined;
}

export async function listImports(
  trx: Tx,
  actor: Actor,
  query: { status?: string | undefined; before?: string | null; limit: number },
) {
  let q = importsQuery(trx).where(visible(actor));
  if (query.status) q = q.where('i.status', '=', query.status);
  if (query.before) q = q.where('i.id', '<', query.before);
  return (await q
    .orderBy('i.id', 'desc')
    .limit(query.limit + 1)
    .execute()) as ImportRow[];
}

export async function insertImport(trx: Tx, row: Insertable<Imports>) {
  await trx.insertInto('imports').values(row).execute();
}

export async function updateImport(trx: Tx, id: string, changes: Updateable<Imports>) {
  await trx.updateTable('imports').set(changes).where('id', '=', id).execute();
}

/** Adds a chunk's counts to the import and moves its progress, in the chunk's own transaction. */
export async function advance(
  trx: Tx,
  id: string,
  input: {
    rows: number;
    created: number;
    updated: number;
    skipped: number;
    failed: number;
    given: Map<string, number>;
    now: Date;
  },
) {
  await sql`
    UPDATE imports SET
      rows_done = rows_done + ${input.rows},
      created_count = created_count + ${input.created},
      updated_count = updated_count + ${input.updated},
      skipped_count = skipped_count + ${input.skipped},
      failed_count = failed_count + ${input.failed},
      next_chunk = next_chunk + 1,
      assigned = (
        SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM (
          SELECT k, sum(v)::int AS v FROM (
            SELECT key AS k, value::int AS v FROM jsonb_each_text(assigned)
            UNION ALL
            SELECT key, value::int FROM jsonb_each_text(${JSON.stringify(Object.fromEntries(input.given))}::jsonb)
          ) a GROUP BY k
        ) s
      ),
      updated_at = ${input.now}
    WHERE id = ${id}`.execute(trx);
}

export async function insertChunk(
  trx: Tx,
  row: {
    company_id: string;
    import_id: string;
    chunk: number;
    first_row: number;
    rows: { cells: string[][]; numbers: number[] };
    parse_errors: Record<string, string>;
  },
) {
  await trx
    .insertInto('import_chunks')
    .values({ ...row, rows: JSON.stringify(row.rows), parse_errors: JSON.stringify(row.parse_errors) })
    .execute();
}

export interface StoredChunk {
  chunk: number;
  first_row: number;
  rows: string[][];
  /** Each row's number (blank lines and rows are skipped, so they are not consecutive). */
  numbers: number[];
  parse_errors: Record<string, string>;
  outcomes: Outcome[] | null;
}

/** What became of one row: created/updated (with the lead), skipped or failed, and why. */
export interface Outcome {
  o: 'created' | 'updated' | 'skipped' | 'failed';
  lead?: string;
  reason?: string;
  /** Updated rows: the lead's changed columns before and after, for undo. */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** Created rows that match other leads: those leads, for the duplicates review queue once the import ends. */
  dup?: { id: string; name: string; matchedOn: ('email' | 'phone' | 'name')[]; score: number }[];
}

export async function loadChunk(trx: Tx, importId: string, chunk: number): Promise<StoredChunk | undefined> {
  const row = await trx
    .selectFrom('import_chunks')
    .select(['chunk', 'first_row', 'rows', 'parse_errors', 'outcomes'])
    .where('import_id', '=', importId)
    .where('chunk', '=', chunk)
    .executeTakeFirst();
  if (!row) return undefined;
  const stored = row.rows as unknown as { cells: string[][]; numbers: number[] };
  return {
    chunk: row.chunk,
    first_row: row.first_row,
    rows: stored.cells,
    numbers: stored.numbers,
    parse_errors: (row.parse_errors ?? {}) as Record<string, string>,
    outcomes: (row.outcomes ?? null) as Outcome[] | null,
  };
}

export async function saveOutcomes(trx: Tx, importId: string, chunk: number, outcomes: Outcome[]) {
  await trx
    .updateTable('import_chunks')
    .set({ outcomes: JSON.stringify(outcomes) })
    .where('import_id', '=', importId)
    .where('chunk', '=', chunk)
    .execute();
}

export async function listMappings(trx: Tx) {
  return trx.selectFrom('import_mappings').selectAll().orderBy(sql`lower(name)`).orderBy('id').limit(500).execute();
}

export async function findMapping(trx: Tx, id: string) {
  return trx.selectFrom('import_mappings').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function mappingNamed(trx: Tx, name: string) {
  return trx
    .selectFrom('import_mappings')
    .select('id')
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .executeTakeFirst();
}

export async function insertMapping(
  trx: Tx,
  row: { company_id: string; id: string; name: string; mapping: unknown; created_by: string | null; now: Date },
) {
  const { now, mapping, ...rest } = row;
  await trx
    .insertInto('import_mappings')
    .values({ ...rest, mapping: JSON.stringify(mapping), created_at: now, updated_at: now })
    .execute();
}

export async function deleteMapping(trx: Tx, id: string) {
  await trx.deleteFrom('import_mappings').where('id', '=', id).execute();
}
