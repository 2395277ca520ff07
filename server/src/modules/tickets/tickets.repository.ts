import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { atMicros, type Cursor, olderThan } from '../timeline/index.ts';

/** Tickets with the names shown beside their ids (lead, assignee, creator), on the alias `t`. */
export function ticketsQuery(trx: Tx) {
  return trx
    .selectFrom('tickets as t')
    .leftJoin('leads as tl', (j) => j.onRef('tl.company_id', '=', 't.company_id').onRef('tl.id', '=', 't.lead_id'))
    .leftJoin('users as a', (j) => j.onRef('a.company_id', '=', 't.company_id').onRef('a.id', '=', 't.assignee_id'))
    .innerJoin('users as c', (j) => j.onRef('c.company_id', '=', 't.company_id').onRef('c.id', '=', 't.created_by'))
    .selectAll('t')
    .select(['tl.name as lead_name', 'a.name as assignee_name', 'c.name as creator_name']);
}

export type TicketRow = Awaited<ReturnType<ReturnType<typeof ticketsQuery>['executeTakeFirstOrThrow']>>;

/** Every ticket of the tenant: for jobs, which act for no one. */
export const anyTicket: Expression<SqlBool> = sql<SqlBool>`true`;

export async function findTicket(
  trx: Tx,
  id: string,
  visible: Expression<SqlBool>,
  options: { lock?: boolean } = {},
): Promise<TicketRow | undefined> {
  let query = ticketsQuery(trx).where('t.id', '=', id).where(visible);
  if (options.lock) query = query.forUpdate('t');
  return query.executeTakeFirst();
}

export interface ListFilters {
  status?: string | undefined;
  priority?: string | undefined;
  /** A user id; null: unassigned. */
  assigneeId?: string | null | undefined;
  leadId?: string | undefined;
  q?: string | undefined;
  number?: number | undefined;
  /** Breaching soon: open tickets whose running clock is due by this time, soonest due first. */
  dueBy?: Date | undefined;
}

/** The due time of the clock that runs now: first response until the first public reply, then resolution. */
export const runningDueAt = sql<Date>`(CASE WHEN t.first_responded_at IS NULL THEN t.first_response_due_at
  ELSE t.resolution_due_at END)`;

/** Newest first, keyset on (created_at, id); breaching soon: soonest due first, keyset on (running due, id). */
export async function listTickets(
  trx: Tx,
  visible: Expression<SqlBool>,
  filters: ListFilters,
  after: { at: string; id: string } | null,
  limit: number,
): Promise<TicketRow[]> {
  let query = ticketsQuery(trx).where(visible);
  if (filters.status) query = query.where('t.status', '=', filters.status);
  if (filters.priority) query = query.where('t.priority', '=', filters.priority);
  if (filters.assigneeId === null) query = query.where('t.assignee_id', 'is', null);
  else if (filters.assigneeId) query = query.where('t.assignee_id', '=', filters.assigneeId);
  if (filters.leadId) query = query.where('t.lead_id', '=', filters.leadId);
  if (filters.number !== undefined) query = query.where('t.number', '=', filters.number);
  else if (filters.q) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('t.subject', 'ilike', pattern);
  }
  if (filters.dueBy) {
    query = query.where('t.status', 'not in', ['solved', 'closed']).where(runningDueAt, '<=', filters.dueBy);
    if (after) {
      query = query.where(sql<SqlBool>`(${runningDueAt}, t.id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
    }
    return query
      .orderBy(runningDueAt)
      .orderBy('t.id')
      .limit(limit + 1)
      .execute();
  }
  if (after) {
    query = query.where(sql<SqlBool>`(t.created_at, t.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  }
  return query
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** The company's next reference number: the counter row is locked until the caller's transaction ends. */
export async function nextNumber(trx: Tx, companyId: string): Promise<number> {
  const row = await trx
    .insertInto('ticket_sequences')
    .values({ company_id: companyId, last_number: 1001 })
    .onConflict((oc) => oc.column('company_id').doUpdateSet({ last_number: sql`ticket_sequences.last_number + 1` }))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return row.last_number;
}

export async function activeUser(trx: Tx, id: string) {
  return trx.selectFrom('users').select(['id', 'name', 'active', 'manager_id']).where('id', '=', id).executeTakeFirst();
}

export async function listMessages(trx: Tx, ticketId: string) {
  return trx
    .selectFrom('ticket_messages as m')
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'm.company_id').onRef('u.id', '=', 'm.author_id'))
    .selectAll('m')
    .select('u.name as author_name')
    .where('m.ticket_id', '=', ticketId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(1000)
    .execute();
}

export type MessageRow = Awaited<ReturnType<typeof listMessages>>[number];

/** The files each of the messages points at, as (message, file) pairs. */
export async function messageFiles(trx: Tx, messageIds: string[]) {
  if (messageIds.length === 0) return [];
  return trx
    .selectFrom('ticket_message_files')
    .select(['message_id', 'file_id'])
    .where('message_id', 'in', messageIds)
    .execute();
}

export async function insertMessageFiles(trx: Tx, companyId: string, messageId: string, fileIds: string[]) {
  if (fileIds.length === 0) return;
  await trx
    .insertInto('ticket_message_files')
    .values(fileIds.map((fileId) => ({ company_id: companyId, message_id: messageId, file_id: fileId })))
    .execute();
}

export async function findMessage(trx: Tx, id: string) {
  return trx.selectFrom('ticket_messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** A lead's tickets for its timeline, newest first, older than the cursor. */
export async function leadTickets(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = trx
    .selectFrom('tickets as t')
    .innerJoin('users as c', (j) => j.onRef('c.company_id', '=', 't.company_id').onRef('c.id', '=', 't.created_by'))
    .select(['t.id', 't.number', 't.subject', 't.status', 't.priority', 't.created_by', 'c.name as creator_name'])
    .select(atMicros('t.created_at').as('at_us'))
    .where('t.lead_id', '=', leadId);
  if (before) query = query.where(olderThan('t.created_at', 't.id', before));
  return query.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(limit).execute();
}
