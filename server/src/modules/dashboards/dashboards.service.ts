import { keptScope, mayManageKept, maySeeShared } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, forbidden, notFound } from '../../http/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { checkSavedQuery, coerceLeadFilters } from '../leads/index.ts';
import { type Chart, findVisibleSaved, listReports, prebuiltReport, type RangePreset } from '../reports/index.ts';
import { DEFAULT_ID, defaultDashboards, defaultTileId } from './dashboards.defaults.ts';
import * as repo from './dashboards.repository.ts';
import {
  type AddTileInput,
  type CreateDashboardInput,
  MAX_TILES,
  TARGETS_TILE,
  type TileInputValue,
  type UpdateDashboardInput,
} from './dashboards.schemas.ts';

const iso = (value: Date | string) => new Date(value).toISOString();

/** The reports the caller may run (GET /reports), by key: what a tile may name. */
type Runnable = Map<string, { name: string; chart: Chart }>;

async function runnableReports(deps: Deps, ctx: RequestContext): Promise<Runnable> {
  const { data } = await listReports(deps, ctx);
  return new Map(data.map((r) => [r.key, { name: r.name, chart: r.chart as Chart }]));
}

const TARGETS_INFO = { name: 'Targets', chart: 'table' as Chart };
const infoOf = (report: string, runnable: Runnable) => (report === TARGETS_TILE ? TARGETS_INFO : runnable.get(report));

function toTile(tile: repo.StoredTile, runnable: Runnable) {
  const info = infoOf(tile.report, runnable);
  return {
    id: tile.id,
    report: tile.report,
    kind: tile.report === TARGETS_TILE ? ('targets' as const) : ('report' as const),
    title: tile.title ?? info?.name ?? tile.report,
    customTitle: tile.title ?? null,
    chart: (tile.chart ?? info?.chart ?? 'table') as Chart,
    width: tile.width ?? 1,
    ...(tile.range !== undefined ? { range: tile.range } : {}),
    ...(tile.from !== undefined ? { from: tile.from } : {}),
    ...(tile.to !== undefined ? { to: tile.to } : {}),
    runnable: info !== undefined,
  };
}

const mayEdit = (row: repo.DashboardRow, actor: Actor) => mayManageKept(actor, { ownerId: row.owner_id });

