import type { Insertable, Updateable } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { ReportSchedules } from '../../db/types.ts';

function schedulesQuery(trx: Tx) {
  return trx
    .selectFrom('report_schedules as s')
    .innerJoin('users as o', (join) => join.onRef('o.company_id', '=', 's.company_id').onRef('o.id', '=', 's.owner_id'))
    .selectAll('s')
    .select('o.name as owner_name');
}

export type ScheduleRow = NonNullable<Awaited<ReturnType<typeof findSchedule>>>;

export async function findSchedule(trx: Tx, id: string, options: { lock?: boolean } = {}) {
  let query = schedulesQuery(trx).where('s.id', '=', id);
  if (options.lock) query = query.forUpdate('s');
  return query.executeTakeFirst();
}

/** Schedules by name; `ownerId` null for every schedule of the company. */
export async function listSchedules(trx: Tx, ownerId: string | null) {
  let query = schedulesQuery(trx);
  if (ownerId !== null) query = query.where('s.owner_id', '=', ownerId);
  return query.orderBy('s.name').orderBy('s.id').limit(1000).execute();
}

export async function insertSchedule(trx: Tx, row: Insertable<ReportSchedules>): Promise<void> {
  await trx.insertInto('report_schedules').values(row).execute();
}

export async function updateSchedule(trx: Tx, id: string, changes: Updateable<ReportSchedules>): Promise<void> {
  await trx.updateTable('report_schedules').set(changes).where('id', '=', id).execute();
}

export async function deleteSchedule(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('report_schedules').where('id', '=', id).execute();
}

/**
 * The schedule, locked, when it is active and due by `now`; undefined otherwise (already sent by another job,
 * moved later, paused or deleted). A second job waiting on the lock sees the moved `next_run_at` and gets nothing.
 */
export async function lockDue(trx: Tx, id: string, now: Date) {
  return schedulesQuery(trx)
    .where('s.id', '=', id)
    .where('s.active', '=', true)
    .where('s.next_run_at', '<=', now)
    .forUpdate('s')
    .executeTakeFirst();
}

/** Active schedules whose time passed before `before`: runs that were missed. */
export async function overdueIds(trx: Tx, before: Date): Promise<string[]> {
  const rows = await trx
    .selectFrom('report_schedules')
    .select('id')
    .where('active', '=', true)
    .where('next_run_at', '<', before)
    .orderBy('next_run_at')
    .limit(500)
    .execute();
  return rows.map((r) => r.id);
}

/** The recipients' names and whether they are active, for the schedules shown. */
export async function usersByIds(trx: Tx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['id', 'name', 'active'])
    .where('id', 'in', [...ids])
    .execute();
}
