import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

/** Where a file lives: a folder, a lead, a ticket, or (none) the company's root folder. */
export interface Place {
  folderId: string | null;
  leadId: string | null;
  ticketId: string | null;
}

const fileColumns = [
  'f.id',
  'f.folder_id',
  'f.lead_id',
  'f.ticket_id',
  'f.name',
  'f.current_version',
  'f.created_by',
  'f.created_at',
  'f.updated_at',
  'f.deleted_at',
  'v.id as version_id',
  'v.size',
  'v.content_type',
  'v.sha256',
  'v.storage_driver',
  'v.storage_key',
] as const;

function filesWithCurrent(trx: Tx) {
  return trx
    .selectFrom('files as f')
    .innerJoin('file_versions as v', (join) =>
      join
        .onRef('v.company_id', '=', 'f.company_id')
        .onRef('v.file_id', '=', 'f.id')
        .onRef('v.version', '=', 'f.current_version'),
    )
    .select(fileColumns);
}

export type FileRow = Awaited<ReturnType<typeof findFile>> & object;

export async function findFile(trx: Tx, id: string) {
  return filesWithCurrent(trx).where('f.id', '=', id).executeTakeFirst();
}

/** The live file of that name in that place, locked: a new upload of the same name becomes its next version. */
export async function lockLiveFileByName(trx: Tx, place: Place, name: string) {
  return trx
    .selectFrom('files')
    .select(['id', 'current_version'])
    .where(sql<boolean>`folder_id IS NOT DISTINCT FROM ${place.folderId}`)
    .where(sql<boolean>`lead_id IS NOT DISTINCT FROM ${place.leadId}`)
    .where(sql<boolean>`ticket_id IS NOT DISTINCT FROM ${place.ticketId}`)
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

export interface AttachedFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

/** The live files among `ids` (on `ticketId` only, when given), by name. */
export async function liveFilesByIds(
  trx: Tx,
  ids: readonly string[],
  ticketId: string | null,
): Promise<AttachedFile[]> {
  let query = filesWithCurrent(trx)
    .where('f.id', 'in', [...ids])
    .where('f.deleted_at', 'is', null);
  if (ticketId) query = query.where('f.ticket_id', '=', ticketId);
  const rows = await query.orderBy(sql`lower(f.name)`).orderBy('f.id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, size: Number(r.size), contentType: r.content_type }));
}

export async function listFiles(trx: Tx, place: Place, trashed: boolean) {
  return filesWithCurrent(trx)
    .where(sql<boolean>`f.folder_id IS NOT DISTINCT FROM ${place.folderId}`)
    .where(sql<boolean>`f.lead_id IS NOT DISTINCT FROM ${place.leadId}`)
    .where(sql<boolean>`f.ticket_id IS NOT DISTINCT FROM ${place.ticketId}`)
    .where('f.deleted_at', trashed ? 'is not' : 'is', null)
    .orderBy(sql`lower(f.name)`)
    .orderBy('f.id')
    .limit(1000)
    .execute();
}

export async function insertFile(
  trx: Tx,
  row: { companyId: string; id: string; place: Place; name: string; createdBy: string; at: Date },
) {
  await trx
    .insertInto('files')
    .values({
      company_id: row.companyId,
      id: row.id,
      folder_id: row.place.folderId,
      lead_id: row.place.leadId,
      ticket_id: row.place.ticketId,
      name: row.name,
      current_version: 1,
      created_by: row.createdBy,
      created_at: row.at,
      updated_at: row.at,
    })
    .execute();
}

export async function setCurrentVersion(trx: Tx, id: string, version: number, at: Date) {
  await trx.updateTable('files').set({ current_version: version, updated_at: at }).where('id', '=', id).execute();
}

export async function setDeleted(trx: Tx, id: string, deleted: { at: Date; by: string } | null, at: Date) {
  await trx
    .updateTable('files')
    .set({ deleted_at: deleted?.at ?? null, deleted_by: deleted?.by ?? null, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function insertVersion(
  trx: Tx,
  row: {
    companyId: string;
    id: string;
    fileId: string;
    version: number;
    size: number;
    contentType: string;
    sha256: string;
    driver: string;
    key: string;
    createdBy: string;
    at: Date;
  },
) {
  await trx
    .insertInto('file_versions')
    .values({
      company_id: row.companyId,
      id: row.id,
      file_id: row.fileId,
      version: row.version,
      size: row.size,
      content_type: row.contentType,
      sha256: row.sha256,
      storage_driver: row.driver,
      storage_key: row.key,
      created_by: row.createdBy,
      created_at: row.at,
    })
    .execute();
}

export async function listVersions(trx: Tx, fileId: string) {
  return trx
    .selectFrom('file_versions as v')
    .leftJoin('users as u', (join) =>
      join.onRef('u.company_id', '=', 'v.company_id').onRef('u.id', '=', 'v.created_by'),
    )
    .select([
      'v.id',
      'v.version',
      'v.size',
      'v.content_type',
      'v.sha256',
      'v.storage_driver',
      'v.storage_key',
      'v.created_by',
      'u.name as created_by_name',
      'v.created_at',
    ])
    .where('v.file_id', '=', fileId)
    .orderBy('v.version', 'desc')
    .execute();
}

/** Bytes the company stores, every version counted (the trash too: its bytes are still kept). */
export async function usedBytes(trx: Tx): Promise<number> {
  const row = await trx
    .selectFrom('file_versions')
    .select(sql<string>`coalesce(sum(size), 0)`.as('used'))
    .executeTakeFirstOrThrow();
  return Number(row.used);
}

/** Serialises the quota check of one company's uploads until the transaction ends. */
export async function lockQuota(trx: Tx, companyId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`files-quota:${companyId}`}, 0))`.execute(trx);
}

export async function listFolders(trx: Tx) {
  return trx
    .selectFrom('folders')
    .select([
      'id',
      'parent_id',
      'name',
      'allowed_roles',
      'allowed_user_ids',
      'allowed_team_ids',
      'created_by',
      'created_at',
      'updated_at',
    ])
    .orderBy(sql`lower(name)`)
    .execute();
}

export type FolderRow = Awaited<ReturnType<typeof listFolders>>[number];

export async function insertFolder(
  trx: Tx,
  row: {
    companyId: string;
    id: string;
    parentId: string | null;
    name: string;
    allowedRoles: string[] | null;
    allowedUserIds: string[] | null;
    allowedTeamIds: string[] | null;
    createdBy: string;
    at: Date;
  },
) {
  await trx
    .insertInto('folders')
    .values({
      company_id: row.companyId,
      id: row.id,
      parent_id: row.parentId,
      name: row.name,
      allowed_roles: row.allowedRoles,
      allowed_user_ids: row.allowedUserIds,
      allowed_team_ids: row.allowedTeamIds,
      created_by: row.createdBy,
      created_at: row.at,
      updated_at: row.at,
    })
    .execute();
}

export async function updateFolder(
  trx: Tx,
  id: string,
  set: {
    name?: string;
    parent_id?: string | null;
    allowed_roles?: string[] | null;
    allowed_user_ids?: string[] | null;
    allowed_team_ids?: string[] | null;
    updated_at: Date;
  },
) {
  await trx.updateTable('folders').set(set).where('id', '=', id).execute();
}

/** Whether anything (a subfolder, or a file, live or in the trash) is still in the folder. */
export async function folderInUse(trx: Tx, id: string): Promise<boolean> {
  const row = await trx
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('folders').select('id').where('parent_id', '=', id)).as('folders'),
      eb.exists(eb.selectFrom('files').select('id').where('folder_id', '=', id)).as('files'),
    ])
    .executeTakeFirstOrThrow();
  return Boolean(row.folders) || Boolean(row.files);
}

export async function deleteFolder(trx: Tx, id: string) {
  await trx.deleteFrom('folders').where('id', '=', id).execute();
}

/** The ids among `ids` that are users of the company. */
export async function existingUsers(trx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx.selectFrom('users').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** The user and every manager above it: the teams it belongs to, as a manager's id names its team. */
export async function teamsOf(trx: Tx, userId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    WITH RECURSIVE up AS (
      SELECT id, manager_id FROM users WHERE id = ${userId}
      UNION
      SELECT m.id, m.manager_id FROM users m JOIN up ON m.id = up.manager_id
    ) SELECT id FROM up`.execute(trx);
  return rows.map((r) => r.id);
}

/** The ids among `ids` that are managers of the company (a team is named by its manager). */
export async function existingManagers(trx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('id', 'in', ids)
    .where('role', '=', 'MANAGER')
    .execute();
  return new Set(rows.map((r) => r.id));
}
