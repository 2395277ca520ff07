import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { retryRowError, skipRowError } from './extractor.row-errors.ts';
import { CreateSourceBody, Preview, RowError, Run, RunDetail, Source, UpdateSourceBody } from './extractor.schemas.ts';
import * as service from './extractor.service.ts';

const tags = ['extractor'];

/** The extractor: outside databases read on demand into leads (see docs/extractor.md). */
export function extractorRoutes(app: App, deps: Deps): void {
  const manage = { permission: 'extractor:manage' as const };
  const read = { permission: 'extractor:read' as const };

  app.get(
    '/extractor/sources',
    { config: read, schema: { tags, summary: 'The extractor sources, by name', response: { 200: List(Source) } } },
    (request) => service.listSources(deps, contextOf(request)),
  );

  app.post(
    '/extractor/sources',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Add a source: a MySQL/MariaDB or PostgreSQL database, a SELECT, a cursor column and a mapping',
        body: CreateSourceBody,
        response: { 201: Source },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createSource(deps, contextOf(request), request.body)),
  );

  app.get(
    '/extractor/sources/:id',
    { config: read, schema: { tags, summary: 'One source', params: IdParams, response: { 200: Source } } },
    (request) => service.getSource(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/extractor/sources/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Change a source (password null removes it; resetCursor reads from the start again)',
        params: IdParams,
        body: UpdateSourceBody,
        response: { 200: Source },
      },
    },
    (request) => service.updateSource(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/extractor/sources/:id',
    {
      config: manage,
      schema: { tags, summary: 'Delete a source and its runs', params: IdParams, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await service.deleteSource(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/extractor/sources/:id/preview',
    {
      config: manage,
      schema: {
        tags,
        summary: 'The first 50 rows of the query, each mapped to the lead it would make; nothing is saved',
        params: IdParams,
        response: { 200: Preview },
      },
    },
    (request) => service.previewSource(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/extractor/sources/:id/runs',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Start a run: the rows after the cursor become leads, batch by batch (202 with the run)',
        params: IdParams,
        response: { 202: Run },
      },
    },
    async (request, reply) => reply.code(202).send(await service.startRun(deps, contextOf(request), request.params.id)),
  );

  app.get(
    '/extractor/sources/:id/runs',
    {
      config: read,
      schema: { tags, summary: 'The last 100 runs of a source', params: IdParams, response: { 200: List(Run) } },
    },
    (request) => service.listRuns(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/extractor/runs/:id',
    {
      config: read,
      schema: { tags, summary: 'One run, with its failed rows', params: IdParams, response: { 200: RunDetail } },
    },
    (request) => service.getRun(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/extractor/runs/:id/cancel',
    {
      config: manage,
      schema: { tags, summary: 'Cancel a queued or running run', params: IdParams, response: { 200: Run } },
    },
    (request) => service.cancelRun(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/extractor/row-errors/:id/retry',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Write a failed row again by the source’s mapping as it is now (422 with the reason if refused again)',
        params: IdParams,
        response: { 200: RowError },
      },
    },
    (request) => retryRowError(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/extractor/row-errors/:id/skip',
    {
      config: manage,
      schema: { tags, summary: 'Mark a failed row as skipped', params: IdParams, response: { 200: RowError } },
    },
    (request) => skipRowError(deps, contextOf(request), request.params.id),
  );
}
