import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { findVisibleLead } from '../leads/index.ts';
import { ticketAllowed } from '../tickets/scope.ts';
import { can } from '../users/index.ts';
import type { FolderRow, Place } from './files.repository.ts';
import * as repo from './files.repository.ts';

/**
 * Who sees and changes which files and folders, in one place.
 * - A folder with no restriction is open to everyone of the company who may read files; a restricted one to its
 *   roles, users and teams (a manager and everyone below it) only, and so is everything below it. An admin sees
 *   every folder.
 * - A file attached to a lead is seen by whoever sees the lead (the leads module's visibility), and changed by
 *   whoever may change the lead; a file attached to a ticket is seen by whoever sees the ticket and changed by
 *   whoever may reply to it (the tickets module's policy); a file in a folder by whoever sees the folder; a file
 *   at the root by everyone.
 * - Folders are created, changed and deleted with `folders:manage`, and only those the manager sees.
 * Anything outside is answered 404, so its existence is not disclosed.
 */
function opens(folder: FolderRow, actor: Actor, teams: readonly string[]): boolean {
  if (folder.allowed_roles === null && folder.allowed_user_ids === null && folder.allowed_team_ids === null) {
    return true;
  }
  return (
    (folder.allowed_roles ?? []).includes(actor.role) ||
    (folder.allowed_user_ids ?? []).includes(actor.userId) ||
    (folder.allowed_team_ids ?? []).some((team) => teams.includes(team))
  );
}

export class FolderAccess {
  private readonly byId: Map<string, FolderRow>;
  readonly folders: FolderRow[];
  private readonly actor: Actor;
  private readonly teams: readonly string[];

  constructor(folders: FolderRow[], actor: Actor, teams: readonly string[]) {
    this.folders = folders;
    this.actor = actor;
    this.teams = teams;
    this.byId = new Map(folders.map((f) => [f.id, f]));
  }

  static async load(trx: Tx, actor: Actor): Promise<FolderAccess> {
    const folders = await repo.listFolders(trx);
    const restrictsTeams = folders.some((f) => f.allowed_team_ids !== null);
    return new FolderAccess(folders, actor, restrictsTeams ? await repo.teamsOf(trx, actor.userId) : []);
  }

  get(id: string): FolderRow | undefined {
    return this.byId.get(id);
  }

  /** The folder and every folder above it let the actor in. */
  visible(id: string): boolean {
    if (this.actor.role === 'ADMIN') return this.byId.has(id);
    const seen = new Set<string>();
    for (let at = this.byId.get(id); at; at = at.parent_id ? this.byId.get(at.parent_id) : undefined) {
      if (seen.has(at.id) || !opens(at, this.actor, this.teams)) return false;
      seen.add(at.id);
    }
    return this.byId.has(id);
  }

  /** A folder the actor sees, or 404 naming it as missing (as another company's would be). */
  require(id: string, path?: string): FolderRow {
    const folder = this.byId.get(id);
    if (!folder || !this.visible(id)) throw path ? notFoundAt(path, 'folder') : notFound('folder');
    return folder;
  }

  /** Whether `id` is `ancestor` or below it. */
  isWithin(id: string, ancestor: string): boolean {
    for (let at = this.byId.get(id); at; at = at.parent_id ? this.byId.get(at.parent_id) : undefined) {
      if (at.id === ancestor) return true;
    }
    return false;
  }
}

function notFoundAt(path: string, what: string) {
  return new AppError('not_found', `No such ${what}`, { errors: [{ path, message: `no such ${what}` }] });
}

/** Whether the actor sees a place (for reading) or may put and change files there (`change`). */
export async function placeAllowed(trx: Tx, actor: Actor, place: Place, change: boolean): Promise<boolean> {
  if (place.leadId) {
    return (await findVisibleLead(trx, actor, place.leadId, { forChange: change })) !== undefined;
  }
  if (place.ticketId) return ticketAllowed(trx, actor, place.ticketId, change);
  if (place.folderId) return (await FolderAccess.load(trx, actor)).visible(place.folderId);
  return true;
}

/** The place, checked: 404 naming the field (`leadId`, `ticketId`, `folderId`) when the actor may not see it. */
export async function requirePlace(trx: Tx, actor: Actor, place: Place, change: boolean): Promise<void> {
  if (await placeAllowed(trx, actor, place, change)) return;
  if (place.leadId) throw notFoundAt('leadId', 'lead');
  if (place.ticketId) throw notFoundAt('ticketId', 'ticket');
  throw notFoundAt('folderId', 'folder');
}

/** Where a file row lives. */
export function placeOfFile(file: { folder_id: string | null; lead_id: string | null; ticket_id: string | null }) {
  return { folderId: file.folder_id, leadId: file.lead_id, ticketId: file.ticket_id };
}

/** A file the actor sees (`change`: may change), or 404. Files in the trash included. */
export async function visibleFile(trx: Tx, actor: Actor, id: string, change = false): Promise<repo.FileRow> {
  const file = await repo.findFile(trx, id);
  if (!file || !(await placeAllowed(trx, actor, placeOfFile(file), change))) throw notFound('file');
  if (change && !can(actor.role, 'files:write')) throw notFound('file');
  return file;
}
