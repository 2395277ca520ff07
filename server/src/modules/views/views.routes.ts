import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { countLeads, LeadFiltersQuery } from '../leads/index.ts';

import { CreateViewBody, StageCount, UpdateViewBody, View } from './views.schemas.ts';
import * as service from './views.service.ts';

/** Saved lead views and stage counts. */
export function viewsRoutes(app: App, deps: Deps): void {
  app.get(
    '/leads/counts',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'How many leads (and how much expected value) each stage holds, with the same filters as the list',
        querystring: LeadFiltersQuery,
        response: { 200: Type.Object({ data: Type.Array(StageCount) }) },
      },
    },
    (request) => countLeads(deps, contextOf(request), request.query),
  );

  app.get(
    '/views',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['views'],
        summary: 'Your saved lead views and the ones shared in your company, by name',
        response: { 200: List(View) },
      },
    },
    (request) => service.listViews(deps, contextOf(request)),
  );

  app.post(
    '/views',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['views'],
        summary: 'Save a lead view: filters, columns and sort; sharing it needs views:share',
        body: CreateViewBody,
        response: { 201: View },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createView(deps, contextOf(request), request.body)),
  );

  app.get(
    '/views/:id',
    {
      config: { permission: 'leads:read' },
      schema: { tags: ['views'], summary: 'One saved view', params: IdParams, response: { 200: View } },
    },
    (request) => service.getView(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/views/:id',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['views'],
        summary: 'Change a saved view (its owner, or an admin); sharing it needs views:share',
        params: IdParams,
        body: UpdateViewBody,
        response: { 200: View },
      },
    },
    (request) => service.updateView(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/views/:id',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['views'],
        summary: 'Delete a saved view (its owner, or an admin)',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteView(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
