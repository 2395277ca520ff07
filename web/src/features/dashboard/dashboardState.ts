import type { DayRange } from '../reports/dateRange';
import type { DashboardTile } from './dashboards.types';

/** The filters the dashboard's bar has controls for, by the lead list's own names. */
export const FILTER_PARAMS = ['ownerId', 'team', 'source'] as const;
/** The dashboard page's own parameters; every other one is a filter applied to every tile. */
const PAGE_PARAMS = new Set(['dashboard', 'range', 'from', 'to', 'via']);

export type DashboardFilters = Record<string, string | string[]>;

export function dashboardFilters(params: URLSearchParams): DashboardFilters {
  const out: DashboardFilters = {};
  for (const name of new Set(params.keys())) {
    if (PAGE_PARAMS.has(name)) continue;
    const values = params
      .getAll(name)
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length > 0) out[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** A saved dashboard's filters as address bar parameters. */
export function filterParams(filters: Record<string, string | number | string[]>): [string, string][] {
  return Object.entries(filters).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [String(value)]).filter(Boolean).map((v) => [name, v] as [string, string]),
  );
}

/** The tiles with the one at `index` moved one place earlier (-1) or later (1); unchanged at either end. */
export function moveTile<T>(tiles: readonly T[], index: number, by: -1 | 1): T[] {
  const target = index + by;
  const next = [...tiles];
  if (index < 0 || index >= tiles.length || target < 0 || target >= tiles.length) return next;
  const [tile] = next.splice(index, 1);
  if (tile !== undefined) next.splice(target, 0, tile);
  return next;
}

/**
 * The targets period a dashboard's days name: one whole quarter (`2026-Q4`) or one whole month (`2026-12`);
 * null otherwise (the targets tile then shows this month).
 */
export function targetsPeriod(range: DayRange | null): string | null {
  if (!range?.from || !range.to) return null;
  const [fy, fm, fd] = range.from.split('-').map(Number) as [number, number, number];
  const [ty, tm] = range.to.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  if (fd !== 1 || range.to !== `${range.to.slice(0, 8)}${String(last).padStart(2, '0')}` || fy !== ty) return null;
  if (fm === tm) return range.from.slice(0, 7);
  if (tm - fm === 2 && (fm - 1) % 3 === 0) return `${fy}-Q${(fm - 1) / 3 + 1}`;
  return null;
}

export type { DashboardTile };
