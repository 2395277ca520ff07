import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { assignLead, moveStage, updateLead } from '../leads/commands.ts';
import { findVisibleLead } from '../leads/index.ts';

import { trashLead } from '../trash/index.ts';
import { can } from '../users/index.ts';
import type { BulkActionKind, BulkActionParamsInput } from './bulk-actions.schemas.ts';

export interface ItemOutcome {
  status: 'done' | 'failed';
  code?: string;
  message?: string;
}

/**
 * Adds or removes tags through the lead update, at the version just read; a lead already as asked is left as it
 * is. Someone editing the lead in between costs one more read, not a failure.
 */
async function retag(deps: Deps, ctx: RequestContext, id: string, tags: string[], add: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const lead = await withTenant(deps.db, ctx.actor.companyId, (trx) => findVisibleLead(trx, ctx.actor, id));
    if (!lead) throw notFound('lead');
    const next = add ? [...new Set([...lead.tags, ...tags])] : lead.tags.filter((t) => !tags.includes(t));
    if (next.length === lead.tags.length && next.every((t, i) => t === lead.tags[i])) return;
    try {
      await updateLead(deps, ctx, id, { tags: next, version: lead.version }, undefined);
      return;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'version_conflict') || attempt >= 3) throw error;
    }
  }
}

/**
 * One lead of a bulk action, through the same service function as the single edit (same permissions, field
 * access, visibility and stage rules), in a transaction of its own: a failing lead changes nothing and stops
 * nothing else. A refusal is the item's outcome; anything else is a fault that stops the action.
 */
export async function runItem(
  deps: Deps,
  ctx: RequestContext,
  action: BulkActionKind,
  params: BulkActionParamsInput,
  id: string,
): Promise<ItemOutcome> {
  try {
    switch (action) {
      case 'assign':
        await assignLead(deps, ctx, id, { ownerId: params.ownerId ?? null }, undefined);
        break;
      case 'partner':
        await assignLead(deps, ctx, id, { partnerId: params.partnerId ?? null }, undefined);
        break;
      case 'stage':
        await moveStage(
          deps,
          ctx,
          id,
          {
            stage: params.stage ?? '',
            ...(params.fields ? { fields: params.fields } : {}),
            ...(params.closeFollowUps !== undefined ? { closeFollowUps: params.closeFollowUps } : {}),
          },
          undefined,
          can(ctx.actor.role, 'leads:reopen'),
        );
        break;
      case 'tag':
      case 'untag':
        await retag(deps, ctx, id, params.tags ?? [], action === 'tag');
        break;
      case 'delete':
        await trashLead(deps, ctx, id, undefined);
        break;
    }
    return { status: 'done' };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: 'failed', code: error.code, message: error.detail ?? error.message };
  }
}
