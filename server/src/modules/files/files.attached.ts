import type { Tx } from '../../db/client.ts';
import { type AttachedFile, liveFilesByIds } from './files.repository.ts';

export type { AttachedFile };

/**
 * The live files among `ids`, as other modules show them next to their records (a ticket's replies). With
 * `ticketId`, only those attached to that ticket. The caller has checked that the actor sees the record; files
 * in the trash are left out.
 */
export async function attachedFiles(
  trx: Tx,
  ids: readonly string[],
  options: { ticketId?: string } = {},
): Promise<AttachedFile[]> {
  if (ids.length === 0) return [];
  return liveFilesByIds(trx, ids, options.ticketId ?? null);
}
