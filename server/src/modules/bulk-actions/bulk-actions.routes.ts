import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List } from '../../http/schemas.ts';
import { BulkAction, BulkActionBody, BulkActionResult, SYNC_MAX } from './bulk-actions.schemas.ts';
import { getBulkAction, listBulkActions, startBulkAction } from './bulk-actions.service.ts';

export function bulkActionsRoutes(app: App, deps: Deps): void {
  app.post(
    '/leads/bulk-actions',
    {
      // Each action then needs its own permission (leads:assign, leads:write, leads:delete), as its single edit.
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'Assign, move, tag, untag, hand to a partner or delete many leads: a selection or a whole filter',
        description:
          `Each lead goes through the same rules as its single edit, in a transaction of its own; one failing does ` +
          `not stop the others. Up to ${SYNC_MAX} ids answer 200 with a result per lead; more ids, or a filter, ` +
          'answer 202 with the queued action: follow it at GET /leads/bulk-actions/{id}. Problems that hold for ' +
          'every lead (a bad filter, an owner out of reach, a stage that does not exist) answer before anything changes.',
        body: BulkActionBody,
        response: { 200: BulkActionResult, 202: BulkAction },
      },
    },
    async (request, reply) => {
      const started = await startBulkAction(deps, contextOf(request), request.body);
      if ('sync' in started) return reply.code(200).send(started.sync);
      return reply.code(202).header('location', `/api/v1/leads/bulk-actions/${started.queued.id}`).send(started.queued);
    },
  );

  app.get(
    '/leads/bulk-actions',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'Your latest bulk actions, newest first, with their progress',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
          { additionalProperties: false },
        ),
        response: { 200: List(BulkAction) },
      },
    },
    (request) => listBulkActions(deps, contextOf(request), request.query.limit ?? 20),
  );

  app.get(
    '/leads/bulk-actions/:id',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'A bulk action: its status, progress (total, done, failed) and the leads that failed, with why',
        params: IdParams,
        response: { 200: BulkAction },
      },
    },
    (request) => getBulkAction(deps, contextOf(request), request.params.id),
  );
}
