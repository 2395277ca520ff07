import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

export interface NewBulkAction {
  company_id: string;
  id: string;
  action: string;
  params: Record<string, unknown>;
  filter: Record<string, unknown> | null;
  total: number | null;
  created_by: string;
  api_key_id: string | null;
  request_id: string;
  ip: string;
  user_agent: string | null;
  created_at: Date;
}

export async function insertBulkAction(trx: Tx, row: NewBulkAction): Promise<void> {
  await trx
    .insertInto('bulk_actions')
    .values({ ...row, params: JSON.stringify(row.params), filter: row.filter ? JSON.stringify(row.filter) : null })
    .execute();
}

/** Items in the order given, numbered from `from`; inserted in chunks to stay inside PostgreSQL's parameter limit. */
export async function insertItems(trx: Tx, companyId: string, bulkActionId: string, leadIds: string[], from = 0) {
  for (let i = 0; i < leadIds.length; i += 5000) {
    const ids = leadIds.slice(i, i + 5000);
    await sql`
      INSERT INTO bulk_action_items (company_id, bulk_action_id, position, lead_id)
      SELECT ${companyId}::uuid, ${bulkActionId}::uuid, ${from + i} + t.n - 1, t.id
      FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS t(id, n)`.execute(trx);
  }
}

function bulkActions(trx: Tx) {
  return trx
    .selectFrom('bulk_actions as b')
    .leftJoin('users as u', (join) =>
      join.onRef('u.company_id', '=', 'b.company_id').onRef('u.id', '=', 'b.created_by'),
    )
    .selectAll('b')
    .select('u.name as created_by_name');
}

export type BulkActionRow = NonNullable<Awaited<ReturnType<typeof findBulkAction>>>;

export async function findBulkAction(trx: Tx, id: string) {
  return bulkActions(trx).where('b.id', '=', id).executeTakeFirst();
}

export async function listBulkActions(trx: Tx, createdBy: string, limit: number) {
  return bulkActions(trx).where('b.created_by', '=', createdBy).orderBy('b.id', 'desc').limit(limit).execute();
}

export async function pendingItems(trx: Tx, bulkActionId: string, limit: number) {
  return trx
    .selectFrom('bulk_action_items')
    .select(['position', 'lead_id'])
    .where('bulk_action_id', '=', bulkActionId)
    .where('status', '=', 'pending')
    .orderBy('position')
    .limit(limit)
    .execute();
}

/** An item's outcome and the action's counters, together: progress read at any moment adds up. */
export async function recordOutcome(
  trx: Tx,
  bulkActionId: string,
  position: number,
  outcome: { status: 'done' | 'failed'; code?: string | undefined; message?: string | undefined },
): Promise<void> {
  const updated = await trx
    .updateTable('bulk_action_items')
    .set({ status: outcome.status, code: outcome.code ?? null, message: outcome.message?.slice(0, 1000) ?? null })
    .where('bulk_action_id', '=', bulkActionId)
    .where('position', '=', position)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return;
  await trx
    .updateTable('bulk_actions')
    .set(outcome.status === 'done' ? { done: sql`done + 1` } : { failed: sql`failed + 1` })
    .where('id', '=', bulkActionId)
    .execute();
}

export async function markStarted(trx: Tx, id: string, total: number, now: Date): Promise<void> {
  await trx
    .updateTable('bulk_actions')
    .set({ status: 'running', total, started_at: now })
    .where('id', '=', id)
    .execute();
}

export async function markFinished(
  trx: Tx,
  id: string,
  outcome: { status: 'done' | 'failed'; error?: string },
  now: Date,
): Promise<void> {
  await trx
    .updateTable('bulk_actions')
    .set({ status: outcome.status, error: outcome.error ?? null, finished_at: now })
    .where('id', '=', id)
    .execute();
}

/** The first failed items, with the lead's name when `visible` lets the reader see the lead. */
export async function failures(trx: Tx, bulkActionId: string, visible: Expression<SqlBool>, limit: number) {
  return trx
    .selectFrom('bulk_action_items as i')
    .leftJoin('leads as l', (join) =>
      join.onRef('l.company_id', '=', 'i.company_id').onRef('l.id', '=', 'i.lead_id').on(visible),
    )
    .select(['i.lead_id', 'i.code', 'i.message', 'l.name'])
    .where('i.bulk_action_id', '=', bulkActionId)
    .where('i.status', '=', 'failed')
    .orderBy('i.position')
    .limit(limit)
    .execute();
}
