import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { checkFileName, sniffContentType, UploadMeter } from './files.content.ts';
import { requirePlace } from './files.policy.ts';
import { type Place, usedBytes } from './files.repository.ts';
import { scanWithClamd } from './files.scan.ts';
import { commitUpload, type UploadedFile } from './files.service.ts';
import { type FileStorage, storageKey, storagesFor } from './files.storage.ts';

const invalid = (path: string, message: string) =>
  new AppError('validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** The place an upload names (form fields before the file, or the query string), checked for shape. */
function placeOf(fields: Record<string, string>): Place {
  for (const name of ['folderId', 'leadId', 'ticketId'] as const) {
    const value = fields[name];
    if (value !== undefined && !isUuid(value)) throw invalid(name, 'must be a UUID');
  }
  if (fields.ticketId && (fields.folderId || fields.leadId)) {
    throw invalid('ticketId', 'a file goes in a folder, on a lead or on a ticket: one of them');
  }
  if (fields.folderId && fields.leadId) throw invalid('leadId', 'a file goes in a folder or on a lead, not both');
  return { folderId: fields.folderId || null, leadId: fields.leadId || null, ticketId: fields.ticketId || null };
}

interface Stored {
  storage: FileStorage;
  key: string;
  versionId: string;
  size: number;
  sha256: string;
  contentType: string;
}

/** Streams the bytes into storage, counted and hashed on the way; nothing is left behind when it fails. */
async function store(deps: Deps, ctx: RequestContext, source: Readable): Promise<Stored> {
  const { config } = deps;
  const used = config.filesQuotaBytes > 0 ? await withTenant(deps.db, ctx.actor.companyId, (trx) => usedBytes(trx)) : 0;
  const room = config.filesQuotaBytes > 0 ? config.filesQuotaBytes - used : Number.POSITIVE_INFINITY;
  const quotaBound = room < config.filesMaxBytes;
  const meter = new UploadMeter(Math.min(config.filesMaxBytes, Math.max(room, 0)), () =>
    quotaBound
      ? new AppError(
          'quota_exceeded',
          `The company's files may take ${mib(config.filesQuotaBytes)}; ${mib(Math.max(room, 0))} are left`,
          {
            errors: [{ path: 'file', message: 'does not fit in the storage quota' }],
          },
        )
      : new AppError('validation_failed', `file: is larger than ${mib(config.filesMaxBytes)}`, {
          errors: [{ path: 'file', message: `is larger than the limit of ${mib(config.filesMaxBytes)}` }],
        }),
  );
  // Its failure is kept on it and read below; the store may not be listening yet when it happens.
  meter.on('error', () => undefined);
  let sourceFailure: Error | null = null;
  source.once('error', (error) => {
    sourceFailure = error;
    meter.destroy(error);
  });
  const body = source.pipe(meter);
  const storage = storagesFor(config).primary;
  const versionId = newId();
  const key = storageKey(ctx.actor.companyId, versionId);
  try {
    await storage.put(key, body);
  } catch (error) {
    source.resume();
    if (meter.failure) throw meter.failure;
    if (sourceFailure) throw new AppError('bad_request', `The upload broke off: ${(sourceFailure as Error).message}`);
    throw storageDown(error);
  }
  if (meter.bytes === 0) {
    await storage.remove(key).catch(() => undefined);
    throw invalid('file', 'is empty');
  }
  return {
    storage,
    key,
    versionId,
    size: meter.bytes,
    sha256: meter.sha256(),
    contentType: await sniffContentType(meter.head()),
  };
}

export function storageDown(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('storage_unavailable', `File storage failed: ${(error as Error).message || String(error)}`);
}

/** With clamd set up, the stored bytes are scanned before any row makes them visible; infected ones are refused. */
async function scan(deps: Deps, ctx: RequestContext, stored: Stored, name: string): Promise<void> {
  const clamd = deps.config.clamd;
  if (!clamd) return;
  let result: Awaited<ReturnType<typeof scanWithClamd>>;
  try {
    result = await scanWithClamd(clamd, await stored.storage.get(stored.key));
  } catch (error) {
    throw new AppError('scan_unavailable', `The file could not be scanned for viruses: ${(error as Error).message}`);
  }
  if (!result.infected) return;
  await withTenant(deps.db, ctx.actor.companyId, (trx) =>
    recordAudit(trx, ctx, {
      action: 'file.infected',
      entityType: 'file',
      entityId: null,
      after: { name, signature: result.signature, sha256: stored.sha256, size: stored.size },
      at: deps.clock.now(),
    }),
  );
  throw new AppError('file_infected', `${name}: the virus scanner found ${result.signature}; the file was refused`, {
    errors: [{ path: 'file', message: `contains ${result.signature}` }],
    extra: { signature: result.signature },
  });
}

/**
 * POST /files: reads the form (folderId, leadId or ticketId before the file), checks the name and the place before a byte
 * is stored, streams the file into storage, scans it, then records it (a new version when the place already
 * has a live file of that name). Any failure after the bytes were stored removes them again.
 */
export async function uploadFile(deps: Deps, ctx: RequestContext, request: FastifyRequest): Promise<UploadedFile> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data, in a part named file');
  }
  const fields: Record<string, string> = { ...(request.query as Record<string, string>) };
  let stored: Stored | null = null;
  let name = '';
  let place: Place = { folderId: null, leadId: null, ticketId: null };
  try {
    // preservePath: the name as sent, so a path in it is refused rather than quietly cut to its last part.
    for await (const part of request.parts({
      preservePath: true,
      limits: { fileSize: deps.config.filesMaxBytes + 1, files: 1, fields: 10, fieldSize: 200 },
    })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw invalid(part.fieldname, 'send the file in a part named file');
        name = checkFileName(part.filename);
        place = placeOf(fields);
        await withTenant(deps.db, ctx.actor.companyId, (trx) => requirePlace(trx, ctx.actor, place, true));
        stored = await store(deps, ctx, part.file);
      } else if (stored) {
        throw invalid(part.fieldname, 'send the form fields before the file');
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    if (!stored) throw invalid('file', 'is required');
    await scan(deps, ctx, stored, name);
    return await commitUpload(deps, ctx, {
      place,
      name,
      versionId: stored.versionId,
      size: stored.size,
      contentType: stored.contentType,
      sha256: stored.sha256,
      driver: stored.storage.driver,
      key: stored.key,
    });
  } catch (error) {
    const kept = stored as Stored | null;
    if (kept) await kept.storage.remove(kept.key).catch(() => undefined);
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT_REACHED') throw invalid('file', 'send one file per upload');
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw invalid('file', `is larger than ${mib(deps.config.filesMaxBytes)}`);
    if (code?.startsWith('FST_'))
      throw new AppError('bad_request', `The upload could not be read: ${(error as Error).message}`);
    throw error;
  }
}
