import { type Expression, type SqlBool, sql } from 'kysely';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { recordAssignment } from '../assignment/assignment.engine.ts';
import { can } from '../users/roles.ts';
import { subtreeOf } from '../users/users.repository.ts';
import { fieldAccessFor } from './lead-fields.ts';
import { toLead } from './leads.dto.ts';
import * as repo from './leads.repository.ts';
import type { AssignInput } from './leads.schemas.ts';
import { channelOf, lockForWrite, manualDecision, writeLead } from './leads.service.ts';

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

/** Manual assign and reassign: the change, its why on the lead, and the audit row, in one transaction. */
export async function assignLead(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: AssignInput,
  ifMatch: string | undefined,
) {
  const { version, ...input } = body;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await lockForWrite(trx, ctx, id, { version, ifMatch, required: false });
    if (!hasExplicitAssignment(input)) {
      throw new AppError('validation_failed', 'Say what to assign: ownerId, warriorIds, coSalesIds or partnerId', {
        errors: [{ path: 'ownerId', message: 'one of ownerId, warriorIds, coSalesIds or partnerId is required' }],
      });
    }
    const columns = await checkAssignment(trx, ctx, input);
    // Warriors work for their salesperson: a new owner keeps only the warriors who report to it.
    if (columns.owner_id !== undefined && columns.owner_id !== before.owner_id && columns.warrior_ids === undefined) {
      const kept = (await repo.usersByIds(trx, before.warrior_ids)).filter((w) => w.manager_id === columns.owner_id);
      columns.warrior_ids = kept.map((w) => w.id);
    }
    const after = await writeLead(trx, deps, ctx, before, columns, 'lead.assigned');
    const changed = describeChanges(before, after);
    if (changed) {
      await recordAssignment(trx, deps, {
        companyId: ctx.actor.companyId,
        leadId: id,
        byUserId: ctx.actor.userId,
        channel: channelOf(ctx),
        previousOwnerId: before.owner_id,
        decision: manualDecision(after.owner_id, `${changed}, by ${ctx.actor.name}`),
        now: deps.clock.now(),
      });
    }
    return toLead(after, await fieldAccessFor(trx, ctx.actor.role));
  });
}

function describeChanges(before: repo.LeadRow, after: repo.LeadRow): string | null {
  const parts: string[] = [];
  if (before.owner_id !== after.owner_id)
    parts.push(after.owner_id ? `Owner set to ${after.owner_name}` : 'Owner removed');
  if (JSON.stringify(before.warrior_ids) !== JSON.stringify(after.warrior_ids)) parts.push('Warriors changed');
  if (JSON.stringify(before.co_sales_ids) !== JSON.stringify(after.co_sales_ids)) parts.push('Co-sales changed');
  if (before.partner_id !== after.partner_id) {
    parts.push(after.partner_id ? `Handed to partner ${after.partner_name}` : 'Taken back from the partner');
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The why of a lead's assignments, newest first. */
export async function assignmentHistory(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!(await repo.findVisibleLead(trx, ctx.actor, id))) throw notFound('lead');
    const access = await fieldAccessFor(trx, ctx.actor.role);
    if (access.fields.ownerId === 'hidden') throw new AppError('forbidden', 'Your role does not see who owns leads');
    const rows = await trx
      .selectFrom('lead_assignments as a')
      .leftJoin('users as o', (j) => j.onRef('o.company_id', '=', 'a.company_id').onRef('o.id', '=', 'a.owner_id'))
      .leftJoin('users as b', (j) => j.onRef('b.company_id', '=', 'a.company_id').onRef('b.id', '=', 'a.by_user_id'))
      .select([
        'a.id',
        'a.at',
        'a.by_user_id',
        'b.name as by_user_name',
        'a.channel',
        'a.reason',
        'a.rule_id',
        'a.rule_name',
        'a.strategy',
        'a.owner_id',
        'o.name as owner_name',
        'a.previous_owner_id',
        'a.sla_due_at',
        'a.candidates',
        'a.detail',
      ])
      .where('a.lead_id', '=', id)
      .orderBy('a.at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(100)
      .execute();
    const data = rows.map(toAssignment);
    return { current: data[0] ?? null, history: data };
  });
}

export function toAssignment(r: {
  id: string;
  at: Date | string;
  by_user_id: string | null;
  by_user_name: string | null;
  channel: string;
  reason: string;
  rule_id: string | null;
  rule_name: string | null;
  strategy: string | null;
  owner_id: string | null;
  owner_name: string | null;
  previous_owner_id: string | null;
  sla_due_at: Date | string | null;
  candidates: unknown;
  detail: string | null;
}) {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    byUserId: r.by_user_id,
    byUserName: r.by_user_name,
    channel: r.channel,
    reason: r.reason,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    strategy: r.strategy,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    previousOwnerId: r.previous_owner_id,
    slaDueAt: r.sla_due_at ? new Date(r.sla_due_at).toISOString() : null,
    candidates: (r.candidates ?? []) as { userId: string; name: string; chosen: boolean; skipped: string | null }[],
    detail: r.detail,
  };
}
