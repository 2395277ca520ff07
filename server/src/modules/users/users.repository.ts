import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { type Role, roleMatrix } from './roles.ts';

export const userColumns = [
  'u.id',
  'u.email',
  'u.name',
  'u.role',
  'u.manager_id',
  'm.name as manager_name',
  'u.partner_id',
  'pt.name as partner_name',
  'u.active',
  'u.created_at',
  'u.updated_at',
  'u.deactivated_at',
] as const;

/** The ids of a user and everyone below it: the subtree a manager sees. */
export function subtreeOf(rootId: string) {
  return sql<{ id: string }>`(
    WITH RECURSIVE tree AS (
      SELECT id FROM users WHERE id = ${rootId}
      UNION
      SELECT child.id FROM users child JOIN tree ON child.manager_id = tree.id
    ) SELECT id FROM tree)`;
}

/** The one predicate of which users an actor may see; used by list, get and team. */
export function visibleTo(actor: Actor): Expression<SqlBool> {
  switch (roleMatrix[actor.role].userScope) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'subtree':
      return sql<SqlBool>`u.id IN ${subtreeOf(actor.userId)}`;
    case 'self_and_warriors':
      return sql<SqlBool>`(u.id = ${actor.userId} OR (u.manager_id = ${actor.userId} AND u.role = 'WARRIOR'))`;
    case 'self':
      return sql<SqlBool>`u.id = ${actor.userId}`;
  }
}

function baseQuery(trx: Tx) {
  return trx
    .selectFrom('users as u')
    .leftJoin('users as m', (join) =>
      join.onRef('m.company_id', '=', 'u.company_id').onRef('m.id', '=', 'u.manager_id'),
    )
    .leftJoin('partners as pt', (join) =>
      join.onRef('pt.company_id', '=', 'u.company_id').onRef('pt.id', '=', 'u.partner_id'),
    )
    .select(userColumns);
}

export async function findVisibleUser(trx: Tx, actor: Actor, id: string) {
  return baseQuery(trx).where('u.id', '=', id).where(visibleTo(actor)).executeTakeFirst();
}

export async function findUser(trx: Tx, id: string) {
  return baseQuery(trx).where('u.id', '=', id).executeTakeFirst();
}

export interface ListFilter {
  role?: Role;
  managerId?: string;
  active?: boolean;
  q?: string;
  limit: number;
  after: (string | number)[] | null;
}

/**
 * One page of users. The page is cut from the name index first and the manager's and partner's names are then
 * read for its rows alone, so the plan stays a short index walk whatever the table's size or statistics (joined
 * before the limit, a company without planner statistics compared every user with every other one).
 */
export async function listUsers(trx: Tx, actor: Actor, filter: ListFilter) {
  let page = trx
    .selectFrom('users as u')
    .select([
      'u.company_id',
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.manager_id',
      'u.partner_id',
      'u.active',
      'u.created_at',
      'u.updated_at',
      'u.deactivated_at',
      sql<string>`lower(u.name)`.as('sort_name'),
    ])
    .where(visibleTo(actor));
  if (filter.role) page = page.where('u.role', '=', filter.role);
  if (filter.managerId) page = page.where('u.manager_id', '=', filter.managerId);
  if (filter.active !== undefined) page = page.where('u.active', '=', filter.active);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    page = page.where((eb) => eb.or([eb('u.name', 'ilike', pattern), eb('u.email', 'ilike', pattern)]));
  }
  if (filter.after) {
    const [name, id] = filter.after;
    page = page.where(sql<SqlBool>`(lower(u.name), u.id) > (${String(name)}, ${String(id)}::uuid)`);
  }
  const rows = page
    .orderBy(sql`lower(u.name)`)
    .orderBy('u.id')
    .limit(filter.limit + 1)
    .as('p');
  return trx
    .selectFrom(rows)
    .select((eb) => [
      'p.id',
      'p.email',
      'p.name',
      'p.role',
      'p.manager_id',
      eb
        .selectFrom('users as m')
        .select('m.name')
        .whereRef('m.company_id', '=', 'p.company_id')
        .whereRef('m.id', '=', 'p.manager_id')
        .as('manager_name'),
      'p.partner_id',
      eb
        .selectFrom('partners as pt')
        .select('pt.name')
        .whereRef('pt.company_id', '=', 'p.company_id')
        .whereRef('pt.id', '=', 'p.partner_id')
        .as('partner_name'),
      'p.active',
      'p.created_at',
      'p.updated_at',
      'p.deactivated_at',
      'p.sort_name',
    ])
    .orderBy('p.sort_name')
    .orderBy('p.id')
    .execute();
}

export async function listTeam(trx: Tx, actor: Actor, rootId: string) {
  return baseQuery(trx)
    .where(sql<SqlBool>`u.id IN ${subtreeOf(rootId)}`)
    .where('u.id', '<>', rootId)
    .where(visibleTo(actor))
    .orderBy(sql`lower(u.name)`)
    .limit(5000)
    .execute();
}

export async function isInSubtree(trx: Tx, rootId: string, candidateId: string): Promise<boolean> {
  const row = await sql<{ found: boolean }>`SELECT ${candidateId}::uuid IN ${subtreeOf(rootId)} AS found`.execute(trx);
  return row.rows[0]?.found === true;
}

/** Roles of everyone reporting directly to a user, deactivated reports included: they can be reactivated. */
export async function directReportRoles(trx: Tx, managerId: string): Promise<Role[]> {
  const rows = await trx.selectFrom('users').select('role').distinct().where('manager_id', '=', managerId).execute();
  return rows.map((r) => r.role as Role);
}

export async function insertUser(
  trx: Tx,
  row: {
    companyId: string;
    id: string;
    email: string;
    name: string;
    role: Role;
    managerId: string | null;
    partnerId?: string | null;
    passwordHash: string;
  },
) {
  await trx
    .insertInto('users')
    .values({
      company_id: row.companyId,
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      manager_id: row.managerId,
      partner_id: row.partnerId ?? null,
      password_hash: row.passwordHash,
    })
    .execute();
  await trx
    .insertInto('user_directory')
    .values({ email: row.email, company_id: row.companyId, user_id: row.id })
    .execute();
}

/** The company's active admins: who is told when something of the company's breaks (a connection, an endpoint). */
export async function activeAdmins(trx: Tx): Promise<string[]> {
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'ADMIN')
    .where('active', '=', true)
    .execute();
  return rows.map((r) => r.id);
}

export async function emailTaken(trx: Tx, email: string): Promise<boolean> {
  const row = await trx.selectFrom('user_directory').select('user_id').where('email', '=', email).executeTakeFirst();
  return row !== undefined;
}

export async function updateUser(
  trx: Tx,
  id: string,
  changes: {
    name?: string;
    role?: Role;
    manager_id?: string | null;
    partner_id?: string | null;
    active?: boolean;
    deactivated_at?: Date | null;
  },
  now: Date,
) {
  await trx
    .updateTable('users')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function revokeApiKeysOf(trx: Tx, userId: string, now: Date) {
  await trx
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
