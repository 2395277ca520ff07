import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

function viewsQuery(trx: Tx) {
  return trx
    .selectFrom('saved_views as v')
    .innerJoin('users as u', (join) => join.onRef('u.company_id', '=', 'v.company_id').onRef('u.id', '=', 'v.owner_id'))
    .select([
      'v.id',
      'v.name',
      'v.filters',
      'v.columns',
      'v.sort',
      'v.shared',
      'v.owner_id',
      'u.name as owner_name',
      'v.created_at',
      'v.updated_at',
    ]);
}

export type ViewRow = NonNullable<Awaited<ReturnType<typeof findView>>>;

/** The user's own views and the company's shared ones: the views a user sees. */
export async function listVisibleViews(trx: Tx, userId: string) {
  return viewsQuery(trx)
    .where(sql<SqlBool>`(v.owner_id = ${userId} OR v.shared)`)
    .orderBy(sql`lower(v.name)`)
    .orderBy('v.id')
    .limit(1000)
    .execute();
}

export async function findView(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = viewsQuery(trx).where('v.id', '=', id);
  if (options.lock) query = query.forUpdate('v');
  return query.executeTakeFirst();
}

export interface ViewColumns {
  name?: string;
  filters?: Record<string, unknown>;
  columns?: string[];
  sort?: string | null;
  shared?: boolean;
}

export async function insertView(
  trx: Tx,
  row: Required<ViewColumns> & { company_id: string; id: string; owner_id: string; now: Date },
) {
  const { now, filters, sort, ...rest } = row;
  await trx
    .insertInto('saved_views')
    .values({
      ...rest,
      filters: JSON.stringify(filters),
      sort: sort === null ? null : JSON.stringify(sort),
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateView(trx: Tx, id: string, changes: ViewColumns, now: Date) {
  const { filters, sort, ...rest } = changes;
  await trx
    .updateTable('saved_views')
    .set({
      ...rest,
      ...(filters !== undefined ? { filters: JSON.stringify(filters) } : {}),
      ...(sort !== undefined ? { sort: sort === null ? null : JSON.stringify(sort) } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteView(trx: Tx, id: string) {
  await trx.deleteFrom('saved_views').where('id', '=', id).execute();
}
