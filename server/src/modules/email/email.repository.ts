import type { Insertable, Updateable } from 'kysely';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { EmailMessages, EmailSettings } from '../../db/types.ts';
import { atMicros, type Cursor, olderThan } from '../timeline/index.ts';

export type MessageStatus = 'queued' | 'sending' | 'retrying' | 'sent' | 'failed';
/** What a send job may still work on; `sending` is one whose worker died mid-way. */
export const PENDING_STATUSES: MessageStatus[] = ['queued', 'sending', 'retrying'];

// --- settings -----------------------------------------------------------------------------------------------

export async function findSettings(trx: Tx) {
  return trx
    .selectFrom('email_settings as s')
    .leftJoin('users as u', (j) => j.onRef('u.company_id', '=', 's.company_id').onRef('u.id', '=', 's.updated_by'))
    .selectAll('s')
    .select('u.name as updated_by_name')
    .executeTakeFirst();
}
export type SettingsRow = NonNullable<Awaited<ReturnType<typeof findSettings>>>;

export async function upsertSettings(trx: Tx, row: Insertable<EmailSettings>): Promise<void> {
  const { company_id, created_at, ...changes } = row;
  await trx
    .insertInto('email_settings')
    .values(row)
    .onConflict((oc) => oc.column('company_id').doUpdateSet(changes))
    .execute();
}

