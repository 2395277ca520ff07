import type { Tx } from '../../db/client.ts';
import { leadsQuery } from '../leads/index.ts';
import { leadIsLive } from '../leads/scope.ts';

/** A live lead (not trashed, not merged away) by id, whoever may see it: jobs act for the company. */
export function findLiveLead(trx: Tx, id: string) {
  return leadsQuery(trx).where('l.id', '=', id).where(leadIsLive).executeTakeFirst();
}

/** The ids of live leads, on the alias `l`, for matching ERP customers. */
export function liveLeads(trx: Tx) {
  return trx.selectFrom('leads as l').select('l.id').where(leadIsLive);
}
