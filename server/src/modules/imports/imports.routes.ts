import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { IdParams, List, NoContent, Page } from '../../http/schemas.ts';
import { fieldErrors, validatorCompiler } from '../../http/validation.ts';
import { importEncodings, importFormats } from './imports.decode.ts';
import { deleteMapping, listMappings, saveMapping } from './imports.mappings.ts';
import { resultFile } from './imports.result.ts';
import {
  DryRunBody,
  DryRunResult,
  ImportDetail,
  ImportSummary,
  ListImportsQuery,
  RunBody,
  SavedMapping,
  SaveMappingBody,
  SetMappingBody,
  UploadFields,
} from './imports.schemas.ts';
import * as service from './imports.service.ts';
import { type UploadOptions, uploadImport } from './imports.upload.ts';

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** What the OpenAPI document shows of the upload; the parts are read and checked in the handler. */
const UploadBody = Type.Object({
  file: Type.String({ format: 'binary', description: 'The file: CSV, XLSX, JSON, NDJSON or XML, at most 50 MB' }),
  format: Type.Optional(
    Type.Union(
      importFormats.map((f) => Type.Literal(f)),
      { description: 'Detected when absent' },
    ),
  ),
  delimiter: Type.Optional(Type.String({ maxLength: 1, description: 'CSV only; sniffed when absent (, ; tab |)' })),
  encoding: Type.Optional(
    Type.Union(
      importEncodings.map((e) => Type.Literal(e)),
      {
        description:
          'auto (default): byte-order mark, else UTF-8 when valid, else Windows-1252; a named one is held to strictly',
      },
    ),
  ),
  mappingId: Type.Optional(Type.String({ format: 'uuid', description: 'A saved mapping to start from' })),
});

const checkFields = validatorCompiler({ schema: UploadFields, httpPart: 'querystring' });

/** Reads the multipart parts: one file, and the options as fields (or in the query string). */
async function readUpload(
  request: FastifyRequest,
): Promise<{ fileName: string; bytes: Buffer; options: UploadOptions }> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data, in a part named file');
  }
  const fields: Record<string, string> = { ...(request.query as Record<string, string>) };
  let file: { fileName: string; bytes: Buffer } | null = null;
  try {
    for await (const part of request.parts({
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 1000 },
    })) {
      if (part.type === 'file') {
        if (file)
          throw new AppError('validation_failed', 'Send one file', {
            errors: [{ path: 'file', message: 'only one file per import' }],
          });
        file = { fileName: part.filename, bytes: await part.toBuffer() };
      } else fields[part.fieldname] = String(part.value);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(
        'payload_too_large',
        'The file is larger than 50 MB: split it, or import it as CSV (smaller than XLSX)',
        {
          errors: [{ path: 'file', message: 'is larger than 50 MB' }],
        },
      );
    }
    if (code === 'FST_FILES_LIMIT_REACHED') {
      throw new AppError('validation_failed', 'Send one file', {
        errors: [{ path: 'file', message: 'only one file per import' }],
      });
    }
    throw new AppError('bad_request', `The upload could not be read: ${(error as Error).message}`);
  }
  if (!file)
    throw new AppError('validation_failed', 'No file was sent', { errors: [{ path: 'file', message: 'is required' }] });
  if (!checkFields(fields)) {
    const errors = fieldErrors((checkFields.errors ?? []) as never);
    throw new AppError('validation_failed', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
  }
  return { ...file, options: fields as UploadOptions };
}

/** A POST without a body means no options: the schema then checks `{}`. */
async function noBodyIsEmpty(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

export function importsRoutes(app: App, deps: Deps): void {
  // Multipart only here, with its own limit: every other route keeps JSON bodies of at most 1 MiB.
  app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES } });
    scope.post(
      '/imports',
      {
        config: { permission: 'leads:import' },
        bodyLimit: MAX_UPLOAD_BYTES + 1024 * 1024,
        validatorCompiler: (input) => (input.httpPart === 'body' ? () => true : validatorCompiler(input)),
        schema: {
          tags: ['imports'],
          summary:
            'Upload a file of leads to import: answers its format, encoding, headers, a sample and a suggested mapping',
          consumes: ['multipart/form-data'],
          body: UploadBody,
          response: { 201: ImportDetail },
        },
      },
      async (request, reply) => {
        const upload = await readUpload(request);
        const detail = await uploadImport(deps, contextOf(request), upload, upload.options);
        return reply.code(201).send(detail);
      },
    );
  });

  app.get(
    '/imports',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary: 'Imports, newest first: an admin sees every import, anyone else its own',
        querystring: ListImportsQuery,
        response: { 200: Page(ImportSummary) },
      },
    },
    (request) => service.listImports(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/imports/mappings',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary: "The company's saved column mappings",
        response: { 200: List(SavedMapping) },
      },
    },
    (request) => listMappings(deps, contextOf(request)),
  );

  app.post(
    '/imports/mappings',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary: 'Save a column mapping by name',
        body: SaveMappingBody,
        response: { 201: SavedMapping },
      },
    },
    async (request, reply) => reply.code(201).send(await saveMapping(deps, contextOf(request), request.body)),
  );

  app.delete(
    '/imports/mappings/:id',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary: 'Delete a saved mapping (its creator or an admin)',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await deleteMapping(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/imports/:id',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary: 'One import: status, progress, counts, file facts, mapping and the suggested one',
        params: IdParams,
        response: { 200: ImportDetail },
      },
    },
    (request) => service.getImport(deps, contextOf(request), request.params.id),
  );

  app.put(
    '/imports/:id/mapping',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary: 'Set the column mapping (or a saved one); saveAs also saves it by name',
        params: IdParams,
        body: SetMappingBody,
        response: { 200: ImportDetail },
      },
    },
    (request) => service.setMapping(deps, contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/imports/:id/dry-run',
    {
      config: { permission: 'leads:import' },
      preValidation: noBodyIsEmpty,
      schema: {
        tags: ['imports'],
        summary: 'What the import would do to each row (errors, duplicates, summary counts), writing nothing',
        params: IdParams,
        body: DryRunBody,
        response: { 200: DryRunResult },
      },
    },
    (request) => service.dryRun(deps, contextOf(request), request.params.id, request.body),
  );

  app.post(
    '/imports/:id/run',
    {
      config: { permission: 'leads:import' },
      preValidation: noBodyIsEmpty,
      schema: {
        tags: ['imports'],
        summary: 'Start the import: it runs in the background, in chunks; follow GET /imports/{id}',
        params: IdParams,
        body: RunBody,
        response: { 202: ImportDetail },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.runImport(deps, contextOf(request), request.params.id, request.body)),
  );

  app.get(
    '/imports/:id/result',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary: 'Every row with its outcome (created, updated, skipped, failed), lead id and reason, as CSV',
        params: IdParams,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV: Row, Outcome, Lead ID, Reason, then the file’s columns' }) },
      },
    },
    async (request, reply) => {
      const { fileName, stream } = await resultFile(deps, contextOf(request), request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(stream as unknown as string);
    },
  );

  app.post(
    '/imports/:id/undo',
    {
      config: { permission: 'leads:import' },
      schema: {
        tags: ['imports'],
        summary:
          'Undo a finished import: its created leads go to the trash, its updates are reverted (in the background)',
        params: IdParams,
        response: { 202: ImportDetail },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.undoImport(deps, contextOf(request), request.params.id)),
  );
}
