import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import {
  AddTileBody,
  CreateDashboardBody,
  Dashboard,
  DashboardSummary,
  UpdateDashboardBody,
} from './dashboards.schemas.ts';
import * as service from './dashboards.service.ts';

/** Dashboards: the role's default, and the ones people build from report tiles, private or shared. */
export function dashboardsRoutes(app: App, deps: Deps): void {
  app.get(
    '/dashboards',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['dashboards'],
        summary: 'Your role’s default dashboard first, then your own and the shared ones',
        response: { 200: List(DashboardSummary) },
      },
    },
    (request) => service.listDashboards(deps, contextOf(request)),
  );

  app.get(
    '/dashboards/default',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['dashboards'],
        summary: 'Your role’s default dashboard (only the tiles your role may run)',
        response: { 200: Dashboard },
      },
    },
    (request) => service.getDefault(deps, contextOf(request)),
  );

  app.post(
    '/dashboards',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['dashboards'],
        summary: 'Build a dashboard from report tiles (private, or shared with the company)',
        body: CreateDashboardBody,
        response: { 201: Dashboard },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createDashboard(deps, contextOf(request), request.body)),
  );

  app.get(
    '/dashboards/:id',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['dashboards'],
        summary: 'One dashboard: its tiles, filters and period (`default` for your role’s default)',
        params: IdParams,
        response: { 200: Dashboard },
      },
    },
    (request) => service.getDashboard(deps, contextOf(request), request.params.id),
  );

  app.put(
    '/dashboards/:id',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['dashboards'],
        summary: 'Change a dashboard: its name, tiles, filters, period, sharing (its owner, or an admin)',
        params: IdParams,
        body: UpdateDashboardBody,
        response: { 200: Dashboard },
      },
    },
    (request) => service.updateDashboard(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/dashboards/:id',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['dashboards'],
        summary: 'Delete a dashboard (its owner, or an admin)',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteDashboard(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/dashboards/:id/tiles',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['dashboards'],
        summary: 'Add a report to a dashboard as its last tile ("Add to dashboard")',
        params: IdParams,
        body: AddTileBody,
        response: { 201: Dashboard },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.addTile(deps, contextOf(request), request.params.id, request.body)),
  );
}
