/**
 * What a ClickHouse query needs from PostgreSQL first. `leadVisibleTo` is PostgreSQL SQL (subqueries on users,
 * stages and API keys), so the caller's scope is resolved here to values (the owners of a manager's subtree, a
 * salesperson's warriors, a partner, the won stages, what an API key may read) and written with bound parameters;
 * likewise the team hierarchy the `team` dimension rolls up. Must agree with leadVisibleTo: the engine test
 * compares both engines' answers for several roles.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { subtreeOf } from '../users/index.ts';
import type { Dialect } from './dialect.ts';

const READ_ALL_LEADS_SCOPE = 'leads:read-all';

const column = async (trx: Tx, query: ReturnType<typeof sql<{ v: string | null }>>) =>
  (await query.execute(trx)).rows.map((r) => r.v).filter((v): v is string => v !== null);

/** The leads the actor sees, on the alias `l`, as ClickHouse SQL with its values bound. */
export async function leadScopeValues(trx: Tx, actor: Actor, d: Dialect): Promise<Expression<SqlBool>> {
  const me = actor.userId;
  const owner = sql`l.owner_id`;
  switch (actor.role) {
    case 'ADMIN':
    case 'DEV':
    case 'GUEST':
      return sql<SqlBool>`true`;
    case 'MANAGER': {
      const owners = await column(trx, sql<{ v: string }>`SELECT id::text AS v FROM ${subtreeOf(me)} t`);
      return d.oneOf(owner, owners, 'UUID');
    }
    case 'SALESPERSON': {
      const warriors = await column(
        trx,
        sql<{ v: string }>`SELECT w.id::text AS v FROM users w WHERE w.manager_id = ${me} AND w.role = 'WARRIOR'`,
      );
      const parts = [
        sql<SqlBool>`l.owner_id = ${d.value(me, 'UUID')}`,
        d.arrayHas(sql`l.co_sales_ids`, me, 'UUID'),
        ...(warriors.length > 0 ? [d.arrayHasAny(sql`l.warrior_ids`, warriors, 'UUID')] : []),
      ];
      return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
    }
    case 'WARRIOR':
      return d.arrayHas(sql`l.warrior_ids`, me, 'UUID');
    case 'COSALES':
      return d.arrayHas(sql`l.co_sales_ids`, me, 'UUID');
    case 'PARTNER': {
      const [partner] = await column(
        trx,
        sql<{ v: string | null }>`SELECT p.partner_id::text AS v FROM users p WHERE p.id = ${me}`,
      );
      return partner ? sql<SqlBool>`l.partner_id = ${d.value(partner, 'UUID')}` : sql<SqlBool>`false`;
    }
    case 'CUSTOMER_SUCCESS': {
      const won = await column(trx, sql<{ v: string }>`SELECT s.key AS v FROM pipeline_stages s WHERE s.kind = 'won'`);
      return d.oneOf(sql`l.stage`, won);
    }
    case 'INTEGRATION': {
      const mine = sql<SqlBool>`l.created_by = ${d.value(me, 'UUID')}`;
      if (!actor.apiKeyId) return mine;
      const wide = await column(
        trx,
        sql<{ v: string }>`SELECT k.id::text AS v FROM api_keys k
          WHERE k.id = ${actor.apiKeyId} AND ${READ_ALL_LEADS_SCOPE} = ANY (k.scopes)`,
      );
      return wide.length > 0 ? sql<SqlBool>`true` : mine;
    }
  }
}

/** Each user's heads: itself when it is a manager or an admin, and every manager or admin above it. */
export async function teamHeads(trx: Tx): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ member: string; heads: string[] }>`WITH RECURSIVE tree AS (
      SELECT u.id AS manager_id, u.id AS member_id FROM users u WHERE u.role IN ('MANAGER', 'ADMIN')
      UNION ALL SELECT t.manager_id, c.id FROM users c JOIN tree t ON c.manager_id = t.member_id
    ) SELECT member_id::text AS member, array_agg(DISTINCT manager_id::text ORDER BY manager_id::text) AS heads
    FROM tree GROUP BY member_id`.execute(trx);
  return new Map(rows.map((r) => [r.member, r.heads]));
}

/** The ids of a person and everyone reporting to it, however deep (the `team` filter). */
export async function subtreeIds(trx: Tx, root: string): Promise<string[]> {
  return column(trx, sql<{ v: string }>`SELECT id::text AS v FROM ${subtreeOf(root)} t`);
}

/** Names of users or partners by id, for the labels of a ClickHouse answer. */
export async function namesOf(trx: Tx, table: 'users' | 'partners', ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; name: string }>`SELECT id::text AS id, name FROM ${sql.table(table)}
    WHERE id = ANY(${ids}::uuid[])`.execute(trx);
  return new Map(rows.map((r) => [r.id, r.name]));
}