export async function deleteSettings(trx: Tx): Promise<boolean> {
  const result = await trx.deleteFrom('email_settings').executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// --- tracking key -------------------------------------------------------------------------------------------

export async function findTrackingKey(trx: Tx): Promise<string | null> {
  const row = await trx.selectFrom('email_tracking_keys').select('key_sealed').executeTakeFirst();
  return row?.key_sealed ?? null;
}

/** The first writer wins: two sends racing to create the key both end up using the same one. */
export async function insertTrackingKey(trx: Tx, companyId: string, sealed: string, now: Date): Promise<void> {
  await trx
    .insertInto('email_tracking_keys')
    .values({ company_id: companyId, key_sealed: sealed, created_at: now })
    .onConflict((oc) => oc.column('company_id').doNothing())
    .execute();
}

// --- signatures ---------------------------------------------------------------------------------------------

export async function findSignature(trx: Tx, userId: string) {
  return trx
    .selectFrom('email_signatures')
    .select(['phone', 'html', 'updated_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function upsertSignature(
  trx: Tx,
  row: { company_id: string; user_id: string; phone: string | null; html: string | null; updated_at: Date },
): Promise<void> {
  await trx
    .insertInto('email_signatures')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['company_id', 'user_id'])
        .doUpdateSet({ phone: row.phone, html: row.html, updated_at: row.updated_at }),
    )
    .execute();
}

// --- messages -----------------------------------------------------------------------------------------------

function messagesQuery(trx: Tx) {
  return trx
    .selectFrom('email_messages as m')
    .leftJoin('users as s', (j) => j.onRef('s.company_id', '=', 'm.company_id').onRef('s.id', '=', 'm.sender_id'))
    .selectAll('m')
    .select(['s.name as sender_name', atMicros('m.created_at').as('at_us')]);
}
export type MessageRow = NonNullable<Awaited<ReturnType<typeof findMessage>>>;

export async function findMessage(trx: Tx, id: string) {
  return messagesQuery(trx).where('m.id', '=', id).executeTakeFirst();
}

/** The message a send job works on, locked against a second worker or a retry request. */
export async function lockMessage(trx: Tx, id: string) {
  return trx.selectFrom('email_messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}
export type LockedMessage = NonNullable<Awaited<ReturnType<typeof lockMessage>>>;

export async function insertMessage(trx: Tx, row: Insertable<EmailMessages>): Promise<void> {
  await trx.insertInto('email_messages').values(row).execute();
}

export async function updateMessage(trx: Tx, id: string, changes: Updateable<EmailMessages>): Promise<void> {
  await trx.updateTable('email_messages').set(changes).where('id', '=', id).execute();
}

/** The files of a message, in order (`position` 0, 1, ...). */
export async function insertAttachments(
  trx: Tx,
  companyId: string,
  messageId: string,
  files: { filename: string; contentType: string; content: Buffer }[],
): Promise<void> {
  if (files.length === 0) return;
  await trx
    .insertInto('email_attachments')
    .values(
      files.map((f, position) => ({
        company_id: companyId,
        message_id: messageId,
        position,
        filename: f.filename,
        content_type: f.contentType,
        content: f.content,
      })),
    )
    .execute();
}

export async function listAttachments(trx: Tx, messageId: string) {
  return trx
    .selectFrom('email_attachments')
    .select(['filename', 'content_type as contentType', 'content'])
    .where('message_id', '=', messageId)
    .orderBy('position')
    .execute();
}

export async function deleteAttachments(trx: Tx, messageId: string): Promise<void> {
  await trx.deleteFrom('email_attachments').where('message_id', '=', messageId).execute();
}

/** Marks a pending message as being sent; its own short transaction, so people see it while the server talks. */
export async function markSending(trx: Tx, id: string, now: Date): Promise<void> {
  await trx
    .updateTable('email_messages')
    .set({ status: 'sending', updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'retrying'])
    .execute();
}

/** A lead's messages, newest first, older than the cursor. */
export async function listLeadMessages(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = messagesQuery(trx).where('m.lead_id', '=', leadId);
  if (before) query = query.where(olderThan('m.created_at', 'm.id', before));
  return query.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(limit).execute();
}

/**
 * Messages across the company the caller may see (`visible`: a condition on `m`, built by the service from the
 * lead predicate), newest first, optionally by status and purpose.
 */
export async function listMessages(
  trx: Tx,
  visible: Expression<SqlBool>,
  filter: { statuses: string[] | null; purpose: string | null; before: Cursor | null; limit: number },
) {
  let query = messagesQuery(trx).where(visible);
  if (filter.statuses) query = query.where('m.status', 'in', filter.statuses);
  if (filter.purpose) query = query.where('m.purpose', '=', filter.purpose);
  if (filter.before) query = query.where(olderThan('m.created_at', 'm.id', filter.before));
  return query.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(filter.limit).execute();
}

/** Brings a waiting retry forward to now (the job keeps its id, so it still runs once). */
export async function runJobNow(trx: Tx, jobId: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('jobs')
    .set({ run_at: now })
    .where('id', '=', jobId)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- opens and clicks ---------------------------------------------------------------------------------------

export async function recordOpen(trx: Tx, id: string, now: Date) {
  return trx
    .updateTable('email_messages')
    .set({
      open_count: sql`open_count + 1`,
      first_opened_at: sql`coalesce(first_opened_at, ${now})`,
      last_opened_at: now,
    })
    .where('id', '=', id)
    .returning(['open_count'])
    .executeTakeFirst();
}

/** Counts a click on link `index`; undefined when the message has no such link. */
export async function recordClick(trx: Tx, id: string, index: number, now: Date) {
  const path = [String(index), 'clicks'];
  return trx
    .updateTable('email_messages')
    .set({
      click_count: sql`click_count + 1`,
      first_clicked_at: sql`coalesce(first_clicked_at, ${now})`,
      last_clicked_at: now,
      links: sql`jsonb_set(links, ${path}::text[], to_jsonb(coalesce((links -> ${index}::int ->> 'clicks')::int, 0) + 1))`,
    })
    .where('id', '=', id)
    .where(sql<SqlBool>`jsonb_array_length(links) > ${index}`)
    .returning([
      sql<string>`links -> ${index}::int ->> 'url'`.as('url'),
      sql<number>`(links -> ${index}::int ->> 'clicks')::int`.as('clicks'),
    ])
    .executeTakeFirst();
}

export async function insertEvent(
  trx: Tx,
  row: {
    company_id: string;
    id: string;
    message_id: string;
    kind: 'open' | 'click';
    first: boolean;
    link_index: number | null;
    url: string | null;
    user_agent: string | null;
    at: Date;
  },
): Promise<void> {
  await trx.insertInto('email_events').values(row).execute();
}

/** What the timeline shows of a lead's opens and clicks: each message's first open, and every click. */
export async function leadEvents(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = trx
    .selectFrom('email_events as e')
    .innerJoin('email_messages as m', (j) =>
      j.onRef('m.company_id', '=', 'e.company_id').onRef('m.id', '=', 'e.message_id'),
    )
    .select(['e.id', 'e.kind', 'e.url', 'e.message_id', 'm.subject', atMicros('e.at').as('at_us')])
    .where('m.lead_id', '=', leadId)
    .where((eb) => eb.or([eb('e.kind', '=', 'click'), eb('e.first', '=', true)]));
  if (before) query = query.where(olderThan('e.at', 'e.id', before));
  return query.orderBy('e.at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
}
