import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { leadsQuery } from '../leads/index.ts';

/** Moves a lead to the trash when it is still at `version`; false when someone changed it first. */
export async function markDeleted(
  trx: Tx,
  id: string,
  version: number,
  by: string | null,
  now: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable('leads')
    .set({ deleted_at: now, deleted_by: by, updated_at: now, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('deleted_at', 'is', null)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markRestored(trx: Tx, id: string, now: Date): Promise<void> {
  await trx
    .updateTable('leads')
    .set({ deleted_at: null, deleted_by: null, updated_at: now, version: sql`version + 1` })
    .where('id', '=', id)
    .execute();
}

/** Where a lead is in its life, locked: the trash and merge columns the lead DTO does not carry. */
export async function lifecycleOf(trx: Tx, id: string) {
  return trx
    .selectFrom('leads')
    .select(['deleted_at', 'deleted_by', 'merged_into', 'version'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Trashed leads (not merge tombstones), newest deletion first, with who deleted them. */
export function trashedLeads(trx: Tx) {
  return leadsQuery(trx)
    .leftJoin('users as d', (join) =>
      join.onRef('d.company_id', '=', 'l.company_id').onRef('d.id', '=', 'l.deleted_by'),
    )
    .select(['l.deleted_at', 'l.deleted_by', 'd.name as deleted_by_name'])
    .where('l.deleted_at', 'is not', null)
    .where('l.merged_into', 'is', null);
}

export async function listTrashed(
  trx: Tx,
  options: {
    visible: Expression<SqlBool>;
    search: Expression<SqlBool> | null;
    after: { at: string; id: string } | null;
    limit: number;
  },
) {
  let query = trashedLeads(trx).where(options.visible);
  if (options.search) query = query.where(options.search);
  if (options.after) {
    query = query.where(
      sql<SqlBool>`(l.deleted_at, l.id) < (${options.after.at}::timestamptz, ${options.after.id}::uuid)`,
    );
  }
  return query
    .orderBy('l.deleted_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

export async function phoneCountry(trx: Tx): Promise<string> {
  const company = await trx.selectFrom('companies').select('phone_country').executeTakeFirst();
  return company?.phone_country ?? '';
}
