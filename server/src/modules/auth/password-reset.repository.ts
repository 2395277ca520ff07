import type { Tx } from '../../db/client.ts';

/** Password reset tokens: only the hash is stored; a reset works once, before it expires. */

export async function insertReset(
  trx: Tx,
  row: {
    companyId: string;
    id: string;
    userId: string;
    tokenHash: string;
    issuedBy: string | null;
    ip: string | null;
    now: Date;
    expiresAt: Date;
  },
) {
  await trx
    .insertInto('password_resets')
    .values({
      company_id: row.companyId,
      id: row.id,
      user_id: row.userId,
      token_hash: row.tokenHash,
      issued_by: row.issuedBy,
      ip: row.ip,
      created_at: row.now,
      expires_at: row.expiresAt,
    })
    .execute();
}

/** Ends the user's resets that are still open: only the newest link (or the one just used) works. */
export async function closeOpenResets(trx: Tx, userId: string, now: Date) {
  await trx
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** Locks the reset so two confirmations with the same token cannot both succeed. */
export async function findResetForUpdate(trx: Tx, id: string) {
  return trx
    .selectFrom('password_resets as r')
    .innerJoin('users as u', (join) => join.onRef('u.company_id', '=', 'r.company_id').onRef('u.id', '=', 'r.user_id'))
    .select([
      'r.id',
      'r.token_hash',
      'r.expires_at',
      'r.used_at',
      'u.id as user_id',
      'u.email',
      'u.name',
      'u.role',
      'u.manager_id',
      'u.active',
    ])
    .where('r.id', '=', id)
    .forUpdate('r')
    .executeTakeFirst();
}

export async function setPassword(trx: Tx, userId: string, passwordHash: string, now: Date) {
  await trx
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/** The user a reset is for, in the current tenant; undefined when there is none. */
export async function findResetUser(trx: Tx, userId: string) {
  return trx.selectFrom('users').select(['id', 'email', 'name', 'active']).where('id', '=', userId).executeTakeFirst();
}
