import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { exportReport } from './reports.export.ts';
import {
  CreateSavedBody,
  EngineStatus,
  ExportBody,
  Model,
  ReportSummary,
  RunBody,
  RunResult,
  SavedReport,
  UpdateSavedBody,
} from './reports.schemas.ts';
import * as service from './reports.service.ts';

const file = { type: 'string', format: 'binary' };

/** Reports: the catalog, the builder's model, running and exporting, saved reports. */
export function reportsRoutes(app: App, deps: Deps): void {
  app.get(
    '/reports',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'Every pre-built report your role may run, then your saved reports and the shared ones',
        response: { 200: List(ReportSummary) },
      },
    },
    (request) => service.listReports(deps, contextOf(request)),
  );

  app.get(
    '/reports/model',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'The subjects, measures, dimensions and times a report may use (fields you may not see left out)',
        response: { 200: Model },
      },
    },
    (request) => service.reportModel(deps, contextOf(request)),
  );

  app.get(
    '/reports/engine',
    {
      config: { permission: 'company:manage' },
      schema: {
        tags: ['reports'],
        summary: 'Where reports run (PostgreSQL or ClickHouse) and how far ClickHouse is behind (admins)',
        response: { 200: EngineStatus },
      },
    },
    (request) => service.engine(deps, contextOf(request)),
  );

  app.post(
    '/reports/run',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'Run a report: its figures per group, totals, and for each figure the list that shows its records',
        description:
          'Exact and live: every figure is computed from the records you may see at the moment of the request. ' +
          '`from`/`to` are dates in the company’s time zone (default: the report’s window). `filters` are the ' +
          'lead list’s filters. Rows page with `limit`/`offset`; `total` counts them all. A figure’s `drill` ' +
          'is the query for GET /leads (or GET /activities) whose records make it up.',
        body: RunBody,
        response: { 200: RunResult },
      },
    },
    (request) => service.run(deps, contextOf(request), request.body),
  );

  app.post(
    '/reports/export',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'Download every row of a report as CSV or XLSX (streamed)',
        body: ExportBody,
        response: {
          200: {
            description: 'The file, as an attachment',
            content: {
              'text/csv': { schema: file },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: file },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { name, type, stream } = await exportReport(deps, contextOf(request), request.body);
      return reply
        .header('Content-Type', type)
        .header('Content-Disposition', `attachment; filename="${name}"`)
        .send(stream);
    },
  );

  app.get(
    '/reports/saved',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'Your saved reports and the shared ones',
        response: { 200: List(SavedReport) },
      },
    },
    async (request) => ({ data: await service.listSaved(deps, contextOf(request)) }),
  );

  app.post(
    '/reports/saved',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['reports'],
        summary: 'Save a report definition (private, or shared with the company)',
        body: CreateSavedBody,
        response: { 201: SavedReport },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createSaved(deps, contextOf(request), request.body)),
  );

  app.get(
    '/reports/saved/:id',
    {
      config: { permission: 'reports:read' },
      schema: { tags: ['reports'], summary: 'One saved report', params: IdParams, response: { 200: SavedReport } },
    },
    (request) => service.getSaved(deps, contextOf(request), request.params.id),
  );

  app.put(
    '/reports/saved/:id',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['reports'],
        summary: 'Change a saved report (its owner, or an admin)',
        params: IdParams,
        body: UpdateSavedBody,
        response: { 200: SavedReport },
      },
    },
    (request) => service.updateSaved(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/reports/saved/:id',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['reports'],
        summary: 'Delete a saved report (its owner, or an admin)',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteSaved(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
