import type { components, paths } from '../../lib/api-types';

/** The shapes of the dashboards API (`/api/v1/dashboards`), from the generated types. */
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type BodyOf<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Dashboard = JsonOf<paths['/api/v1/dashboards/{id}']['get']['responses'][200]>;
export type DashboardTile = components['schemas']['DashboardTile'];
export type DashboardSummary = JsonOf<paths['/api/v1/dashboards']['get']['responses'][200]>['data'][number];
export type CreateDashboardBody = BodyOf<'/api/v1/dashboards', 'post'>;
export type UpdateDashboardBody = BodyOf<'/api/v1/dashboards/{id}', 'put'>;
export type TileInput = CreateDashboardBody['tiles'][number];
export type AddTileBody = BodyOf<'/api/v1/dashboards/{id}/tiles', 'post'>;
export type TileWidth = 1 | 2 | 3;

export type Targets = JsonOf<paths['/api/v1/targets']['get']['responses'][200]>;
export type Target = components['schemas']['Target'];

/** A tile as the dashboard saves it: its own title only when it has one, the rest as it is. */
export function tileInput(tile: DashboardTile, keepId: boolean): TileInput {
  return {
    ...(keepId ? { id: tile.id } : {}),
    report: tile.report,
    ...(tile.customTitle ? { title: tile.customTitle } : {}),
    chart: tile.chart,
    width: tile.width,
    ...(tile.range ? { range: tile.range as TileInput['range'] } : {}),
    ...(tile.from ? { from: tile.from } : {}),
    ...(tile.to ? { to: tile.to } : {}),
  };
}
