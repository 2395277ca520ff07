import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, fieldError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { hasControlCharacters } from './files.content.ts';
import { FolderAccess } from './files.policy.ts';
import * as repo from './files.repository.ts';
import type { CreateFolderInput, UpdateFolderInput } from './files.schemas.ts';

const iso = (value: Date | string) => new Date(value).toISOString();

function toFolder(row: repo.FolderRow) {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    allowedRoles: row.allowed_roles,
    allowedUserIds: row.allowed_user_ids,
    allowedTeamIds: row.allowed_team_ids,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function checkName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (!trimmed) throw fieldError('validation_failed', 'name', 'must not be blank');
  if (hasControlCharacters(trimmed) || trimmed.includes('/') || trimmed.includes('\\')) {
    throw fieldError('validation_failed', 'name', 'must not contain control characters or slashes');
  }
  return trimmed;
}

/** Restricting users must be people of the company (400 naming `allowedUserIds.N` otherwise). */
async function checkUsers(trx: Tx, ids: string[] | null | undefined): Promise<string[] | null | undefined> {
  if (!ids) return ids;
  const known = await repo.existingUsers(trx, ids);
  const errors: FieldError[] = ids.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `allowedUserIds.${i}`, message: 'no such user' }],
  );
  if (errors.length > 0) throw new AppError('validation_failed', 'allowedUserIds: no such user', { errors });
  return [...new Set(ids)];
}

/** Restricting teams are named by their managers (400 naming `allowedTeamIds.N` otherwise). */
async function checkTeams(trx: Tx, ids: string[] | null | undefined): Promise<string[] | null | undefined> {
  if (!ids) return ids;
  const known = await repo.existingManagers(trx, ids);
  const errors: FieldError[] = ids.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `allowedTeamIds.${i}`, message: 'no such manager' }],
  );
  if (errors.length > 0) throw new AppError('validation_failed', 'allowedTeamIds: no such manager', { errors });
  return [...new Set(ids)];
}

const renamed = (error: unknown) => {
  if ((error as { code?: string }).code === '23505') {
    return fieldError('conflict', 'name', 'a folder of that name is already there');
  }
  return error;
};

export async function listFolders(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const access = await FolderAccess.load(trx, ctx.actor);
    return { data: access.folders.filter((f) => access.visible(f.id)).map(toFolder) };
  });
}

export async function createFolder(deps: Deps, ctx: RequestContext, body: CreateFolderInput) {
  const name = checkName(body.name);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const access = await FolderAccess.load(trx, ctx.actor);
    if (body.parentId) access.require(body.parentId, 'parentId');
    const allowedUserIds = (await checkUsers(trx, body.allowedUserIds)) ?? null;
    const allowedTeamIds = (await checkTeams(trx, body.allowedTeamIds)) ?? null;
    const id = newId();
    const at = deps.clock.now();
    const row = {
      companyId: ctx.actor.companyId,
      id,
      parentId: body.parentId ?? null,
      name,
      allowedRoles: body.allowedRoles ? [...new Set(body.allowedRoles)] : null,
      allowedUserIds,
      allowedTeamIds,
      createdBy: ctx.actor.userId,
      at,
    };
    await repo.insertFolder(trx, row).catch((error) => {
      throw renamed(error);
    });
    await recordAudit(trx, ctx, {
      action: 'folder.created',
      entityType: 'folder',
      entityId: id,
      after: { ...row },
      at,
    });
    return toFolder((await FolderAccess.load(trx, ctx.actor)).get(id) as repo.FolderRow);
  });
}

export async function updateFolder(deps: Deps, ctx: RequestContext, id: string, body: UpdateFolderInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const access = await FolderAccess.load(trx, ctx.actor);
    const before = access.require(id);
    if (body.parentId) {
      access.require(body.parentId, 'parentId');
      if (access.isWithin(body.parentId, id)) {
        throw fieldError('validation_failed', 'parentId', 'a folder cannot move into itself or a folder below it');
      }
    }
    const at = deps.clock.now();
    const set = {
      ...(body.name !== undefined ? { name: checkName(body.name) } : {}),
      ...(body.parentId !== undefined ? { parent_id: body.parentId } : {}),
      ...(body.allowedRoles !== undefined
        ? { allowed_roles: body.allowedRoles ? [...new Set(body.allowedRoles)] : null }
        : {}),
      ...(body.allowedUserIds !== undefined ? { allowed_user_ids: await checkUsers(trx, body.allowedUserIds) } : {}),
      ...(body.allowedTeamIds !== undefined ? { allowed_team_ids: await checkTeams(trx, body.allowedTeamIds) } : {}),
      updated_at: at,
    };
    await repo.updateFolder(trx, id, set).catch((error) => {
      throw renamed(error);
    });
    const after = (await FolderAccess.load(trx, ctx.actor)).get(id) as repo.FolderRow;
    await recordAudit(trx, ctx, {
      action: 'folder.updated',
      entityType: 'folder',
      entityId: id,
      before: toFolder(before),
      after: toFolder(after),
      at,
    });
    return toFolder(after);
  });
}

/** Only an empty folder goes (no subfolder, no file, none in the trash either): 409 otherwise. */
export async function deleteFolder(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const access = await FolderAccess.load(trx, ctx.actor);
    const folder = access.require(id);
    if (await repo.folderInUse(trx, id)) {
      throw new AppError(
        'conflict',
        'The folder is not empty: move or delete its folders and files (and empty its trash)',
      );
    }
    await repo.deleteFolder(trx, id);
    await recordAudit(trx, ctx, {
      action: 'folder.deleted',
      entityType: 'folder',
      entityId: id,
      before: toFolder(folder),
      at: deps.clock.now(),
    });
  });
}
