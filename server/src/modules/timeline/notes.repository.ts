import type { Tx } from '../../db/client.ts';
import { atMicros, type Cursor, olderThan } from './timeline.repository.ts';

function notesQuery(trx: Tx) {
  return trx
    .selectFrom('lead_notes as n')
    .leftJoin('users as a', (j) => j.onRef('a.company_id', '=', 'n.company_id').onRef('a.id', '=', 'n.author_id'))
    .select([
      'n.id',
      'n.lead_id',
      'n.body',
      'n.author_id',
      'a.name as author_name',
      'n.mentions',
      'n.created_at',
      'n.updated_at',
      atMicros('n.created_at').as('at_us'),
    ]);
}

export type NoteRow = Awaited<ReturnType<typeof listNotes>>[number];

/** A lead's notes, newest first, older than the cursor. */
export async function listNotes(trx: Tx, leadId: string, options: { limit: number; before: Cursor | null }) {
  let query = notesQuery(trx).where('n.lead_id', '=', leadId);
  if (options.before) query = query.where(olderThan('n.created_at', 'n.id', options.before));
  return query.orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').limit(options.limit).execute();
}

export async function findNote(trx: Tx, leadId: string, noteId: string, options: { lock?: boolean } = {}) {
  let query = notesQuery(trx).where('n.lead_id', '=', leadId).where('n.id', '=', noteId);
  if (options.lock) query = query.forUpdate('n');
  return query.executeTakeFirst();
}

export async function insertNote(
  trx: Tx,
  row: {
    company_id: string;
    id: string;
    lead_id: string;
    author_id: string;
    body: string;
    mentions: string[];
    now: Date;
  },
): Promise<void> {
  const { now, ...rest } = row;
  await trx
    .insertInto('lead_notes')
    .values({ ...rest, created_at: now, updated_at: now })
    .execute();
}

export async function updateNote(trx: Tx, id: string, changes: { body: string; mentions: string[] }, now: Date) {
  await trx
    .updateTable('lead_notes')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteNote(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('lead_notes').where('id', '=', id).execute();
}

/** Users of the company among `ids` (any state), to resolve mentions and show their names. */
export async function usersByIds(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'manager_id', 'active'])
    .where('id', 'in', ids)
    .execute();
}