function toDashboard(row: repo.DashboardRow, actor: Actor, runnable: Runnable) {
  return {
    id: row.id,
    name: row.name,
    shared: row.shared,
    isDefault: false,
    editable: mayEdit(row, actor),
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    tiles: row.tiles.map((t) => toTile(t, runnable)),
    filters: (row.filters ?? {}) as Record<string, string | number | string[]>,
    range: row.period.range ?? null,
    from: row.period.from ?? null,
    to: row.period.to ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The caller's role default: only the tiles whose report the role may run. */
function defaultDashboard(actor: Actor, runnable: Runnable) {
  const def = defaultDashboards[actor.role];
  if (!def) throw forbidden('Your role has no dashboard');
  const tiles = def.tiles
    .map((t, i) => ({ id: defaultTileId(actor.role, i), report: t.report, title: t.title, width: t.width }))
    .filter((t) => infoOf(t.report, runnable) !== undefined);
  return {
    id: DEFAULT_ID,
    name: def.name,
    shared: false,
    isDefault: true,
    editable: false,
    ownerId: null,
    ownerName: null,
    tiles: tiles.map((t) => toTile(t, runnable)),
    filters: {},
    range: null,
    from: null,
    to: null,
    createdAt: null,
    updatedAt: null,
  };
}

function snapshot(row: repo.DashboardRow) {
  return { name: row.name, shared: row.shared, tiles: row.tiles, filters: row.filters, period: row.period };
}

function fail(errors: FieldError[]): never {
  throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

/** A period given as a preset or as from/to, never both; from not after to. */
function checkPeriod(
  period: { range?: string | null | undefined; from?: string | null | undefined; to?: string | null | undefined },
  prefix: string,
  errors: FieldError[],
): repo.StoredPeriod {
  const out: repo.StoredPeriod = {};
  if (period.range) out.range = period.range as RangePreset;
  if (period.from) out.from = period.from;
  if (period.to) out.to = period.to;
  if (out.range && (out.from || out.to)) {
    errors.push({ path: `${prefix}range`, message: 'give a preset range or from/to, not both' });
  }
  if (out.from && out.to && out.from > out.to)
    errors.push({ path: `${prefix}from`, message: `is after to (${out.to})` });
  return out;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) fail([{ path: 'name', message: 'must not be blank' }]);
  return trimmed;
}

/**
 * Tiles as given, checked: each names a report the caller may run (or the targets tile), a period that holds,
 * and an id of its own. Problems name `<prefix><index>.<field>`; a report the caller may not run is told apart
 * from one that does not exist.
 */
async function checkTiles(
  trx: Tx,
  actor: Actor,
  tiles: (TileInputValue | AddTileInput)[],
  runnable: Runnable,
  prefix: (i: number) => string,
): Promise<repo.StoredTile[]> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const out: repo.StoredTile[] = [];
  for (const [i, input] of tiles.entries()) {
    const path = prefix(i);
    const given = 'id' in input ? input.id : undefined;
    if (given !== undefined && seen.has(given)) errors.push({ path: `${path}id`, message: 'repeats another tile' });
    const id = given ?? newId();
    seen.add(id);
    if (infoOf(input.report, runnable) === undefined) {
      const exists =
        prebuiltReport(input.report) !== undefined ||
        (isUuid(input.report) && (await findVisibleSaved(trx, actor, input.report)) !== undefined);
      errors.push({
        path: `${path}report`,
        message: exists
          ? 'is a report your role may not run'
          : `is not a report you may run (GET /reports lists them), nor \`${TARGETS_TILE}\``,
      });
    }
    const period = checkPeriod(input, path, errors);
    const title = input.title?.trim();
    out.push({
      id,
      report: input.report,
      ...(title ? { title } : {}),
      ...(input.chart !== undefined ? { chart: input.chart } : {}),
      width: input.width ?? 1,
      ...period,
    });
  }
  if (errors.length > 0) fail(errors);
  return out;
}

/** The dashboard's filters: the lead list's, checked as the list checks them (problems name `filters.<param>`). */
async function checkFilters(trx: Tx, ctx: RequestContext, filters: Record<string, unknown>) {
  const coerced = coerceLeadFilters(filters, 'filters.');
  await checkSavedQuery(trx, ctx, coerced as Parameters<typeof checkSavedQuery>[2], null);
  return coerced;
}

/** A dashboard the caller may open: its own, a shared one, or (for an admin) any; 404 otherwise. */
async function visibleDashboard(trx: Tx, actor: Actor, id: string, lock = false) {
  const row = await repo.findDashboard(trx, id, { lock });
  if (!row || !maySeeShared(actor, { ownerId: row.owner_id, shared: row.shared })) throw notFound('dashboard');
  return row;
}

/** The role's default first, then the caller's own and the shared ones (an admin: every one of the company). */
export async function listDashboards(deps: Deps, ctx: RequestContext) {
  const runnable = await runnableReports(deps, ctx);
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    repo.listDashboards(trx, keptScope(ctx.actor), ctx.actor.userId),
  );
  const fallback = defaultDashboard(ctx.actor, runnable);
  return {
    data: [
      {
        id: fallback.id,
        name: fallback.name,
        shared: false,
        isDefault: true,
        ownerId: null,
        ownerName: null,
        editable: false,
        tileCount: fallback.tiles.length,
      },
      ...rows.map((row) => ({
        id: row.id,
        name: row.name,
        shared: row.shared,
        isDefault: false,
        ownerId: row.owner_id,
        ownerName: row.owner_name,
        editable: mayEdit(row, ctx.actor),
        tileCount: row.tiles.length,
      })),
    ],
  };
}

export async function getDefault(deps: Deps, ctx: RequestContext) {
  return defaultDashboard(ctx.actor, await runnableReports(deps, ctx));
}

export async function getDashboard(deps: Deps, ctx: RequestContext, id: string) {
  const row = await withTenant(deps.db, ctx.actor.companyId, (trx) => visibleDashboard(trx, ctx.actor, id));
  return toDashboard(row, ctx.actor, await runnableReports(deps, ctx));
}

