import { type Expression, type SqlBool, sql } from 'kysely';
import type { Actor } from '../../http/context.ts';
import { can } from '../users/index.ts';
import { keyInSubtree, type ScopeKind } from './targets.repository.ts';

/**
 * Who sees and sets which targets, in one place.
 * - See: an admin every target; a manager its subtree's users, its own and its sub-managers' teams, and the
 *   partner and territory targets (their progress counted over the leads it sees); anyone else its own user target,
 *   and a partner's user its partner's target too.
 * - Set (`targets:manage`): an admin any target; a manager the users and teams of its subtree (itself included).
 */
export function targetVisibleTo(actor: Actor, partnerId: string | null): Expression<SqlBool> {
  if (actor.role === 'ADMIN') return sql<SqlBool>`true`;
  if (actor.role === 'MANAGER') {
    return sql<SqlBool>`(t.scope_kind IN ('partner', 'territory')
      OR (t.scope_kind IN ('user', 'team') AND ${keyInSubtree(actor.userId)}))`;
  }
  const own = sql<SqlBool>`(t.scope_kind = 'user' AND t.scope_key = ${actor.userId})`;
  if (partnerId === null) return own;
  return sql<SqlBool>`(${own} OR (t.scope_kind = 'partner' AND t.scope_key = ${partnerId}))`;
}

/** Whose targets the actor may set: `all`, the users and teams of its `subtree`, or `none`. */
export function targetReach(actor: Actor): 'all' | 'subtree' | 'none' {
  if (!can(actor.role, 'targets:manage')) return 'none';
  return actor.role === 'ADMIN' ? 'all' : 'subtree';
}

/** Which kinds of target a reach may set. */
export function maySetKind(reach: 'all' | 'subtree' | 'none', kind: ScopeKind): boolean {
  return reach === 'all' || (reach === 'subtree' && (kind === 'user' || kind === 'team'));
}
