import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { recordAssignment } from '../assignment/index.ts';
import { checkAssignment, hasExplicitAssignment } from './lead-assign.check.ts';
import { fieldAccessFor } from './lead-fields.ts';
import { toLead } from './leads.dto.ts';
import * as repo from './leads.repository.ts';
import type { AssignInput } from './leads.schemas.ts';
import { lockForWrite, writeLead } from './leads.service.ts';
import { channelOf, manualDecision } from './leads.write-context.ts';

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