export async function createDashboard(deps: Deps, ctx: RequestContext, body: CreateDashboardInput) {
  const name = checkName(body.name);
  const periodErrors: FieldError[] = [];
  const period = checkPeriod(body, '', periodErrors);
  if (periodErrors.length > 0) fail(periodErrors);
  const runnable = await runnableReports(deps, ctx);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const tiles = await checkTiles(trx, ctx.actor, body.tiles, runnable, (i) => `tiles.${i}.`);
    const filters = await checkFilters(trx, ctx, body.filters ?? {});
    const id = newId();
    await repo.insertDashboard(trx, {
      companyId: ctx.actor.companyId,
      id,
      ownerId: ctx.actor.userId,
      name,
      shared: body.shared ?? false,
      tiles,
      filters,
      period,
      at: deps.clock.now(),
    });
    const row = (await repo.findDashboard(trx, id)) as repo.DashboardRow;
    await recordAudit(trx, ctx, {
      action: 'dashboard.created',
      entityType: 'dashboard',
      entityId: id,
      after: snapshot(row),
    });
    return toDashboard(row, ctx.actor, runnable);
  });
}

export async function updateDashboard(deps: Deps, ctx: RequestContext, id: string, body: UpdateDashboardInput) {
  const runnable = await runnableReports(deps, ctx);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await visibleDashboard(trx, ctx.actor, id, true);
    if (!mayEdit(before, ctx.actor)) throw forbidden('Only its owner or an admin changes a dashboard');
    const name = checkName(body.name);
    const periodErrors: FieldError[] = [];
    const periodGiven = body.range !== undefined || body.from !== undefined || body.to !== undefined;
    const period = periodGiven
      ? checkPeriod(
          {
            range: body.range === undefined ? before.period.range : body.range,
            from: body.from === undefined ? before.period.from : body.from,
            to: body.to === undefined ? before.period.to : body.to,
          },
          '',
          periodErrors,
        )
      : undefined;
    if (periodErrors.length > 0) fail(periodErrors);
    const tiles = await checkTiles(trx, ctx.actor, body.tiles, runnable, (i) => `tiles.${i}.`);
    const filters = body.filters === undefined ? undefined : await checkFilters(trx, ctx, body.filters);
    await repo.updateDashboard(
      trx,
      id,
      {
        name,
        tiles,
        ...(body.shared !== undefined ? { shared: body.shared } : {}),
        ...(filters !== undefined ? { filters } : {}),
        ...(period !== undefined ? { period } : {}),
      },
      deps.clock.now(),
    );
    const after = (await repo.findDashboard(trx, id)) as repo.DashboardRow;
    await recordAudit(trx, ctx, {
      action: 'dashboard.updated',
      entityType: 'dashboard',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return toDashboard(after, ctx.actor, runnable);
  });
}

/** "Add to dashboard": one tile at the end. */
export async function addTile(deps: Deps, ctx: RequestContext, id: string, body: AddTileInput) {
  const runnable = await runnableReports(deps, ctx);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await visibleDashboard(trx, ctx.actor, id, true);
    if (!mayEdit(before, ctx.actor)) throw forbidden('Only its owner or an admin changes a dashboard');
    const [tile] = await checkTiles(trx, ctx.actor, [body], runnable, () => '');
    if (before.tiles.length >= MAX_TILES) {
      throw new AppError('unprocessable', `A dashboard holds at most ${MAX_TILES} tiles; remove one first`);
    }
    const tiles = [...before.tiles, tile as repo.StoredTile];
    await repo.updateDashboard(trx, id, { tiles }, deps.clock.now());
    const after = (await repo.findDashboard(trx, id)) as repo.DashboardRow;
    await recordAudit(trx, ctx, {
      action: 'dashboard.tile_added',
      entityType: 'dashboard',
      entityId: id,
      before: { tiles: before.tiles },
      after: { tiles: after.tiles },
    });
    return toDashboard(after, ctx.actor, runnable);
  });
}

export async function deleteDashboard(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await visibleDashboard(trx, ctx.actor, id, true);
    if (!mayEdit(before, ctx.actor)) throw forbidden('Only its owner or an admin deletes a dashboard');
    await repo.deleteDashboard(trx, id);
    await recordAudit(trx, ctx, {
      action: 'dashboard.deleted',
      entityType: 'dashboard',
      entityId: id,
      before: snapshot(before),
    });
  });
}
