import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { validatorCompiler } from '../../http/validation.ts';
import { ContentQuery, FileMeta, FileVersion, ListFilesQuery, UploadBody } from './files.schemas.ts';
import * as service from './files.service.ts';
import { uploadFile } from './files.upload.ts';

/** Files in folders, on leads and on tickets: streamed uploads, versions, the trash, and authorised, audited downloads. */
export function filesRoutes(app: App, deps: Deps): void {
  // Multipart only here, streamed: every other route keeps JSON bodies of at most 1 MiB.
  app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: deps.config.filesMaxBytes + 1 } });
    scope.post(
      '/files',
      {
        config: { permission: 'files:write' },
        bodyLimit: deps.config.filesMaxBytes + 1024 * 1024,
        validatorCompiler: (input) => (input.httpPart === 'body' ? () => true : validatorCompiler(input)),
        schema: {
          tags: ['files'],
          summary:
            'Upload a file into a folder, onto a lead or a ticket, or to the root (a same-named file there gets a new ' +
            'version)',
          description:
            'multipart/form-data: one of the fields `folderId`, `leadId` or `ticketId` first (or in the query ' +
            'string), then the part ' +
            '`file`. The bytes stream to storage, hashed (SHA-256) and their type sniffed; with a virus scanner set ' +
            'up they are scanned before the file becomes visible. An empty or oversized file, a name that is a path ' +
            'or holds control characters: 400 naming `file`.',
          consumes: ['multipart/form-data'],
          body: UploadBody,
          response: { 201: FileMeta },
        },
      },
      async (request, reply) => reply.code(201).send(await uploadFile(deps, contextOf(request), request)),
    );
  });

  app.get(
    '/files',
    {
      config: { permission: 'files:read' },
      schema: {
        tags: ['files'],
        summary: 'The files of a folder, of a lead, of a ticket, or (none) of the root; `trashed=true` for that trash',
        querystring: ListFilesQuery,
        response: { 200: List(FileMeta) },
      },
    },
    (request) => service.listFiles(deps, contextOf(request), request.query),
  );

  app.get(
    '/files/:id',
    {
      config: { permission: 'files:read' },
      schema: {
        tags: ['files'],
        summary: 'A file: name, place, current version',
        params: IdParams,
        response: { 200: FileMeta },
      },
    },
    (request) => service.getFile(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/files/:id/versions',
    {
      config: { permission: 'files:read' },
      schema: {
        tags: ['files'],
        summary: 'Every version of a file, newest first',
        params: IdParams,
        response: { 200: List(FileVersion) },
      },
    },
    (request) => service.listVersions(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/files/:id/content',
    {
      config: { permission: 'files:read' },
      schema: {
        tags: ['files'],
        summary: 'The bytes of a file (authorised on each request, and audited)',
        description:
          'Images and PDFs show inline with `inline=1`; every other type (HTML, SVG, scripts, unknown) is always ' +
          'an attachment with `X-Content-Type-Options: nosniff`. On S3 with IPERFORM_S3_PRESIGN_SECONDS set, a 302 ' +
          'to a presigned link that lasts that long.',
        params: IdParams,
        querystring: ContentQuery,
        produces: ['application/octet-stream'],
        response: { 200: Type.String({ format: 'binary' }), 302: Type.Null({ description: 'To a presigned link' }) },
      },
    },
    async (request, reply) => {
      const inline = request.query.inline === '1' || request.query.inline === 'true';
      const download = await service.downloadFile(deps, contextOf(request), request.params.id, {
        inline,
        ...(request.query.version ? { version: request.query.version } : {}),
      });
      reply.header('cache-control', 'private, no-store');
      if (download.kind === 'redirect') return reply.redirect(download.url, 302);
      reply
        .header('content-type', download.contentType)
        .header('content-length', download.size)
        .header('content-disposition', download.disposition)
        .header('x-content-type-options', 'nosniff')
        .header('etag', `"${download.sha256}"`)
        // Even a file opened by itself runs nothing: no scripts, no plugins, its own origin.
        .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
      return reply.send(download.stream as unknown as string);
    },
  );

  app.delete(
    '/files/:id',
    {
      config: { permission: 'files:write' },
      schema: { tags: ['files'], summary: 'Move a file to the trash', params: IdParams, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await service.trashFile(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/files/:id/restore',
    {
      config: { permission: 'files:write' },
      schema: {
        tags: ['files'],
        summary: 'Bring a file back from the trash (409 when a live file of its name is there now)',
        params: IdParams,
        response: { 200: FileMeta },
      },
    },
    (request) => service.restoreFile(deps, contextOf(request), request.params.id),
  );
}
