import { mayManageKept } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { fieldErrors, validatorCompiler } from '../../http/validation.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { checkAssignment, loadWriteContext } from '../leads/commands.ts';
import { checkSavedQuery, LeadFiltersQuery, leadVisibleTo, toColumns } from '../leads/index.ts';

import { findStage } from '../pipeline/index.ts';
import { can } from '../users/index.ts';
import { type ItemOutcome, runItem } from './bulk-actions.items.ts';
import { bulkActionJob } from './bulk-actions.jobs.ts';
import { actionPermission } from './bulk-actions.permissions.ts';
import * as repo from './bulk-actions.repository.ts';
import {
  type BulkActionDto,
  type BulkActionInput,
  type BulkActionKind,
  type BulkActionParamsInput,
  SYNC_MAX,
} from './bulk-actions.schemas.ts';

/** The parameters each action takes: the first is required. */
const actionParams: Record<BulkActionKind, (keyof BulkActionParamsInput)[]> = {
  assign: ['ownerId'],
  partner: ['partnerId'],
  stage: ['stage', 'fields', 'closeFollowUps'],
  tag: ['tags'],
  untag: ['tags'],
  delete: [],
};

const invalid = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });

// A filter is the list's query string as an object: read the way the query string is (text coerced to its type).
const filterShape = validatorCompiler({ schema: LeadFiltersQuery, httpPart: 'querystring' }) as unknown as {
  (data: unknown): boolean;
  errors?: Parameters<typeof fieldErrors>[0] | null;
};

/** The request's shape beyond its schema: ids or a filter, and the parameters of its action. */
function checkShape(body: BulkActionInput): { params: BulkActionParamsInput; filter: Record<string, unknown> | null } {
  if ((body.ids === undefined) === (body.filter === undefined)) {
    throw invalid([{ path: 'ids', message: 'send either ids or filter (one of them)' }]);
  }
  const params = { ...(body.params ?? {}) };
  const allowed = actionParams[body.action];
  const errors: FieldError[] = [];
  for (const key of Object.keys(params) as (keyof BulkActionParamsInput)[]) {
    if (!allowed.includes(key)) errors.push({ path: `params.${key}`, message: `is not a parameter of ${body.action}` });
  }
  const required = allowed[0];
  if (required && params[required] === undefined) errors.push({ path: `params.${required}`, message: 'is required' });
  if (errors.length > 0) throw invalid(errors);
  if (params.tags) params.tags = [...new Set(params.tags.map((t) => t.trim()).filter(Boolean))];
  if (params.tags?.length === 0) throw invalid([{ path: 'params.tags', message: 'must name a tag' }]);
  if (!body.filter) return { params, filter: null };
  const filter = structuredClone(body.filter) as Record<string, unknown>;
  if (!filterShape(filter)) {
    throw invalid(fieldErrors(filterShape.errors ?? []).map((e) => ({ ...e, path: `filter.${e.path}` })));
  }
  return { params, filter };
}

/**
 * What holds for every item alike is checked once, before anything changes: the filter as the list reads it,
 * the new owner or partner within the caller's reach, the stage and its fields, the right to write tags.
 */
async function checkOnce(
  trx: Tx,
  ctx: RequestContext,
  action: BulkActionKind,
  params: BulkActionParamsInput,
  filter: Record<string, unknown> | null,
) {
  if (filter) await checkSavedQuery(trx, ctx, filter, null, 'filter.');
  if (action === 'assign') await checkAssignment(trx, ctx, { ownerId: params.ownerId ?? null }, { basePath: 'params' });
  if (action === 'partner') {
    await checkAssignment(trx, ctx, { partnerId: params.partnerId ?? null }, { basePath: 'params' });
  }
  if (action === 'stage') {
    if (!(await findStage(trx, params.stage ?? '')))
      throw invalid([{ path: 'params.stage', message: 'is not a stage of this pipeline' }]);
    if (params.fields) {
      const wctx = await loadWriteContext(trx, ctx);
      await toColumns(trx, params.fields, wctx.input, { mode: 'update', basePath: 'params.fields', currentCustom: {} });
    }
  }
  if (action === 'tag' || action === 'untag') {
    const wctx = await loadWriteContext(trx, ctx);
    if (wctx.input.access.fields.tags !== 'write') {
      throw new AppError('field_forbidden', 'Your role may not change tags', {
        errors: [{ path: 'params.tags', message: 'your role may not change this field' }],
      });
    }
  }
}

