import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import type { Definition } from './semantic.ts';

function savedQuery(trx: Tx) {
  return trx
    .selectFrom('saved_reports as r')
    .innerJoin('users as u', (join) => join.onRef('u.company_id', '=', 'r.company_id').onRef('u.id', '=', 'r.owner_id'))
    .select([
      'r.id',
      'r.name',
      sql<Definition>`r.definition`.as('definition'),
      'r.shared',
      'r.owner_id',
      'u.name as owner_name',
      'r.created_at',
      'r.updated_at',
    ]);
}

export type SavedRow = NonNullable<Awaited<ReturnType<typeof findSaved>>>;

/** A saved report is seen by its owner, and by everyone of the company once shared (admins see all). */
const visible = (actor: Actor) =>
  actor.role === 'ADMIN' ? sql<SqlBool>`true` : sql<SqlBool>`(r.owner_id = ${actor.userId} OR r.shared)`;

export async function listVisibleSaved(trx: Tx, actor: Actor) {
  return savedQuery(trx).where(visible(actor)).orderBy(sql`lower(r.name)`).orderBy('r.id').limit(1000).execute();
}

export async function findVisibleSaved(trx: Tx, actor: Actor, id: string) {
  return savedQuery(trx).where('r.id', '=', id).where(visible(actor)).executeTakeFirst();
}

export async function findSaved(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = savedQuery(trx).where('r.id', '=', id);
  if (options.lock) query = query.forUpdate('r');
  return query.executeTakeFirst();
}

export async function insertSaved(
  trx: Tx,
  row: { companyId: string; id: string; ownerId: string; name: string; definition: unknown; shared: boolean; at: Date },
) {
  await trx
    .insertInto('saved_reports')
    .values({
      company_id: row.companyId,
      id: row.id,
      owner_id: row.ownerId,
      name: row.name,
      definition: JSON.stringify(row.definition),
      shared: row.shared,
      created_at: row.at,
      updated_at: row.at,
    })
    .execute();
}

export async function updateSaved(
  trx: Tx,
  id: string,
  patch: { name?: string; definition?: unknown; shared?: boolean; at: Date },
) {
  await trx
    .updateTable('saved_reports')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.definition !== undefined ? { definition: JSON.stringify(patch.definition) } : {}),
      ...(patch.shared !== undefined ? { shared: patch.shared } : {}),
      updated_at: patch.at,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteSaved(trx: Tx, id: string) {
  await trx.deleteFrom('saved_reports').where('id', '=', id).execute();
}
