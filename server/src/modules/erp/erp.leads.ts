import type { Tx } from '../../db/client.ts';
import { leadsQuery } from '../leads/index.ts';
import { leadIsLive } from '../leads/scope.ts';

/** A live lead (not trashed, not merged away) by id, whoever may see it: jobs act for the company. */
export function findLiveLead(trx: Tx, id: string) {
  return leadsQuery(trx).where('l.id', '=', id).where(leadIsLive).executeTakeFirst();
}
