import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { subtreeOf } from '../users/index.ts';

/** The auth events that make a user's sign-in history; token refreshes (every few minutes) are left out. */
export const loginEvents = ['login', 'logout', 'session_revoked', 'password_change', 'token_reuse'] as const;

export async function isInSubtreeOf(trx: Tx, rootId: string, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('users as u')
    .select('u.id')
    .where('u.id', '=', userId)
    .where(sql<SqlBool>`u.id IN ${subtreeOf(rootId)}`)
    .executeTakeFirst();
  return row !== undefined;
}

export async function userExists(trx: Tx, userId: string): Promise<boolean> {
  return (await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function loginHistory(
  trx: Tx,
  userId: string,
  filter: { outcome?: string; before: { at: string; id: string } | null; limit: number },
) {
  let query = trx
    .selectFrom('auth_events')
    .select(['id', 'at', 'event', 'outcome', 'ip', 'user_agent', 'session_id', 'detail'])
    .where('user_id', '=', userId)
    .where('event', 'in', [...loginEvents]);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (filter.before) {
    const { at, id } = filter.before;
    query = query.where(sql<SqlBool>`(at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/**
 * Active users the caller oversees (everyone for `all`), with when each was last seen (a session used: signed
 * in or refreshed), its last successful sign-in, its live sessions and whether one was used within `recentSince`.
 */
export async function whoIsActive(trx: Tx, scope: { rootId: string | null }, now: Date, recentSince: Date) {
  let query = trx
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.role',
      'u.manager_id',
      sql<Date | null>`(SELECT max(s.last_used_at) FROM auth_sessions s WHERE s.user_id = u.id)`.as('last_seen_at'),
      sql<Date | null>`(SELECT max(e.at) FROM auth_events e
        WHERE e.user_id = u.id AND e.event = 'login' AND e.outcome = 'success')`.as('last_login_at'),
      sql<number>`(SELECT count(*)::int FROM auth_sessions s
        WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > ${now})`.as('live_sessions'),
      sql<number>`(SELECT count(*)::int FROM auth_sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL
        AND s.expires_at > ${now} AND s.last_used_at >= ${recentSince})`.as('recent_sessions'),
    ])
    .where('u.active', '=', true);
  if (scope.rootId) query = query.where(sql<SqlBool>`u.id IN ${subtreeOf(scope.rootId)}`);
  return query.orderBy(sql`lower(u.name)`).orderBy('u.id').limit(2000).execute();
}
