import type { Readable } from 'node:stream';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, fieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { contentDisposition, previewable } from './files.content.ts';
import { placeOfFile, requirePlace, visibleFile } from './files.policy.ts';
import * as repo from './files.repository.ts';
import { storagesFor } from './files.storage.ts';

const iso = (value: Date | string) => new Date(value).toISOString();

export interface UploadedFile {
  id: string;
  name: string;
  folderId: string | null;
  leadId: string | null;
  ticketId: string | null;
  version: number;
  size: number;
  contentType: string;
  sha256: string;
  previewable: boolean;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

function toFile(row: repo.FileRow): UploadedFile {
  return {
    id: row.id,
    name: row.name,
    folderId: row.folder_id,
    leadId: row.lead_id,
    ticketId: row.ticket_id,
    version: row.current_version,
    size: Number(row.size),
    contentType: row.content_type,
    sha256: row.sha256,
    previewable: previewable(row.content_type),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deletedAt: row.deleted_at ? iso(row.deleted_at) : null,
  };
}

export interface NewVersion {
  place: repo.Place;
  name: string;
  versionId: string;
  size: number;
  contentType: string;
  sha256: string;
  driver: string;
  key: string;
}

export async function recordVersion(trx: Tx, deps: Deps, ctx: RequestContext, input: NewVersion): Promise<string> {
  const { companyId, userId } = ctx.actor;
  const at = deps.clock.now();
  await requirePlace(trx, ctx.actor, input.place, true);
  if (deps.config.filesQuotaBytes > 0) {
    await repo.lockQuota(trx, companyId);
    if ((await repo.usedBytes(trx)) + input.size > deps.config.filesQuotaBytes) {
      throw fieldError('quota_exceeded', 'file', 'does not fit in the storage quota');
    }
  }
  const existing = await repo.lockLiveFileByName(trx, input.place, input.name);
  const fileId = existing?.id ?? newId();
  const version = (existing?.current_version ?? 0) + 1;
  if (existing) await repo.setCurrentVersion(trx, fileId, version, at);
  else
    await repo.insertFile(trx, { companyId, id: fileId, place: input.place, name: input.name, createdBy: userId, at });
  await repo.insertVersion(trx, {
    companyId,
    id: input.versionId,
    fileId,
    version,
    size: input.size,
    contentType: input.contentType,
    sha256: input.sha256,
    driver: input.driver,
    key: input.key,
    createdBy: userId,
    at,
  });
  await recordAudit(trx, ctx, {
    action: existing ? 'file.version_added' : 'file.uploaded',
    entityType: 'file',
    entityId: fileId,
    after: { name: input.name, version, size: input.size, contentType: input.contentType, sha256: input.sha256 },
    at,
  });
  return fileId;
}

/** Records stored bytes as a file, or as the next version of the live file of that name in that place. */
export async function commitUpload(deps: Deps, ctx: RequestContext, input: NewVersion): Promise<UploadedFile> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
        const id = await recordVersion(trx, deps, ctx, input);
        return toFile((await repo.findFile(trx, id)) as repo.FileRow);
      });
    } catch (error) {
      // Two first uploads of one name at once: the loser becomes the next version of the winner's file.
      if ((error as { code?: string }).code === '23505' && attempt === 0) continue;
      throw error;
    }
  }
}

export async function getFile(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => toFile(await visibleFile(trx, ctx.actor, id)));
}

export async function listFiles(
  deps: Deps,
  ctx: RequestContext,
  query: { folderId?: string; leadId?: string; ticketId?: string; trashed?: boolean },
) {
  if (query.ticketId && (query.folderId || query.leadId)) {
    throw fieldError('validation_failed', 'ticketId', 'list a folder, a lead or a ticket: one of them');
  }
  if (query.folderId && query.leadId) {
    throw fieldError('validation_failed', 'leadId', 'list a folder or a lead, not both');
  }
  const place = { folderId: query.folderId ?? null, leadId: query.leadId ?? null, ticketId: query.ticketId ?? null };
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await requirePlace(trx, ctx.actor, place, false);
    return { data: (await repo.listFiles(trx, place, query.trashed ?? false)).map(toFile) };
  });
}

