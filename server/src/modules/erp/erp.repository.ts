import type { Selectable } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { DB } from '../../db/types.ts';

export type ConnectionRow = Selectable<DB['erp_connections']>;
export type LinkRow = Selectable<DB['erp_links']>;
export type DocumentRow = Selectable<DB['erp_documents']>;
export type RunRow = Selectable<DB['erp_runs']>;
export type ErrorRow = Selectable<DB['erp_errors']>;
export type ConflictRow = Selectable<DB['erp_conflicts']>;

export function listConnections(trx: Tx) {
  return trx.selectFrom('erp_connections').selectAll().orderBy('name').execute();
}

export function findConnection(trx: Tx, id: string) {
  return trx.selectFrom('erp_connections').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockConnection(trx: Tx, id: string) {
  return trx.selectFrom('erp_connections').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findLink(trx: Tx, connectionId: string, externalId: string) {
  return trx
    .selectFrom('erp_links')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export function linkOfLead(trx: Tx, connectionId: string, leadId: string) {
  return trx
    .selectFrom('erp_links')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('lead_id', '=', leadId)
    .executeTakeFirst();
}

export function findRun(trx: Tx, id: string) {
  return trx.selectFrom('erp_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRuns(trx: Tx, connectionId: string, limit = 50) {
  return trx
    .selectFrom('erp_runs')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function activeRun(trx: Tx, connectionId: string, kind: 'sync' | 'consistency') {
  return trx
    .selectFrom('erp_runs')
    .select('id')
    .where('connection_id', '=', connectionId)
    .where('kind', '=', kind)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
}

export function findError(trx: Tx, id: string) {
  return trx.selectFrom('erp_errors').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findConflict(trx: Tx, id: string) {
  return trx.selectFrom('erp_conflicts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function customFieldKeys(trx: Tx): Promise<string[]> {
  const rows = await trx.selectFrom('custom_fields').select('key').execute();
  return rows.map((r) => r.key);
}
