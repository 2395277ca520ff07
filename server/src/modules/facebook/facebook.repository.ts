import { type Insertable, sql, type Updateable } from 'kysely';
import type { Database, Tx } from '../../db/client.ts';
import type { DB } from '../../db/types.ts';
import { atMicros, type Cursor, olderThan } from '../timeline/index.ts';

export type PageRow = NonNullable<Awaited<ReturnType<typeof findPage>>>;
export type EventRow = NonNullable<Awaited<ReturnType<typeof findEvent>>>;
export type FormRow = NonNullable<Awaited<ReturnType<typeof findForm>>>;

// Connections ------------------------------------------------------------------------------------------------

export async function findPage(trx: Tx, id: string) {
  return trx.selectFrom('facebook_pages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockPage(trx: Tx, id: string) {
  return trx.selectFrom('facebook_pages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listPages(trx: Tx) {
  return trx.selectFrom('facebook_pages').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function pageByPageId(trx: Tx, pageId: string) {
  return trx.selectFrom('facebook_pages').selectAll().where('page_id', '=', pageId).executeTakeFirst();
}

export async function insertPage(trx: Tx, row: Insertable<DB['facebook_pages']>): Promise<void> {
  await trx.insertInto('facebook_pages').values(row).execute();
}

export async function updatePage(trx: Tx, id: string, changes: Updateable<DB['facebook_pages']>): Promise<void> {
  await trx.updateTable('facebook_pages').set(changes).where('id', '=', id).execute();
}

/**
 * Marks a connection broken with its error; true only for the call that changed it from connected (concurrent
 * jobs meeting the same refused token: one of them tells the admins).
 */
export async function breakPage(trx: Tx, id: string, error: string, now: Date): Promise<boolean> {
  const changed = await trx
    .updateTable('facebook_pages')
    .set({ status: 'broken', last_error: error, last_error_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'connected')
    .returning('id')
    .executeTakeFirst();
  if (changed) return true;
  await trx.updateTable('facebook_pages').set({ last_error: error, last_error_at: now }).where('id', '=', id).execute();
  return false;
}

export async function deletePage(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('facebook_pages').where('id', '=', id).execute();
}

/** Leads waiting to be fetched, per connection. */
export async function pendingCounts(trx: Tx): Promise<Map<string, number>> {
  const rows = await trx
    .selectFrom('facebook_events')
    .select(['connection_id', sql<number>`count(*)::int`.as('n')])
    .where('status', '=', 'pending')
    .groupBy('connection_id')
    .execute();
  return new Map(rows.map((r) => [r.connection_id, r.n]));
}

// The global directory (no tenant yet) -----------------------------------------------------------------------

export async function directoryOf(db: Database | Tx, pageId: string) {
  return db.selectFrom('facebook_directory').selectAll().where('page_id', '=', pageId).executeTakeFirst();
}

export async function verifyTokenKnown(db: Database, hash: string): Promise<boolean> {
  const row = await db
    .selectFrom('facebook_directory')
    .select('page_id')
    .where('verify_token_hash', '=', hash)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertDirectory(trx: Tx, row: Insertable<DB['facebook_directory']>): Promise<void> {
  await trx.insertInto('facebook_directory').values(row).execute();
}

export async function setDirectoryToken(trx: Tx, connectionId: string, hash: string): Promise<void> {
  await trx
    .updateTable('facebook_directory')
    .set({ verify_token_hash: hash })
    .where('connection_id', '=', connectionId)
    .execute();
}

// The inbox --------------------------------------------------------------------------------------------------

export async function findEvent(trx: Tx, id: string) {
  return trx.selectFrom('facebook_events').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockEvent(trx: Tx, id: string) {
  return trx.selectFrom('facebook_events').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Stores an event unless its lead id is already here (a replay, or the backfill met it): then returns null. */
export async function insertEventOnce(trx: Tx, row: Insertable<DB['facebook_events']>): Promise<string | null> {
  const inserted = await trx
    .insertInto('facebook_events')
    .values(row)
    .onConflict((oc) => oc.columns(['company_id', 'leadgen_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export async function insertMalformed(trx: Tx, row: Insertable<DB['facebook_events']>): Promise<void> {
  await trx.insertInto('facebook_events').values(row).execute();
}

export async function updateEvent(trx: Tx, id: string, changes: Updateable<DB['facebook_events']>): Promise<void> {
  await trx.updateTable('facebook_events').set(changes).where('id', '=', id).execute();
}

export async function pendingEventIds(trx: Tx, connectionId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('facebook_events')
    .select('id')
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function listEvents(
  trx: Tx,
  connectionId: string,
  query: { status?: string | undefined; before: string | null; limit: number },
) {
  let q = trx.selectFrom('facebook_events').selectAll().where('connection_id', '=', connectionId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.before) q = q.where('id', '<', query.before);
  return q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
}

/** The events that reached a lead, newest first, for its timeline. */
export async function leadEvents(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  return trx
    .selectFrom('facebook_events')
    .selectAll()
    .select(atMicros('processed_at').as('at_us'))
    .where('lead_id', '=', leadId)
    .where('processed_at', 'is not', null)
    .$if(before !== null, (q) => q.where(olderThan('processed_at', 'id', before as Cursor)))
    .orderBy('processed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

// Forms ------------------------------------------------------------------------------------------------------

export async function findForm(trx: Tx, formId: string) {
  return trx.selectFrom('facebook_forms').selectAll().where('form_id', '=', formId).executeTakeFirst();
}

export async function lockForm(trx: Tx, formId: string) {
  return trx.selectFrom('facebook_forms').selectAll().where('form_id', '=', formId).forUpdate().executeTakeFirst();
}

/** The form's row, made when first met (an event, a mapping, a backfill). */
export async function ensureForm(trx: Tx, companyId: string, formId: string, connectionId: string, now: Date) {
  await trx
    .insertInto('facebook_forms')
    .values({ company_id: companyId, form_id: formId, connection_id: connectionId, updated_at: now })
    .onConflict((oc) => oc.columns(['company_id', 'form_id']).doNothing())
    .execute();
}

export async function updateForm(trx: Tx, formId: string, changes: Updateable<DB['facebook_forms']>): Promise<void> {
  await trx.updateTable('facebook_forms').set(changes).where('form_id', '=', formId).execute();
}

export async function pausedBackfills(trx: Tx, connectionId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('facebook_forms')
    .select('form_id')
    .where('connection_id', '=', connectionId)
    .where('backfill_status', '=', 'paused')
    .execute();
  return rows.map((r) => r.form_id);
}

// Others' records read here ----------------------------------------------------------------------------------

export async function customFieldKeys(trx: Tx): Promise<{ key: string; label: string }[]> {
  return trx
    .selectFrom('custom_fields')
    .select(['key', 'label'])
    .where('active', '=', true)
    .orderBy('position')
    .execute();
}
