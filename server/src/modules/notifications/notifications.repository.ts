import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

const columns = ['id', 'kind', 'title', 'body', 'lead_id', 'at', 'read_at', 'created_at'] as const;

export async function insertNotification(
  trx: Tx,
  row: {
    company_id: string;
    id: string;
    user_id: string;
    kind: string;
    title: string;
    body: string | null;
    lead_id: string | null;
    at: Date | null;
    created_at: Date;
  },
): Promise<void> {
  await trx.insertInto('notifications').values(row).execute();
}

/** A user's notifications, newest first (ids are time-ordered), after the cursor's id. */
export async function listNotifications(
  trx: Tx,
  userId: string,
  filter: { unread: boolean; before: string | null; limit: number },
) {
  let query = trx.selectFrom('notifications').select(columns).where('user_id', '=', userId);
  if (filter.unread) query = query.where('read_at', 'is', null);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

export type NotificationRow = Awaited<ReturnType<typeof listNotifications>>[number];

export async function unreadCount(trx: Tx, userId: string): Promise<number> {
  const row = await trx
    .selectFrom('notifications')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return row?.n ?? 0;
}

export async function findNotification(trx: Tx, userId: string, id: string) {
  return trx
    .selectFrom('notifications')
    .select(columns)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function markRead(trx: Tx, userId: string, id: string, now: Date) {
  await trx
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .where('read_at', 'is', null)
    .execute();
  return trx
    .selectFrom('notifications')
    .select(columns)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function markAllRead(trx: Tx, userId: string, now: Date): Promise<number> {
  const result = await trx
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
