import { type Expression, type SqlBool, sql } from 'kysely';
import type { Actor } from '../../http/context.ts';
import { subtreeOf } from '../users/index.ts';

/** The API key scope that lets an integration read every lead, not only the ones it brought in. */
export const READ_ALL_LEADS_SCOPE = 'leads:read-all';

/**
 * Leads still in use, on the alias `l`: not in the trash and not merged into another lead. Everything that
 * lists, counts, searches or works leads adds it to leadVisibleTo; the trash and the merge tombstones leave it out.
 */
export const leadIsLive: Expression<SqlBool> = sql<SqlBool>`(l.deleted_at IS NULL AND l.merged_into IS NULL)`;

/**
 * The one predicate of which leads an actor sees, on the alias `l`. List, get, search, counts, the board and
 * export all filter with it; a lead outside it answers 404, so its existence is not disclosed.
 */
export function leadVisibleTo(actor: Actor): Expression<SqlBool> {
  const me = actor.userId;
  switch (actor.role) {
    case 'ADMIN':
    case 'DEV':
    case 'GUEST':
      return sql<SqlBool>`true`;
    case 'MANAGER':
      // As an array, not a semi-join: the planner can then combine the owner index with a search or filter index.
      return sql<SqlBool>`l.owner_id = ANY(ARRAY${subtreeOf(me)})`;
    case 'SALESPERSON':
      return sql<SqlBool>`(l.owner_id = ${me}
        OR l.co_sales_ids @> ARRAY[${me}]::uuid[]
        OR l.warrior_ids && ARRAY(SELECT w.id FROM users w WHERE w.manager_id = ${me} AND w.role = 'WARRIOR'))`;
    case 'WARRIOR':
      return sql<SqlBool>`l.warrior_ids @> ARRAY[${me}]::uuid[]`;
    case 'COSALES':
      return sql<SqlBool>`l.co_sales_ids @> ARRAY[${me}]::uuid[]`;
    case 'PARTNER':
      return sql<SqlBool>`l.partner_id = (SELECT p.partner_id FROM users p WHERE p.id = ${me})`;
    case 'CUSTOMER_SUCCESS':
      return sql<SqlBool>`l.stage IN (SELECT s.key FROM pipeline_stages s WHERE s.kind = 'won')`;
    case 'INTEGRATION':
      if (!actor.apiKeyId) return sql<SqlBool>`l.created_by = ${me}`;
      return sql<SqlBool>`(l.created_by = ${me} OR EXISTS (
        SELECT 1 FROM api_keys k WHERE k.id = ${actor.apiKeyId} AND ${READ_ALL_LEADS_SCOPE} = ANY (k.scopes)))`;
  }
}

/**
 * The leads an actor may change, on the alias `l`: leadVisibleTo without what an API key's scope adds, since a
 * scope (`leads:read-all`) widens what a key reads, never what it changes. Every write path locks with it.
 */
export function leadChangeableBy(actor: Actor): Expression<SqlBool> {
  if (actor.role === 'INTEGRATION') return sql<SqlBool>`l.created_by = ${actor.userId}`;
  return leadVisibleTo(actor);
}

/**
 * leadVisibleTo split along owners, for counts read from the per-owner totals: `owned` is a condition on
 * `l.owner_id` alone; `beyond` the rest of the visible leads, none of them matched by `owned` (null when there
 * are none). null when the role's visibility does not follow owners. Must agree with leadVisibleTo.
 */
export function visibilityByOwner(
  actor: Actor,
): { owned: Expression<SqlBool>; beyond: Expression<SqlBool> | null } | null {
  const me = actor.userId;
  switch (actor.role) {
    case 'ADMIN':
    case 'DEV':
    case 'GUEST':
    case 'MANAGER':
      return { owned: leadVisibleTo(actor), beyond: null };
    case 'SALESPERSON':
      return {
        owned: sql<SqlBool>`l.owner_id = ${me}`,
        beyond: sql<SqlBool>`(l.owner_id IS DISTINCT FROM ${me} AND (l.co_sales_ids @> ARRAY[${me}]::uuid[]
          OR l.warrior_ids && ARRAY(SELECT w.id FROM users w WHERE w.manager_id = ${me} AND w.role = 'WARRIOR')))`,
      };
    default:
      return null;
  }
}
