import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Chart, RangePreset } from '../reports/index.ts';

/** A tile as stored: what was given, with its id. */
export interface StoredTile {
  id: string;
  report: string;
  title?: string;
  chart?: Chart;
  width?: number;
  range?: RangePreset;
  from?: string;
  to?: string;
}

/** The period every tile of a dashboard shows (nothing: each tile's own). */
export interface StoredPeriod {
  range?: RangePreset;
  from?: string;
  to?: string;
}

function dashboardsQuery(trx: Tx) {
  return trx
    .selectFrom('dashboards as d')
    .innerJoin('users as u', (join) => join.onRef('u.company_id', '=', 'd.company_id').onRef('u.id', '=', 'd.owner_id'))
    .select([
      'd.id',
      'd.name',
      'd.shared',
      sql<StoredTile[]>`d.tiles`.as('tiles'),
      sql<Record<string, unknown>>`d.filters`.as('filters'),
      sql<StoredPeriod>`d.period`.as('period'),
      'd.owner_id',
      'u.name as owner_name',
      'd.created_at',
      'd.updated_at',
    ]);
}

export type DashboardRow = NonNullable<Awaited<ReturnType<typeof findDashboard>>>;

/**
 * The dashboards a list shows: `ownerScope` null (an admin) for every one of the company, else the user's own and
 * the shared ones; its own first, then by name.
 */
export async function listDashboards(trx: Tx, ownerScope: string | null, userId: string) {
  let query = dashboardsQuery(trx);
  if (ownerScope !== null) query = query.where(sql<SqlBool>`(d.owner_id = ${ownerScope} OR d.shared)`);
  return query
    .orderBy(sql`(d.owner_id = ${userId})`, 'desc')
    .orderBy(sql`lower(d.name)`)
    .orderBy('d.id')
    .limit(1000)
    .execute();
}

export async function findDashboard(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = dashboardsQuery(trx).where('d.id', '=', id);
  if (options.lock) query = query.forUpdate('d');
  return query.executeTakeFirst();
}

export interface DashboardColumns {
  name: string;
  shared: boolean;
  tiles: StoredTile[];
  filters: Record<string, unknown>;
  period: StoredPeriod;
}

export async function insertDashboard(
  trx: Tx,
  row: DashboardColumns & { companyId: string; id: string; ownerId: string; at: Date },
) {
  await trx
    .insertInto('dashboards')
    .values({
      company_id: row.companyId,
      id: row.id,
      owner_id: row.ownerId,
      name: row.name,
      shared: row.shared,
      tiles: JSON.stringify(row.tiles),
      filters: JSON.stringify(row.filters),
      period: JSON.stringify(row.period),
      created_at: row.at,
      updated_at: row.at,
    })
    .execute();
}

export async function updateDashboard(trx: Tx, id: string, changes: Partial<DashboardColumns>, at: Date) {
  const { tiles, filters, period, ...rest } = changes;
  await trx
    .updateTable('dashboards')
    .set({
      ...rest,
      ...(tiles !== undefined ? { tiles: JSON.stringify(tiles) } : {}),
      ...(filters !== undefined ? { filters: JSON.stringify(filters) } : {}),
      ...(period !== undefined ? { period: JSON.stringify(period) } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteDashboard(trx: Tx, id: string) {
  await trx.deleteFrom('dashboards').where('id', '=', id).execute();
}
