import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { RequestContext } from '../../http/context.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { can, subtreeOf } from '../users/index.ts';
import * as repo from './leads.repository.ts';

/** An assignment a write names itself (owner, warriors, co-sales, partner), checked against the actor's reach. */
export interface ExplicitAssignment {
  ownerId?: string | null | undefined;
  warriorIds?: string[] | undefined;
  coSalesIds?: string[] | undefined;
  partnerId?: string | null | undefined;
}

export function hasExplicitAssignment(a: ExplicitAssignment): boolean {
  return (
    a.ownerId !== undefined || a.warriorIds !== undefined || a.coSalesIds !== undefined || a.partnerId !== undefined
  );
}

/** Who the actor may put on a lead: ADMIN and INTEGRATION anyone; a manager its subtree; a salesperson its warriors. */
function reachOf(ctx: RequestContext): Expression<SqlBool> | 'all' | 'none' {
  switch (ctx.actor.role) {
    case 'ADMIN':
    case 'INTEGRATION':
      return 'all';
    case 'MANAGER':
      return sql<SqlBool>`id IN ${subtreeOf(ctx.actor.userId)}`;
    case 'SALESPERSON':
      return sql<SqlBool>`(id = ${ctx.actor.userId} OR (manager_id = ${ctx.actor.userId} AND role = 'WARRIOR'))`;
    default:
      return 'none';
  }
}

const allowedRoles = {
  ownerId: ['SALESPERSON'],
  warriorIds: ['WARRIOR'],
  coSalesIds: ['COSALES', 'SALESPERSON'],
} as const;

/**
 * Checks an explicit assignment: the people exist, are active and have the right role (an owner is a
 * salesperson, warriors are warriors, co-sales are co-sales or salespeople), the partner is active, and every
 * one of them is within the actor's reach. Returns the columns to write.
 */
export async function checkAssignment(
  trx: Tx,
  ctx: RequestContext,
  input: ExplicitAssignment,
  options: { basePath?: string | undefined; creating?: boolean } = {},
): Promise<repo.LeadColumns> {
  const base = options.basePath ? `${options.basePath}.` : '';
  const given = (Object.keys(input) as (keyof ExplicitAssignment)[]).filter((k) => input[k] !== undefined);
  if (!can(ctx.actor.role, 'leads:assign')) {
    throw new AppError('field_forbidden', `Your role may not assign leads: ${given.join(', ')}`, {
      errors: given.map((k) => ({ path: `${base}${k}`, message: 'your role may not assign leads' })),
    });
  }
  const reach = reachOf(ctx);
  const errors: FieldError[] = [];
  const outOfReach: FieldError[] = [];
  const columns: repo.LeadColumns = {};
  const people: { path: string; id: string; roles: readonly string[] }[] = [];
  if (input.ownerId) people.push({ path: `${base}ownerId`, id: input.ownerId, roles: allowedRoles.ownerId });
  for (const [i, id] of (input.warriorIds ?? []).entries()) {
    people.push({ path: `${base}warriorIds.${i}`, id, roles: allowedRoles.warriorIds });
  }
  for (const [i, id] of (input.coSalesIds ?? []).entries()) {
    people.push({ path: `${base}coSalesIds.${i}`, id, roles: allowedRoles.coSalesIds });
  }

  const ids = [...new Set(people.map((p) => p.id))];
  const found = await repo.usersByIds(trx, ids);
  let reachable = new Set<string>();
  if (reach === 'all') reachable = new Set(ids);
  else if (reach !== 'none' && ids.length > 0) {
    const rows = await trx.selectFrom('users').select('id').where('id', 'in', ids).where(reach).execute();
    reachable = new Set(rows.map((r) => r.id));
  }
  for (const person of people) {
    const user = found.find((u) => u.id === person.id);
    if (!user?.active) errors.push({ path: person.path, message: 'is not an active user of this company' });
    else if (!person.roles.includes(user.role)) {
      errors.push({
        path: person.path,
        message: `must be a ${person.roles.join(' or ').toLowerCase()}, not a ${user.role.toLowerCase()}`,
      });
    } else if (!reachable.has(person.id)) {
      outOfReach.push({ path: person.path, message: 'is outside the people you may assign leads to' });
    }
  }
  if (input.partnerId) {
    const partner = await repo.partnerById(trx, input.partnerId);
    if (!partner?.active)
      errors.push({ path: `${base}partnerId`, message: 'is not an active partner of this company' });
    else if (!['ADMIN', 'MANAGER', 'INTEGRATION'].includes(ctx.actor.role)) {
      outOfReach.push({ path: `${base}partnerId`, message: 'only admins and managers hand leads to partners' });
    }
  }
  if ((input.coSalesIds !== undefined || input.partnerId !== undefined) && ctx.actor.role === 'SALESPERSON') {
    for (const key of ['coSalesIds', 'partnerId'] as const) {
      if (input[key] !== undefined && !outOfReach.some((e) => e.path.startsWith(`${base}${key}`))) {
        outOfReach.push({ path: `${base}${key}`, message: 'a salesperson assigns only its own warriors' });
      }
    }
  }
  if (errors.length > 0) {
    throw new AppError('unprocessable', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
  }
  if (outOfReach.length > 0) {
    throw new AppError('forbidden', outOfReach.map((e) => `${e.path} ${e.message}`).join('; '), { errors: outOfReach });
  }
  if (input.ownerId !== undefined) columns.owner_id = input.ownerId;
  if (input.warriorIds !== undefined) columns.warrior_ids = [...new Set(input.warriorIds)];
  if (input.coSalesIds !== undefined) columns.co_sales_ids = [...new Set(input.coSalesIds)];
  if (input.partnerId !== undefined) columns.partner_id = input.partnerId;
  return columns;
}
