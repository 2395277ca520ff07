import { mayManageKept, maySeeShared } from '../../access/policy.ts';
import { withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, forbidden, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { checkSavedQuery, coerceLeadFilters, Lead } from '../leads/index.ts';

import { can } from '../users/index.ts';
import * as repo from './views.repository.ts';
import type { CreateViewInput, UpdateViewInput } from './views.schemas.ts';

const iso = (value: Date | string) => new Date(value).toISOString();

/** Its owner changes or deletes a view; an admin any view of the company, to keep them tidy. */
const mayEdit = (row: repo.ViewRow, actor: Actor) => mayManageKept(actor, { ownerId: row.owner_id });

function toView(row: repo.ViewRow, actor: Actor) {
  return {
    id: row.id,
    name: row.name,
    filters: (row.filters ?? {}) as Record<string, string | number | string[]>,
    columns: row.columns,
    sort: typeof row.sort === 'string' ? row.sort : null,
    shared: row.shared,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    editable: mayEdit(row, actor),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function snapshot(row: repo.ViewRow) {
  return {
    name: row.name,
    filters: row.filters,
    columns: row.columns,
    sort: row.sort,
    shared: row.shared,
    ownerId: row.owner_id,
  };
}

// Filters are the list's query string as an object: read the way the query string is (text coerced to its type).
const leadFields = new Set(Object.keys(Lead.properties));

const cleanFilters = (filters: Record<string, unknown>) => coerceLeadFilters(filters, 'filters.');

function checkColumns(columns: string[]): string[] {
  const errors = columns.flatMap((column, i) =>
    column.startsWith('customFields.') || leadFields.has(column)
      ? []
      : [{ path: `columns.${i}`, message: `${column} is not a lead field` }],
  );
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return [...new Set(columns)];
}

function checkSharing(ctx: RequestContext, shared: boolean | undefined) {
  if (shared && !can(ctx.actor.role, 'views:share')) throw forbidden('Sharing a view needs the views:share permission');
}

export async function listViews(deps: Deps, ctx: RequestContext) {
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.listVisibleViews(trx, ctx.actor.userId));
  return { data: rows.map((row) => toView(row, ctx.actor)) };
}

/** A view the caller may open: its own, a shared one, or (for an admin) any; 404 otherwise. */
async function visibleView(trx: Parameters<typeof repo.findView>[0], ctx: RequestContext, id: string, lock = false) {
  const row = await repo.findView(trx, id, { lock });
  if (!row || !maySeeShared(ctx.actor, { ownerId: row.owner_id, shared: row.shared })) throw notFound('view');
  return row;
}

export async function getView(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => toView(await visibleView(trx, ctx, id), ctx.actor));
}

export async function createView(deps: Deps, ctx: RequestContext, body: CreateViewInput) {
  checkSharing(ctx, body.shared);
  const name = body.name.trim();
  if (!name)
    throw new AppError('validation_failed', 'name: must not be blank', {
      errors: [{ path: 'name', message: 'must not be blank' }],
    });
  const filters = cleanFilters(body.filters ?? {});
  const columns = checkColumns(body.columns ?? []);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const sort = await checkSavedQuery(trx, ctx, filters, body.sort ?? null);
    const id = newId();
    await repo.insertView(trx, {
      company_id: ctx.actor.companyId,
      id,
      owner_id: ctx.actor.userId,
      name,
      filters,
      columns,
      sort,
      shared: body.shared ?? false,
      now: deps.clock.now(),
    });
    const row = await repo.findView(trx, id);
    if (!row) throw notFound('view');
    await recordAudit(trx, ctx, {
      action: 'view.created',
      entityType: 'saved_view',
      entityId: id,
      after: snapshot(row),
    });
    return toView(row, ctx.actor);
  });
}

export async function updateView(deps: Deps, ctx: RequestContext, id: string, body: UpdateViewInput) {
  const name = body.name?.trim();
  if (body.name !== undefined && !name) {
    throw new AppError('validation_failed', 'name: must not be blank', {
      errors: [{ path: 'name', message: 'must not be blank' }],
    });
  }
  const filters = body.filters === undefined ? undefined : cleanFilters(body.filters);
  const columns = body.columns === undefined ? undefined : checkColumns(body.columns);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await visibleView(trx, ctx, id, true);
    if (!mayEdit(before, ctx.actor)) throw forbidden('Only its owner or an admin changes a view');
    checkSharing(ctx, body.shared);
    const sortChanged = body.sort !== undefined;
    const sort =
      filters !== undefined || sortChanged
        ? await checkSavedQuery(
            trx,
            ctx,
            filters ?? (before.filters as Record<string, unknown>),
            sortChanged ? (body.sort ?? null) : typeof before.sort === 'string' ? before.sort : null,
          )
        : undefined;
    await repo.updateView(
      trx,
      id,
      {
        ...(name !== undefined ? { name } : {}),
        ...(filters !== undefined ? { filters } : {}),
        ...(columns !== undefined ? { columns } : {}),
        ...(sortChanged ? { sort: sort ?? null } : {}),
        ...(body.shared !== undefined ? { shared: body.shared } : {}),
      },
      deps.clock.now(),
    );
    const after = await repo.findView(trx, id);
    if (!after) throw notFound('view');
    await recordAudit(trx, ctx, {
      action: 'view.updated',
      entityType: 'saved_view',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return toView(after, ctx.actor);
  });
}

export async function deleteView(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await visibleView(trx, ctx, id, true);
    if (!mayEdit(before, ctx.actor)) throw forbidden('Only its owner or an admin deletes a view');
    await repo.deleteView(trx, id);
    await recordAudit(trx, ctx, {
      action: 'view.deleted',
      entityType: 'saved_view',
      entityId: id,
      before: snapshot(before),
    });
  });
}
