import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { Page } from '../../http/schemas.ts';
import {
  MergeBody,
  MergeDetail,
  MergeListQuery,
  MergeParams,
  MergeResult,
  MergeSummary,
  UndoResult,
} from './merges.schemas.ts';
import { mergeLeads } from './merges.service.ts';
import { undoMerge } from './merges.undo.ts';
import { getMerge, listMerges } from './merges.view.ts';

export function mergesRoutes(app: App, deps: Deps): void {
  app.post(
    '/leads/merge',
    {
      config: { permission: 'leads:merge' },
      schema: {
        tags: ['leads'],
        summary: 'Merge leads into one: chosen fields, combined lists, every note and history row moved; undoable',
        description:
          'Every lead must be live and visible to you (else 404). The merged leads become tombstones: a GET of ' +
          'their id answers 301 to the survivor. Choosing a value of a field your role may not change is a 403.',
        body: MergeBody,
        response: { 201: MergeResult },
      },
    },
    async (request, reply) => reply.code(201).send(await mergeLeads(deps, contextOf(request), request.body)),
  );

  app.get(
    '/leads/merges',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'Merge history, newest first, of the leads you see (or of one lead with leadId)',
        querystring: MergeListQuery,
        response: { 200: Page(MergeSummary) },
      },
    },
    (request) => listMerges(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/leads/merges/:mergeId',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['leads'],
        summary: 'One merge: what was merged and moved, what undo would restore, and whether it still can',
        params: MergeParams,
        response: { 200: MergeDetail },
      },
    },
    (request) => getMerge(deps, contextOf(request), request.params.mergeId),
  );

  app.post(
    '/leads/merges/:mergeId/undo',
    {
      config: { permission: 'leads:merge' },
      schema: {
        tags: ['leads'],
        summary: 'Undo a merge within 30 days: the leads, their fields and their rows come back as they were',
        description:
          'Fields of the survivor changed after the merge keep the later value (listed in keptLaterEdits). ' +
          '409 merge_dependency names a later merge of these leads to undo first (blockingMergeId); 409 ' +
          'merge_already_undone, 409 merge_survivor_trashed, 410 merge_undo_expired.',
        params: MergeParams,
        response: { 200: UndoResult },
      },
    },
    (request) => undoMerge(deps, contextOf(request), request.params.mergeId),
  );
}
