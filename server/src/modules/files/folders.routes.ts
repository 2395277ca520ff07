import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { CreateFolderBody, Folder, UpdateFolderBody } from './files.schemas.ts';
import * as service from './folders.service.ts';

/** Company folders, each open to everyone or restricted to some roles and users (and so is all below it). */
export function foldersRoutes(app: App, deps: Deps): void {
  app.get(
    '/folders',
    {
      config: { permission: 'files:read' },
      schema: {
        tags: ['files'],
        summary: 'The folders you see, flat (parentId gives the tree)',
        response: { 200: List(Folder) },
      },
    },
    (request) => service.listFolders(deps, contextOf(request)),
  );

  app.post(
    '/folders',
    {
      config: { permission: 'folders:manage' },
      schema: { tags: ['files'], summary: 'Create a folder', body: CreateFolderBody, response: { 201: Folder } },
    },
    async (request, reply) => reply.code(201).send(await service.createFolder(deps, contextOf(request), request.body)),
  );

  app.patch(
    '/folders/:id',
    {
      config: { permission: 'folders:manage' },
      schema: {
        tags: ['files'],
        summary: 'Rename, move or restrict a folder',
        params: IdParams,
        body: UpdateFolderBody,
        response: { 200: Folder },
      },
    },
    (request) => service.updateFolder(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/folders/:id',
    {
      config: { permission: 'folders:manage' },
      schema: {
        tags: ['files'],
        summary: 'Delete an empty folder (409 while anything is in it)',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteFolder(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
