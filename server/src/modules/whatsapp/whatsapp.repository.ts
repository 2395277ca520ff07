import { type Insertable, sql, type Updateable } from 'kysely';
import type { Database, Tx } from '../../db/client.ts';
import type { DB } from '../../db/types.ts';
import { leadIsLive } from '../leads/index.ts';
import { atMicros, type Cursor, olderThan } from '../timeline/index.ts';

export type SettingsRow = NonNullable<Awaited<ReturnType<typeof findSettings>>>;

export async function findSettings(trx: Tx) {
  return trx.selectFrom('whatsapp_settings').selectAll().executeTakeFirst();
}

export async function upsertSettings(trx: Tx, row: Insertable<DB['whatsapp_settings']>): Promise<void> {
  const { company_id: _company, created_at: _created, ...changes } = row;
  await trx
    .insertInto('whatsapp_settings')
    .values(row)
    .onConflict((oc) => oc.column('company_id').doUpdateSet(changes))
    .execute();
}

export async function deleteSettings(trx: Tx): Promise<void> {
  await trx.deleteFrom('whatsapp_settings').execute();
}

/** The global directory (no tenant yet): which company a phone number id or a verify token belongs to. */
export async function companyOfNumber(db: Database, phoneNumberId: string): Promise<string | null> {
  const row = await db
    .selectFrom('whatsapp_directory')
    .select('company_id')
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  return row?.company_id ?? null;
}

export async function verifyTokenKnown(db: Database, hash: string): Promise<boolean> {
  const row = await db
    .selectFrom('whatsapp_directory')
    .select('company_id')
    .where('verify_token_hash', '=', hash)
    .executeTakeFirst();
  return row !== undefined;
}

export async function directoryOwner(trx: Tx, phoneNumberId: string): Promise<string | null> {
  const row = await trx
    .selectFrom('whatsapp_directory')
    .select('company_id')
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  return row?.company_id ?? null;
}

export async function setDirectory(
  trx: Tx,
  row: { company_id: string; phone_number_id: string; verify_token_hash: string },
): Promise<void> {
  await trx.deleteFrom('whatsapp_directory').where('company_id', '=', row.company_id).execute();
  await trx.insertInto('whatsapp_directory').values(row).execute();
}

export async function clearDirectory(trx: Tx, companyId: string): Promise<void> {
  await trx.deleteFrom('whatsapp_directory').where('company_id', '=', companyId).execute();
}

function messagesQuery(trx: Tx) {
  return trx
    .selectFrom('whatsapp_messages as m')
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 'm.company_id').onRef('u.id', '=', 'm.sent_by'))
    .selectAll('m')
    .select(['u.name as sent_by_name', atMicros('m.at').as('at_us')]);
}

export type MessageRow = NonNullable<Awaited<ReturnType<typeof findMessage>>>;

export async function findMessage(trx: Tx, id: string) {
  return messagesQuery(trx).where('m.id', '=', id).executeTakeFirst();
}

/** A lead's messages, newest first, older than the cursor (the thread and the timeline read the same). */
export async function leadMessages(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = messagesQuery(trx).where('m.lead_id', '=', leadId);
  if (before) query = query.where(olderThan('m.at', 'm.id', before));
  return query.orderBy('m.at', 'desc').orderBy('m.id', 'desc').limit(limit).execute();
}