export async function listVersions(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await visibleFile(trx, ctx.actor, id);
    const rows = await repo.listVersions(trx, id);
    return {
      data: rows.map((v) => ({
        version: v.version,
        size: Number(v.size),
        contentType: v.content_type,
        sha256: v.sha256,
        createdBy: { id: v.created_by, name: v.created_by_name ?? '' },
        createdAt: iso(v.created_at),
      })),
    };
  });
}

export async function trashFile(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const file = await visibleFile(trx, ctx.actor, id, true);
    if (file.deleted_at) throw new AppError('conflict', 'The file is already in the trash');
    const at = deps.clock.now();
    await repo.setDeleted(trx, id, { at, by: ctx.actor.userId }, at);
    await recordAudit(trx, ctx, {
      action: 'file.trashed',
      entityType: 'file',
      entityId: id,
      after: { name: file.name },
      at,
    });
  });
}

export async function restoreFile(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const file = await visibleFile(trx, ctx.actor, id, true);
    if (!file.deleted_at) throw new AppError('conflict', 'The file is not in the trash');
    if (await repo.lockLiveFileByName(trx, placeOfFile(file), file.name)) {
      throw new AppError('conflict', `Another file named ${file.name} is there now: rename or trash it first`);
    }
    const at = deps.clock.now();
    await repo.setDeleted(trx, id, null, at);
    await recordAudit(trx, ctx, {
      action: 'file.restored',
      entityType: 'file',
      entityId: id,
      after: { name: file.name },
      at,
    });
    return toFile((await repo.findFile(trx, id)) as repo.FileRow);
  });
}

export type Download =
  | { kind: 'redirect'; url: string }
  | {
      kind: 'stream';
      stream: Readable;
      size: number;
      contentType: string;
      disposition: string;
      sha256: string;
      dangerous: boolean;
    };

/**
 * The bytes of a file (its current version, or `version`), authorised on this request and audited. Only
 * images and PDFs may be shown inline (`inline`); everything else is an attachment, whatever was asked.
 */
export async function downloadFile(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  options: { version?: number; inline?: boolean },
): Promise<Download> {
  const { file, version } = await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const file = await visibleFile(trx, ctx.actor, id);
    const versions = await repo.listVersions(trx, id);
    const wanted = options.version ?? file.current_version;
    const version = versions.find((v) => v.version === wanted);
    if (!version) throw notFound('version of this file');
    await recordAudit(trx, ctx, {
      action: 'file.downloaded',
      entityType: 'file',
      entityId: id,
      after: { name: file.name, version: version.version },
      at: deps.clock.now(),
    });
    return { file, version };
  });
  const dangerous = !previewable(version.content_type);
  const disposition = contentDisposition(options.inline && !dangerous ? 'inline' : 'attachment', file.name);
  const storage = storagesFor(deps.config).of(version.storage_driver);
  const presignSeconds = deps.config.s3?.presignSeconds ?? 0;
  try {
    if (storage.driver === 's3' && presignSeconds > 0) {
      const url = await storage.presign(version.storage_key, {
        expiresInSeconds: presignSeconds,
        contentType: dangerous ? 'application/octet-stream' : version.content_type,
        contentDisposition: disposition,
      });
      if (url) return { kind: 'redirect', url };
    }
    return {
      kind: 'stream',
      stream: await storage.get(version.storage_key),
      size: Number(version.size),
      contentType: version.content_type,
      disposition,
      sha256: version.sha256,
      dangerous,
    };
  } catch (error) {
    throw new AppError('storage_unavailable', `The file could not be read from storage: ${(error as Error).message}`);
  }
}
