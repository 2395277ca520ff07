import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAssignment } from '../assignment/index.ts';
import { recordAudit } from '../audit/index.ts';
import {
  channelOf,
  checkAssignment,
  checkStageRequirements,
  loadWriteContext,
  manualDecision,
} from '../leads/commands.ts';
import {
  findLead,
  insertStageHistory,
  type LeadRow,
  leadRelations,
  leadSnapshot,
  leadValues,
  updateLeadRow,
} from '../leads/index.ts';

import { notify } from '../notifications/index.ts';
import { can } from '../users/index.ts';
import { resolveFields } from './merge-fields.ts';
import * as repo from './merges.repository.ts';
import type { MergeInput } from './merges.schemas.ts';

export async function mergeLeads(deps: Deps, ctx: RequestContext, body: MergeInput) {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => mergeLeadsInTx(trx, deps, ctx, body));
}

/**
 * Merges leads into a survivor inside the caller's transaction: the survivor takes the chosen fields and the
 * combined lists, every row of the lead-owned tables moves to it, the merged leads become tombstones pointing
 * at it, and the whole before and after is kept so the merge can be undone. All or nothing.
 */
export async function mergeLeadsInTx(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  body: MergeInput,
): Promise<{ mergeId: string; survivorId: string }> {
  const { survivorId, mergedIds } = body;
  const choices = body.fieldChoices ?? {};
  checkIds(survivorId, mergedIds);
  const allIds = [survivorId, ...mergedIds];
  const rows = await repo.lockLiveLeads(trx, ctx.actor, allIds);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const survivor = byId.get(survivorId);
  if (!survivor) throw notFoundAt('survivorId');
  const missing = mergedIds.findIndex((id) => !byId.has(id));
  if (missing >= 0) throw notFoundAt(`mergedIds.${missing}`);
  const merged = mergedIds.map((id) => byId.get(id) as LeadRow);

  const wctx = await loadWriteContext(trx, ctx);
  const { changes, chosen, assignment } = resolveFields(
    survivor,
    merged,
    choices,
    { access: wctx.input.access, canAssign: can(ctx.actor.role, 'leads:assign') },
    new Set(wctx.input.customDefs.map((d) => d.key)),
  );
  if (Object.keys(assignment).length > 0) await checkAssignment(trx, ctx, assignment, { basePath: 'fieldChoices' });
  const stageChanged = changes.stage !== undefined;
  checkStage(ctx, wctx, survivor, { ...survivor, ...changes } as LeadRow);

  const now = deps.clock.now();
  const beforeImages = await repo.rowImages(trx, allIds);
  const moved: Record<string, Record<string, string[]>> = {};
  const movedAssignments = { count: 0 };
  for (const relation of leadRelations) {
    for (const id of mergedIds) {
      const ids = await repo.moveRows(trx, relation.table, id, survivorId);
      if (ids.length === 0) continue;
      moved[relation.table] = { ...moved[relation.table], [id]: ids };
      if (relation.table === 'lead_assignments') movedAssignments.count += ids.length;
    }
  }
  await updateLeadRow(
    trx,
    survivorId,
    survivor.version,
    { ...changes, ...(stageChanged ? { stage_changed_at: now } : {}) },
    now,
  );
  await repo.tombstone(trx, mergedIds, survivorId, now);

  // Rows the merge adds to keep the survivor's history true; undo removes them with the change they record.
  const created: repo.MergeRecord['created_rows'] = [];
  if (stageChanged) {
    const id = newId();
    await insertStageHistory(trx, {
      company_id: ctx.actor.companyId,
      id,
      lead_id: survivorId,
      from_stage: survivor.stage,
      to_stage: changes.stage as string,
      by_user_id: ctx.actor.userId,
      at: now,
      seconds_in_previous: Math.max(
        0,
        Math.round((now.getTime() - new Date(survivor.stage_changed_at).getTime()) / 1000),
      ),
    });
    created.push({ table: 'lead_stage_history', id, field: 'stage' });
  }
  const ownerChanged = changes.owner_id !== undefined;
  // Moved assignments may be newer than the survivor's own: a fresh one keeps "current" naming its real owner.
  if (ownerChanged || movedAssignments.count > 0) {
    const ownerId = ownerChanged ? (changes.owner_id ?? null) : survivor.owner_id;
    const from = ownerChanged ? merged.find((m) => m.id === chosen.ownerId) : undefined;
    const detail = from
      ? `Owner taken from merged lead "${from.name}", by ${ctx.actor.name}`
      : `Merged ${merged.map((m) => `"${m.name}"`).join(', ')} into this lead; ${ownerId ? 'owner kept' : 'still unassigned'}, by ${ctx.actor.name}`;
    const id = await recordAssignment(trx, deps, {
      companyId: ctx.actor.companyId,
      leadId: survivorId,
      byUserId: ctx.actor.userId,
      channel: channelOf(ctx),
      previousOwnerId: survivor.owner_id,
      decision: manualDecision(ownerId, detail),
      now,
    });
    created.push({ table: 'lead_assignments', id, field: 'ownerId' });
  }

  const afterImages = await repo.rowImages(trx, allIds);
  const mergeId = newId();
  await repo.insertMerge(trx, {
    company_id: ctx.actor.companyId,
    id: mergeId,
    survivor_id: survivorId,
    merged_ids: mergedIds,
    field_choices: chosen,
    before_images: Object.fromEntries(beforeImages),
    after_images: Object.fromEntries(afterImages),
    moved_rows: moved,
    created_rows: created,
    by_user_id: ctx.actor.userId,
    at: now,
  });

  const after = await findLead(trx, survivorId);
  if (!after) throw new Error('survivor vanished during the merge');
  await recordAudit(trx, ctx, {
    action: 'lead.merged',
    entityType: 'lead',
    entityId: survivorId,
    before: leadSnapshot(survivor),
    after: { ...leadSnapshot(after), mergeId, mergedIds },
    at: now,
  });
  for (const lead of merged) {
    await recordAudit(trx, ctx, {
      action: 'lead.merged',
      entityType: 'lead',
      entityId: lead.id,
      before: { mergedInto: null },
      after: { mergedInto: survivorId, mergeId },
      at: now,
    });
  }
  await notifyOwners(trx, ctx, [survivor, ...merged], now, {
    kind: 'lead.merged',
    title: `Leads merged into ${after.name}`,
    body: `${ctx.actor.name} merged ${merged.map((m) => `"${m.name}"`).join(', ')} into "${after.name}". The merge can be undone for 30 days.`,
    leadId: survivorId,
  });
  return { mergeId, survivorId };
}

