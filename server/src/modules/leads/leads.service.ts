import type { Tx } from '../../db/client.ts';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { settleOpenFollowUps } from '../activities/index.ts';
import type { Channel } from '../assignment/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { CreateOutcome, OnDuplicate } from '../duplicates/index.ts';

import { survivorOf } from '../merges/index.ts';
import { findStage } from '../pipeline/index.ts';
import { fieldAccessFor } from './lead-fields.ts';
import { toColumns } from './lead-input.ts';
import { createLeads } from './leads.create.ts';
import { type LeadDto, leadSnapshot, leadValues, toLead } from './leads.dto.ts';
import * as repo from './leads.repository.ts';
import type { CreateLeadInput, LeadFieldsInput, UpdateLeadInput } from './leads.schemas.ts';
import { apiValues, checkStageRequirements, loadWriteContext, type WriteContext } from './leads.write-context.ts';

/**
 * `POST /leads`: a batch of one through the one write path (createLeads), answered as a single create answers:
 * the new lead (and the matches it was warned about), or the lead skipped for or merged into; a refusal is
 * thrown (the 4xx problem), and so is a fault of ours.
 */
export async function createLeadOrMatchInTx(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  wctx: WriteContext,
  body: CreateLeadInput,
  options: { channel: Channel; onDuplicate?: OnDuplicate | undefined },
): Promise<CreateOutcome> {
  const { results } = await createLeads(trx, deps, ctx, [{ body }], {
    channel: options.channel,
    onDuplicate: options.onDuplicate,
    returnRows: true,
    wctx,
  });
  const [result] = results;
  if (!result) throw new Error('a batch of one came back empty');
  if (result.status === 'failed' || result.status === 'duplicate') throw result.error;
  if (result.status === 'created') return { status: 'created', row: result.row ?? null, duplicates: result.duplicates };
  return result;
}

/**
 * One lead, or where a merged-away lead lives on: `movedTo` names the survivor (at the end of a chain of merges)
 * when the caller may see it. Anything else is a 404, which says nothing about whether the id exists.
 */
export async function getLead(
  deps: Deps,
  ctx: RequestContext,
  id: string,
): Promise<{ lead: LeadDto } | { movedTo: string }> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findVisibleLead(trx, ctx.actor, id);
    if (row) return { lead: toLead(row, await fieldAccessFor(trx, ctx.actor.role)) };
    const survivorId = await survivorOf(trx, ctx.actor, id);
    if (!survivorId) throw notFound('lead');
    return { movedTo: survivorId };
  });
}

/** The version a write is based on: the body's `version`, else `If-Match`; one of them is required. */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | undefined): number {
  if (bodyVersion !== undefined) return bodyVersion;
  const match = ifMatch?.match(/^(?:W\/)?"?(\d+)"?$/);
  if (match?.[1]) return Number(match[1]);
  throw new AppError('precondition_required', 'Send the version you read, as `version` in the body or If-Match', {
    errors: [{ path: 'version', message: 'is required (or an If-Match header)' }],
  });
}

function versionConflict(current: number) {
  return new AppError('version_conflict', `The lead is at version ${current}; reload it and apply your change again`, {
    extra: { currentVersion: current },
  });
}

/** The version a write claims to be based on; without `required`, a write naming none applies to the current one. */
export interface VersionClaim {
  version: number | undefined;
  ifMatch: string | undefined;
  required: boolean;
}

/**
 * Loads a lead the actor may see, locked for a write (404 before anything else is said about the request), and
 * checks the version the write is based on (409 when stale).
 */
export async function lockForWrite(
  trx: Tx,
  ctx: RequestContext,
  id: string,
  claim: VersionClaim,
): Promise<repo.LeadRow> {
  const row = await repo.findVisibleLead(trx, ctx.actor, id, { lock: true });
  if (!row) throw notFound('lead');
  const named = claim.version !== undefined || Boolean(claim.ifMatch);
  const expected = named || claim.required ? expectedVersion(claim.version, claim.ifMatch) : row.version;
  if (row.version !== expected) throw versionConflict(row.version);
  return row;
}

