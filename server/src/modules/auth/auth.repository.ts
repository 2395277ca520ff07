import { sql } from 'kysely';
import type { Database, Tx } from '../../db/client.ts';
import type { UserRole } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';

/** The directory lookup that precedes the tenant: which company an email address belongs to. */
export async function findDirectoryEntry(db: Database, email: string) {
  return db
    .selectFrom('user_directory')
    .select(['company_id', 'user_id'])
    .where('email', '=', email.trim())
    .executeTakeFirst();
}

export async function findUserForLogin(trx: Tx, userId: string) {
  return trx
    .selectFrom('users')
    .select(['id', 'company_id', 'email', 'name', 'role', 'manager_id', 'password_hash', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export interface SessionIdentityRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  manager_id: string | null;
  manager_name: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  deactivated_at: Date | null;
  session_revoked_at: Date | null;
  session_expires_at: Date;
  company_name: string;
  company_slug: string;
  company_timezone: string;
  company_currency: string;
  company_locale: string;
  company_phone_country: string;
  partner_id: string | null;
  partner_name: string | null;
}

/** The session, its user and the company in one round trip (see migration 0002); outside any transaction. */
export async function sessionIdentity(db: Database, companyId: string, userId: string, sessionId: string) {
  const result =
    await sql<SessionIdentityRow>`SELECT * FROM app_session_identity(${companyId}, ${userId}, ${sessionId})`.execute(
      db,
    );
  return result.rows[0];
}

export async function insertSession(
  trx: Tx,
  row: { companyId: string; userId: string; ip: string | null; userAgent: string | null; expiresAt: Date; now: Date },
) {
  const id = newId();
  await trx
    .insertInto('auth_sessions')
    .values({
      company_id: row.companyId,
      id,
      user_id: row.userId,
      ip: row.ip,
      user_agent: row.userAgent,
      created_at: row.now,
      last_used_at: row.now,
      expires_at: row.expiresAt,
    })
    .execute();
  return id;
}

export async function insertRefreshToken(
  trx: Tx,
  row: { companyId: string; id: string; sessionId: string; tokenHash: string; now: Date },
) {
  await trx
    .insertInto('refresh_tokens')
    .values({
      company_id: row.companyId,
      id: row.id,
      session_id: row.sessionId,
      token_hash: row.tokenHash,
      created_at: row.now,
    })
    .execute();
}

/** Locks the token row so two concurrent refreshes with the same token cannot both succeed. */
export async function findRefreshTokenForUpdate(trx: Tx, id: string) {
  return trx
    .selectFrom('refresh_tokens as t')
    .innerJoin('auth_sessions as s', (join) =>
      join.onRef('s.company_id', '=', 't.company_id').onRef('s.id', '=', 't.session_id'),
    )
    .innerJoin('users as u', (join) => join.onRef('u.company_id', '=', 's.company_id').onRef('u.id', '=', 's.user_id'))
    .select([
      't.id',
      't.token_hash',
      't.used_at',
      't.session_id',
      's.user_id',
      's.revoked_at',
      's.expires_at',
      'u.active',
    ])
    .where('t.id', '=', id)
    .forUpdate('t')
    .executeTakeFirst();
}

export async function markRefreshTokenUsed(trx: Tx, id: string, now: Date) {
  await trx.updateTable('refresh_tokens').set({ used_at: now }).where('id', '=', id).execute();
}

export async function touchSession(trx: Tx, sessionId: string, now: Date) {
  await trx.updateTable('auth_sessions').set({ last_used_at: now }).where('id', '=', sessionId).execute();
}

export async function revokeSession(trx: Tx, sessionId: string, reason: string, now: Date) {
  const result = await trx
    .updateTable('auth_sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ends every live session of a user, optionally keeping one (the caller's own). Returns their ids. */
export async function revokeUserSessions(trx: Tx, userId: string, reason: string, now: Date, keep?: string) {
  let query = trx
    .updateTable('auth_sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keep) query = query.where('id', '<>', keep);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

export async function listSessions(trx: Tx, userId: string, now: Date) {
  return trx
    .selectFrom('auth_sessions')
    .select(['id', 'created_at', 'last_used_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_used_at', 'desc')
    .limit(200)
    .execute();
}

export async function findSession(trx: Tx, sessionId: string) {
  return trx
    .selectFrom('auth_sessions')
    .select(['id', 'user_id', 'revoked_at'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
}

export interface AuthEvent {
  companyId: string;
  userId: string | null;
  sessionId?: string | null;
  event:
    | 'login'
    | 'logout'
    | 'refresh'
    | 'token_reuse'
    | 'password_change'
    | 'session_revoked'
    | 'password_reset_requested'
    | 'password_reset';
  outcome: 'success' | 'failure';
  ip: string | null;
  userAgent: string | null;
  detail?: Record<string, unknown>;
  at: Date;
}

export async function recordAuthEvent(trx: Tx, event: AuthEvent) {
  await trx
    .insertInto('auth_events')
    .values({
      company_id: event.companyId,
      id: newId(),
      user_id: event.userId,
      session_id: event.sessionId ?? null,
      event: event.event,
      outcome: event.outcome,
      ip: event.ip,
      user_agent: event.userAgent,
      detail: event.detail ? JSON.stringify(event.detail) : null,
      at: event.at,
    })
    .execute();
}

export interface ThrottleKey {
  key: string;
  maxFailures: number;
}

export type Reservation = { reserved: true } | { reserved: false; lockedUntil: Date | null };

/**
 * Reserves one sign-in attempt on every key (account, address) before the password is checked. In one
 * transaction the keys' rows are locked (always in key order, so two reservations never deadlock); the attempt
 * is reserved (`pending` + 1 on each) only when no key is locked and, on every key, the failures so far plus
 * the attempts being checked stay below its limit. So parallel guesses queue on the rows, and no more than the
 * limit are ever checked. Refused: `lockedUntil` when a key is locked, null when the limit is only taken by
 * attempts still being checked (the caller may wait for them).
 */
export async function reserveAttempt(
  db: Database,
  keys: ThrottleKey[],
  now: Date,
  windowSeconds: number,
): Promise<Reservation> {
  const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return db.transaction().execute(async (trx): Promise<Reservation> => {
    await trx
      .insertInto('login_throttle')
      .values(sorted.map((k) => ({ key: k.key, failures: 0, window_started_at: now })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const rows = await trx
      .selectFrom('login_throttle')
      .selectAll()
      .where(
        'key',
        'in',
        sorted.map((k) => k.key),
      )
      .orderBy('key')
      .forUpdate()
      .execute();
    const lockedUntil = rows
      .map((r) => (r.locked_until ? new Date(r.locked_until).getTime() : 0))
      .reduce((a, b) => Math.max(a, b), 0);
    if (lockedUntil > now.getTime()) return { reserved: false, lockedUntil: new Date(lockedUntil) };
    const windowOpenedAfter = now.getTime() - windowSeconds * 1000;
    const next = sorted.map(({ key, maxFailures }) => {
      const row = rows.find((r) => r.key === key);
      // A window that has passed starts again (and forgets attempts a crashed process never settled).
      const fresh = !row || new Date(row.window_started_at).getTime() < windowOpenedAfter;
      return {
        key,
        // Full only while attempts are being checked: once a lock has run out, the next attempt goes ahead.
        full: !fresh && row.pending > 0 && row.failures + row.pending >= maxFailures,
        failures: fresh ? 0 : row.failures,
        pending: fresh ? 1 : row.pending + 1,
        window: fresh ? now : row.window_started_at,
      };
    });
    if (next.some((n) => n.full)) return { reserved: false, lockedUntil: null };
    for (const n of next) {
      await trx
        .updateTable('login_throttle')
        .set({ failures: n.failures, pending: n.pending, window_started_at: n.window, locked_until: null })
        .where('key', '=', n.key)
        .execute();
    }
    return { reserved: true };
  });
}

/**
 * Settles a reserved attempt on one key: a failure is counted (locking the key when it reaches the limit), a
 * success only gives the reservation back; `clear` (the account after a right password) also forgets failures.
 */
export async function settleAttempt(
  db: Database,
  { key, maxFailures }: ThrottleKey,
  outcome: 'failure' | 'success' | 'clear',
  now: Date,
  lockSeconds: number,
) {
  const lockedUntil = new Date(now.getTime() + lockSeconds * 1000);
  await sql`
    UPDATE login_throttle SET
      pending = greatest(pending - 1, 0),
      failures = CASE ${outcome} WHEN 'failure' THEN failures + 1 WHEN 'clear' THEN 0 ELSE failures END,
      locked_until = CASE
        WHEN ${outcome} = 'failure' AND failures + 1 >= ${maxFailures} THEN ${lockedUntil}::timestamptz
        WHEN ${outcome} = 'clear' THEN NULL
        ELSE locked_until END
    WHERE key = ${key}
  `.execute(db);
}

/** Forgets the failures and lock of a key (a password was just reset); attempts being checked stay counted. */
export async function clearFailures(db: Database, key: string) {
  await db.updateTable('login_throttle').set({ failures: 0, locked_until: null }).where('key', '=', key).execute();
}