export interface SyncResult {
  action: string;
  total: number;
  done: number;
  failed: number;
  results: ({ id: string } & ItemOutcome)[];
}

/**
 * A bulk action on a selection or a whole filter. Up to SYNC_MAX ids run now and answer their results; more,
 * or a filter, are queued as a durable job (progress at GET /leads/bulk-actions/{id}).
 */
export async function startBulkAction(
  deps: Deps,
  ctx: RequestContext,
  body: BulkActionInput,
): Promise<{ sync: SyncResult } | { queued: BulkActionDto }> {
  const permission = actionPermission[body.action];
  if (!can(ctx.actor.role, permission)) {
    throw new AppError(
      'forbidden',
      `Your role (${ctx.actor.role}) lacks the permission ${permission} for ${body.action}`,
    );
  }
  const { params, filter } = checkShape(body);
  const ids = body.ids ? [...new Set(body.ids)] : null;
  await withTenant(deps.db, ctx.actor.companyId, (trx) => checkOnce(trx, ctx, body.action, params, filter));
  if (ids && ids.length <= SYNC_MAX) {
    const results: SyncResult['results'] = [];
    for (const id of ids) results.push({ id, ...(await runItem(deps, ctx, body.action, params, id)) });
    const done = results.filter((r) => r.status === 'done').length;
    return { sync: { action: body.action, total: ids.length, done, failed: ids.length - done, results } };
  }
  const id = newId();
  const now = deps.clock.now();
  const dto = await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await repo.insertBulkAction(trx, {
      company_id: ctx.actor.companyId,
      id,
      action: body.action,
      params,
      filter,
      total: ids ? ids.length : null,
      created_by: ctx.actor.userId,
      api_key_id: ctx.actor.apiKeyId,
      request_id: ctx.requestId,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      created_at: now,
    });
    if (ids) await repo.insertItems(trx, ctx.actor.companyId, id, ids);
    await enqueue(trx, bulkActionJob, { bulkActionId: id }, { runAt: now });
    await recordAudit(trx, ctx, {
      action: 'bulk_action.created',
      entityType: 'bulk_action',
      entityId: id,
      after: { action: body.action, params, filter, total: ids?.length ?? null },
      at: now,
    });
    return loadDto(trx, ctx, id);
  });
  return { queued: dto };
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const FAILURES_SHOWN = 200;

/** Its creator follows a bulk action; an admin may look at anyone's. Others get 404. */
async function loadDto(trx: Tx, ctx: RequestContext, id: string): Promise<BulkActionDto> {
  const row = await repo.findBulkAction(trx, id);
  if (!row || !mayManageKept(ctx.actor, { ownerId: row.created_by })) throw notFound('bulk action');
  const failed = row.failed > 0 ? await repo.failures(trx, id, leadVisibleTo(ctx.actor), FAILURES_SHOWN) : [];
  return {
    ...toSummary(row),
    failures: failed.map((f) => ({
      id: f.lead_id,
      ...(f.name !== null ? { name: f.name } : {}),
      code: f.code ?? 'failed',
      message: f.message ?? '',
    })),
  };
}

function toSummary(row: repo.BulkActionRow): BulkActionDto {
  return {
    id: row.id,
    action: row.action,
    status: row.status as BulkActionDto['status'],
    params: (row.params ?? {}) as Record<string, unknown>,
    filter: (row.filter ?? null) as Record<string, unknown> | null,
    total: row.total,
    done: row.done,
    failed: row.failed,
    error: row.error,
    failures: [],
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export async function getBulkAction(deps: Deps, ctx: RequestContext, id: string): Promise<BulkActionDto> {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => loadDto(trx, ctx, id));
}

/** The caller's latest bulk actions, newest first (failures left out: open one to see them). */
export async function listBulkActions(deps: Deps, ctx: RequestContext, limit: number) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: (await repo.listBulkActions(trx, ctx.actor.userId, limit)).map(toSummary),
  }));
}