function checkIds(survivorId: string, mergedIds: string[]): void {
  const errors: FieldError[] = [];
  mergedIds.forEach((id, i) => {
    if (id === survivorId)
      errors.push({ path: `mergedIds.${i}`, message: 'is the survivor; a lead is not merged into itself' });
    else if (mergedIds.indexOf(id) !== i) errors.push({ path: `mergedIds.${i}`, message: 'appears more than once' });
  });
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
}

function notFoundAt(path: string): AppError {
  return new AppError('not_found', 'No such lead', { errors: [{ path, message: 'is not a lead you can see' }] });
}

/** A merge moves the survivor's stage only as a stage move may: reopening needs leads:reopen, requirements hold. */
function checkStage(
  ctx: RequestContext,
  wctx: Awaited<ReturnType<typeof loadWriteContext>>,
  before: LeadRow,
  result: LeadRow,
): void {
  const current = wctx.stages.find((s) => s.key === before.stage);
  const target = wctx.stages.find((s) => s.key === result.stage);
  if (result.stage !== before.stage && current && current.kind !== 'open' && !can(ctx.actor.role, 'leads:reopen')) {
    throw new AppError('forbidden', `Reopening a ${current.name} lead needs the permission leads:reopen`, {
      errors: [{ path: 'fieldChoices.stage', message: `the survivor is ${current.name}; your role may not reopen it` }],
    });
  }
  if (target && target.kind !== 'open') checkStageRequirements(target, leadValues(result), 'fieldChoices.');
}

/** Tells the owners of the leads involved (but not the person who did it) what happened to them. */
export async function notifyOwners(
  trx: Tx,
  ctx: RequestContext,
  leads: { owner_id: string | null }[],
  now: Date,
  message: { kind: string; title: string; body: string; leadId: string },
): Promise<void> {
  const owners = new Set(leads.map((l) => l.owner_id).filter((id): id is string => !!id && id !== ctx.actor.userId));
  for (const userId of owners) {
    await notify(trx, { companyId: ctx.actor.companyId, userId, ...message, now });
  }
}