/** When the customer last wrote: the 24-hour customer service window runs from it. */
export async function lastInboundAt(trx: Tx, leadId: string): Promise<Date | null> {
  const row = await trx
    .selectFrom('whatsapp_messages')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('lead_id', '=', leadId)
    .where('direction', '=', 'inbound')
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

export async function insertMessage(trx: Tx, row: Insertable<DB['whatsapp_messages']>): Promise<void> {
  await trx.insertInto('whatsapp_messages').values(row).execute();
}

/** Stores an inbound message unless its WhatsApp id is already here (a redelivery): then returns false. */
export async function insertInboundOnce(trx: Tx, row: Insertable<DB['whatsapp_messages']>): Promise<boolean> {
  const inserted = await trx
    .insertInto('whatsapp_messages')
    .values(row)
    .onConflict((oc) => oc.columns(['company_id', 'wamid']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateMessage(trx: Tx, id: string, changes: Updateable<DB['whatsapp_messages']>) {
  await trx.updateTable('whatsapp_messages').set(changes).where('id', '=', id).execute();
}

export async function lockMessageByWamid(trx: Tx, wamid: string) {
  return trx.selectFrom('whatsapp_messages').selectAll().where('wamid', '=', wamid).forUpdate().executeTakeFirst();
}

/**
 * Serialises the work on one WhatsApp message id, or one customer number, until the transaction ends: the send
 * that stores an id and a status naming it cannot miss each other, and two first messages from an unknown
 * number cannot make two leads.
 */
export async function lockFor(trx: Tx, what: 'wamid' | 'phone', key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`whatsapp:${what}:${key}`}, 0))`.execute(trx);
}

export interface StatusEvent {
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  errorCode: number | null;
  errorTitle: string | null;
  errorDetail: string | null;
}

export async function holdStatus(trx: Tx, companyId: string, wamid: string, event: StatusEvent, now: Date) {
  await trx
    .insertInto('whatsapp_pending_statuses')
    .values({
      company_id: companyId,
      wamid,
      status: event.status,
      at: event.at,
      error_code: event.errorCode,
      error_title: event.errorTitle,
      error_detail: event.errorDetail,
      received_at: now,
    })
    .onConflict((oc) => oc.columns(['company_id', 'wamid', 'status']).doNothing())
    .execute();
}

/** The statuses that waited for this id, removed as they are handed over. */
export async function takeHeldStatuses(trx: Tx, wamid: string): Promise<StatusEvent[]> {
  const rows = await trx.deleteFrom('whatsapp_pending_statuses').where('wamid', '=', wamid).returningAll().execute();
  return rows
    .map((r) => ({
      status: r.status as StatusEvent['status'],
      at: new Date(r.at),
      errorCode: r.error_code,
      errorTitle: r.error_title,
      errorDetail: r.error_detail,
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

export async function pruneHeldStatuses(trx: Tx, before: Date): Promise<void> {
  await trx.deleteFrom('whatsapp_pending_statuses').where('received_at', '<', before).execute();
}

/** The live lead that has this number: the most recently worked one when several share it. */
export async function liveLeadWithPhone(trx: Tx, phone: string) {
  return trx
    .selectFrom('leads as l')
    .select(['l.id', 'l.name', 'l.owner_id'])
    .where(sql<boolean>`l.phones && ARRAY[${phone}]::text[]`)
    .where(leadIsLive)
    .orderBy('l.last_touched_at', 'desc')
    .orderBy('l.id', 'desc')
    .executeTakeFirst();
}

export async function leadOwner(trx: Tx, leadId: string) {
  return trx.selectFrom('leads').select(['id', 'name', 'owner_id']).where('id', '=', leadId).executeTakeFirst();
}

/** Inbound messages no lead has, one row per number, latest conversation first. */
export async function unattachedByPhone(trx: Tx, limit: number) {
  return trx
    .selectFrom('whatsapp_messages as m')
    .select([
      'm.phone',
      sql<number>`count(*)::int`.as('messages'),
      sql<Date>`max(m.at)`.as('last_at'),
      sql<
        string | null
      >`(array_agg(m.contact_name ORDER BY m.at DESC) FILTER (WHERE m.contact_name IS NOT NULL))[1]`.as('contact_name'),
      sql<string | null>`(array_agg(m.body ORDER BY m.at DESC, m.id DESC))[1]`.as('last_text'),
      sql<string>`(array_agg(m.type ORDER BY m.at DESC, m.id DESC))[1]`.as('last_type'),
    ])
    .where('m.lead_id', 'is', null)
    .groupBy('m.phone')
    .orderBy(sql`max(m.at)`, 'desc')
    .limit(limit)
    .execute();
}

export async function attachUnattached(trx: Tx, phone: string, leadId: string, now: Date): Promise<number> {
  const result = await trx
    .updateTable('whatsapp_messages')
    .set({ lead_id: leadId, updated_at: now })
    .where('lead_id', 'is', null)
    .where('phone', '=', phone)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
