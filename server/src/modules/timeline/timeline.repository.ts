import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

/**
 * Timeline keysets are (time in microseconds since the epoch, id). Microseconds, not milliseconds: rows
 * stamped by the database carry microseconds, and a millisecond cursor would skip rows within its millisecond.
 */
export interface Cursor {
  atUs: number;
  id: string;
}

export function atMicros(column: string): RawBuilder<number> {
  return sql<number>`(extract(epoch from ${sql.ref(column)}) * 1000000)::bigint`;
}

/** Rows strictly after the cursor in newest-first order; interval arithmetic keeps the microseconds exact. */
export function olderThan(atColumn: string, idColumn: string, before: Cursor) {
  return sql<SqlBool>`(${sql.ref(atColumn)}, ${sql.ref(idColumn)}) <
    (timestamptz 'epoch' + ${before.atUs}::bigint * interval '1 microsecond', ${before.id}::uuid)`;
}

export async function leadCreation(trx: Tx, leadId: string) {
  return trx
    .selectFrom('leads as l')
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'l.company_id').onRef('u.id', '=', 'l.created_by'))
    .select(['l.id', 'l.created_by', 'u.name as created_by_name', 'l.created_via', 'l.source'])
    .select(atMicros('l.created_at').as('at_us'))
    .where('l.id', '=', leadId)
    .executeTakeFirst();
}

/** Stage moves after creation (the first row, from no stage, is the creation itself). */
export async function stageMoves(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = trx
    .selectFrom('lead_stage_history as h')
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'h.company_id').onRef('u.id', '=', 'h.by_user_id'))
    .select(['h.id', 'h.from_stage', 'h.to_stage', 'h.by_user_id', 'u.name as by_user_name', 'h.seconds_in_previous'])
    .select(atMicros('h.at').as('at_us'))
    .where('h.lead_id', '=', leadId)
    .where('h.from_stage', 'is not', null);
  if (before) query = query.where(olderThan('h.at', 'h.id', before));
  return query.orderBy('h.at', 'desc').orderBy('h.id', 'desc').limit(limit).execute();
}

export async function assignments(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = trx
    .selectFrom('lead_assignments as a')
    .leftJoin('users as o', (j) => j.onRef('o.company_id', '=', 'a.company_id').onRef('o.id', '=', 'a.owner_id'))
    .leftJoin('users as b', (j) => j.onRef('b.company_id', '=', 'a.company_id').onRef('b.id', '=', 'a.by_user_id'))
    .select([
      'a.id',
      'a.by_user_id',
      'b.name as by_user_name',
      'a.channel',
      'a.reason',
      'a.rule_id',
      'a.rule_name',
      'a.strategy',
      'a.owner_id',
      'o.name as owner_name',
      'a.previous_owner_id',
      'a.detail',
    ])
    .select(atMicros('a.at').as('at_us'))
    .where('a.lead_id', '=', leadId);
  if (before) query = query.where(olderThan('a.at', 'a.id', before));
  return query.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
}

/** The lead's audit rows other than its creation: the field changes people made, with what changed. */
export async function leadChanges(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = trx
    .selectFrom('audit_log as a')
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'a.company_id').onRef('u.id', '=', 'a.actor_user_id'))
    .select(['a.id', 'a.action', 'a.changes', 'a.actor_user_id', 'u.name as actor_name'])
    .select(atMicros('a.at').as('at_us'))
    .where('a.entity_type', '=', 'lead')
    .where('a.entity_id', '=', leadId)
    .where('a.action', '!=', 'lead.created')
    .where('a.changes', 'is not', null);
  if (before) query = query.where(olderThan('a.at', 'a.id', before));
  return query.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
}

export async function userNames(trx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