/** Applies field changes under the version check and writes one audit row with what changed. */
export async function writeLead(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  before: repo.LeadRow,
  changes: repo.LeadColumns & { stage_changed_at?: Date },
  action: string,
): Promise<repo.LeadRow> {
  const now = deps.clock.now();
  const ok = await repo.updateLead(trx, before.id, before.version, changes, now);
  if (!ok) throw versionConflict(before.version + 1);
  const after = await repo.findLead(trx, before.id);
  if (!after) throw notFound('lead');
  await recordAudit(trx, ctx, {
    action,
    entityType: 'lead',
    entityId: before.id,
    before: leadSnapshot(before),
    after: leadSnapshot(after),
    at: now,
  });
  return after;
}

export async function updateLead(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: UpdateLeadInput,
  ifMatch: string | undefined,
): Promise<LeadDto> {
  const { version, ...fields } = body;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await lockForWrite(trx, ctx, id, { version, ifMatch, required: true });
    const wctx = await loadWriteContext(trx, ctx);
    const changes = await toColumns(trx, fields, wctx.input, {
      mode: 'update',
      currentCustom: before.custom_fields as Record<string, unknown>,
    });
    const stage = wctx.stages.find((s) => s.key === before.stage);
    if (stage && stage.kind !== 'open') {
      checkStageRequirements(stage, { ...leadValues(before), ...apiChanges(changes, before) }, '');
    }
    const after = await writeLead(trx, deps, ctx, before, changes, 'lead.updated');
    return toLead(after, wctx.input.access);
  });
}

function apiChanges(changes: repo.LeadColumns, before: repo.LeadRow): Record<string, unknown> {
  const merged = { ...before, ...changes } as repo.LeadColumns & { name: string };
  return apiValues({ ...merged, stage: before.stage });
}

/** Moves a lead to another stage, with the fields that stage needs, and keeps the move in the history. */
export async function moveStage(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { stage: string; version?: number; fields?: LeadFieldsInput & { name?: string }; closeFollowUps?: boolean },
  ifMatch: string | undefined,
  canReopen: boolean,
): Promise<LeadDto> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await lockForWrite(trx, ctx, id, { version: body.version, ifMatch, required: false });
    const target = await findStage(trx, body.stage);
    if (!target)
      throw new AppError('validation_failed', `No stage ${body.stage}`, {
        errors: [{ path: 'stage', message: 'is not a stage of this pipeline' }],
      });
    const current = await findStage(trx, row.stage);
    if (current && current.kind !== 'open' && target.key !== current.key && !canReopen) {
      throw new AppError('forbidden', `Reopening a ${current.name} lead needs the permission leads:reopen`);
    }
    const wctx = await loadWriteContext(trx, ctx);
    const changes = body.fields
      ? await toColumns(trx, body.fields, wctx.input, {
          mode: 'update',
          basePath: 'fields',
          currentCustom: row.custom_fields as Record<string, unknown>,
        })
      : {};
    checkStageRequirements(target, { ...leadValues(row), ...apiChanges(changes, row) }, 'fields.');
    if (target.key === row.stage && Object.keys(changes).length === 0) return toLead(row, wctx.input.access);
    // Won or Lost: open follow-ups are asked about (409 open_follow_ups), never closed silently.
    if (target.key !== row.stage && target.kind !== 'open') {
      await settleOpenFollowUps(trx, deps, ctx, row, target, body.closeFollowUps);
    }
    const now = deps.clock.now();
    if (target.key !== row.stage) {
      await repo.insertStageHistory(trx, {
        company_id: ctx.actor.companyId,
        id: newId(),
        lead_id: id,
        from_stage: row.stage,
        to_stage: target.key,
        by_user_id: ctx.actor.userId,
        at: now,
        seconds_in_previous: Math.max(0, Math.round((now.getTime() - new Date(row.stage_changed_at).getTime()) / 1000)),
      });
    }
    const after = await writeLead(
      trx,
      deps,
      ctx,
      row,
      { ...changes, ...(target.key !== row.stage ? { stage: target.key, stage_changed_at: now } : {}) },
      'lead.stage_changed',
    );
    return toLead(after, wctx.input.access);
  });
}

export async function stageHistory(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    if (!(await repo.findVisibleLead(trx, ctx.actor, id))) throw notFound('lead');
    const rows = await repo.listStageHistory(trx, id);
    return {
      data: rows.map((r) => ({
        id: r.id,
        fromStage: r.from_stage,
        toStage: r.to_stage,
        byUserId: r.by_user_id,
        byUserName: r.by_user_name,
        at: new Date(r.at).toISOString(),
        secondsInPrevious: r.seconds_in_previous === null ? null : Number(r.seconds_in_previous),
      })),
    };
  });
}
