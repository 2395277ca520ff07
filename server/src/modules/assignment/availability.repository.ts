import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';

/**
 * The company's people on leave on the day `now` falls on in each one's own time zone (`timezone` when the person
 * has none), with the last day of the leave: a query other modules can join set-based, e.g. the at-risk scan.
 */
export function onLeaveQuery(companyId: string, now: Date, timezone: string) {
  return sql<{ user_id: string; until: string }>`
    SELECT u.id AS user_id, max(v.ends_on)::text AS until
    FROM users u
    LEFT JOIN user_availability ua ON ua.company_id = u.company_id AND ua.user_id = u.id
    JOIN user_leaves v ON v.company_id = u.company_id AND v.user_id = u.id
    WHERE u.company_id = ${companyId}
      AND (${now}::timestamptz AT TIME ZONE coalesce(ua.timezone, ${timezone}))::date BETWEEN v.starts_on AND v.ends_on
    GROUP BY u.id`;
}

export async function findAvailability(trx: Tx, userId: string) {
  return trx
    .selectFrom('user_availability')
    .select([
      'user_id',
      'timezone',
      'working_days',
      sql<string | null>`to_char(work_start, 'HH24:MI')`.as('work_start'),
      sql<string | null>`to_char(work_end, 'HH24:MI')`.as('work_end'),
      'daily_cap',
      'open_cap',
      'updated_at',
    ])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export type AvailabilityRow = NonNullable<Awaited<ReturnType<typeof findAvailability>>>;

export async function upsertAvailability(
  trx: Tx,
  row: {
    company_id: string;
    user_id: string;
    timezone: string | null;
    working_days: number[];
    work_start: string | null;
    work_end: string | null;
    daily_cap: number | null;
    open_cap: number | null;
    updated_at: Date;
  },
): Promise<void> {
  const { company_id: _, user_id: __, ...changes } = row;
  await trx
    .insertInto('user_availability')
    .values(row)
    .onConflict((oc) => oc.columns(['company_id', 'user_id']).doUpdateSet(changes))
    .execute();
}

const leaveColumns = [
  'id',
  'user_id',
  sql<string>`starts_on::text`.as('starts_on'),
  sql<string>`ends_on::text`.as('ends_on'),
  'reason',
  'created_at',
] as const;

export async function listLeaves(trx: Tx, userId: string) {
  return trx
    .selectFrom('user_leaves')
    .select(leaveColumns)
    .where('user_id', '=', userId)
    .orderBy('starts_on', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
}

export type LeaveRow = Awaited<ReturnType<typeof listLeaves>>[number];

export async function findLeave(trx: Tx, userId: string, id: string) {
  return trx
    .selectFrom('user_leaves')
    .select(leaveColumns)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function overlappingLeave(trx: Tx, userId: string, from: string, to: string) {
  return trx
    .selectFrom('user_leaves')
    .select(leaveColumns)
    .where('user_id', '=', userId)
    .where(sql<boolean>`starts_on <= ${to}::date AND ends_on >= ${from}::date`)
    .executeTakeFirst();
}

export async function insertLeave(
  trx: Tx,
  row: {
    company_id: string;
    id: string;
    user_id: string;
    starts_on: string;
    ends_on: string;
    reason: string | null;
    created_at: Date;
  },
): Promise<void> {
  await trx.insertInto('user_leaves').values(row).execute();
}

export async function deleteLeave(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('user_leaves').where('id', '=', id).execute();
}
