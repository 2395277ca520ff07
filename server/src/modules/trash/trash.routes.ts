import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, NoContent, Page } from '../../http/schemas.ts';
import { IfMatchHeader, TrashedLead, TrashQuery } from './trash.schemas.ts';
import { listTrash, restoreLead, TRASH_DAYS, trashLead } from './trash.service.ts';

export function trashRoutes(app: App, deps: Deps): void {
  app.delete(
    '/leads/:id',
    {
      config: { permission: 'leads:delete' },
      schema: {
        tags: ['leads'],
        summary: `Move a lead to the trash (an admin can restore it for ${TRASH_DAYS} days)`,
        description:
          'The lead leaves every list, count, search and GET at once. `If-Match` (optional) makes the delete ' +
          'conditional on the version you read (409 when stale).',
        params: IdParams,
        headers: IfMatchHeader,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await trashLead(deps, contextOf(request), request.params.id, request.headers['if-match']);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/leads/trash',
    {
      config: { permission: 'leads:restore' },
      schema: {
        tags: ['leads'],
        summary: 'Deleted leads, newest first: who deleted each, when, and the days left to restore it',
        querystring: TrashQuery,
        response: { 200: Page(TrashedLead) },
      },
    },
    (request) => listTrash(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.post(
    '/leads/:id/restore',
    {
      config: { permission: 'leads:restore' },
      schema: {
        tags: ['leads'],
        summary: `Bring a deleted lead back from the trash, within ${TRASH_DAYS} days of its deletion`,
        description:
          '409 `not_in_trash` when the lead is not deleted (or was merged away: undo the merge instead); 410 ' +
          '`restore_expired` once the restore window has passed.',
        params: IdParams,
        response: { 200: Type.Ref('Lead') },
      },
    },
    async (request, reply) => {
      const lead = await restoreLead(deps, contextOf(request), request.params.id);
      return reply.header('etag', `"${lead.version}"`).send(lead);
    },
  );
}
