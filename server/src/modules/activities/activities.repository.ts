import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { leadChangeableBy, leadIsLive, leadVisibleTo } from '../leads/index.ts';
import { type ActivityType, scheduledTypes } from './activities.schemas.ts';

/** The name of the user in `column` of the activity (null when the column is). */
const nameOf = (column: 'assignee_id' | 'created_by' | 'completed_by' | 'cancelled_by') =>
  sql`(SELECT u.name FROM users u WHERE u.company_id = a.company_id AND u.id = ${sql.ref(`a.${column}`)})`;

/**
 * Activities with their lead's name, the people on them and the assignee's time zone. Activities have no
 * visibility of their own: they are seen by whoever sees their (live) lead, so every query starts here. The
 * names are read per row returned (after the sort and limit) rather than joined: a join of eight tables cost
 * the planner 30-80 ms per list, its search over every order of joining them.
 */
export function activitiesQuery(trx: Tx, actor: Actor, options: { forChange?: boolean } = {}) {
  return (
    trx
      .selectFrom('activities as a')
      .innerJoin('leads as l', (j) => j.onRef('l.company_id', '=', 'a.company_id').onRef('l.id', '=', 'a.lead_id'))
      .selectAll('a')
      .select([
        'l.name as lead_name',
        sql<string>`${nameOf('assignee_id')}`.as('assignee_name'),
        sql<string>`coalesce(
        (SELECT av.timezone FROM user_availability av WHERE av.company_id = a.company_id AND av.user_id = a.assignee_id),
        (SELECT c.timezone FROM companies c WHERE c.id = a.company_id))`.as('timezone'),
        sql<string | null>`${nameOf('created_by')}`.as('created_by_name'),
        sql<string | null>`${nameOf('completed_by')}`.as('completed_by_name'),
        sql<string | null>`${nameOf('cancelled_by')}`.as('cancelled_by_name'),
      ])
      // A change (locked) reaches the activities of leads the actor may change, which for an integration key's
      // read-all scope is narrower than what it reads.
      .where(options.forChange ? leadChangeableBy(actor) : leadVisibleTo(actor))
      .where(leadIsLive)
  );
}

export type ActivityRow = NonNullable<Awaited<ReturnType<typeof findVisibleActivity>>>;

export async function findVisibleActivity(trx: Tx, actor: Actor, id: string, options: { lock?: boolean } = {}) {
  let query = activitiesQuery(trx, actor, { forChange: options.lock === true }).where('a.id', '=', id);
  if (options.lock) query = query.forUpdate('a');
  return query.executeTakeFirst();
}

export interface ActivityColumns {
  title?: string;
  notes?: string | null;
  outcome?: string | null;
  location?: string | null;
  channel?: string | null;
  call_direction?: string | null;
  call_result?: string | null;
  duration_seconds?: number | null;
  assignee_id?: string;
  due_at?: Date;
  reminder_minutes?: number | null;
  remind_at?: Date | null;
  reminded_at?: Date | null;
  status?: string;
  missed_at?: Date | null;
  completed_at?: Date | null;
  completed_by?: string | null;
  cancelled_at?: Date | null;
  cancelled_by?: string | null;
}

export async function insertActivity(
  trx: Tx,
  row: ActivityColumns & {
    company_id: string;
    id: string;
    lead_id: string;
    type: ActivityType;
    title: string;
    assignee_id: string;
    due_at: Date;
    created_by: string | null;
    previous_id: string | null;
    now: Date;
  },
): Promise<void> {
  const { now, ...values } = row;
  await trx
    .insertInto('activities')
    .values({ ...values, created_at: now, updated_at: now })
    .execute();
}

/** Writes changes when the activity is still at `version`; false when someone changed it first. */
export async function updateActivity(
  trx: Tx,
  id: string,
  version: number,
  changes: ActivityColumns,
  now: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable('activities')
    .set({ ...changes, updated_at: now, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface ListFilter {
  assigneeId?: string;
  leadId?: string;
  types?: string[];
  statuses?: string[];
  dueFrom?: Date;
  dueTo?: Date;
  descending: boolean;
  after: { dueAt: string; id: string } | null;
  limit: number;
}

export async function listActivities(trx: Tx, actor: Actor, filter: ListFilter) {
  let query = activitiesQuery(trx, actor);
  if (filter.assigneeId) query = query.where('a.assignee_id', '=', filter.assigneeId);
  if (filter.leadId) query = query.where('a.lead_id', '=', filter.leadId);
  if (filter.types) query = query.where('a.type', 'in', filter.types);
  if (filter.statuses) query = query.where('a.status', 'in', filter.statuses);
  if (filter.dueFrom) query = query.where('a.due_at', '>=', filter.dueFrom);
  if (filter.dueTo) query = query.where('a.due_at', '<', filter.dueTo);
  if (filter.after) {
    const { dueAt, id } = filter.after;
    query = query.where(
      filter.descending
        ? sql<SqlBool>`(a.due_at, a.id) < (${dueAt}::timestamptz, ${id}::uuid)`
        : sql<SqlBool>`(a.due_at, a.id) > (${dueAt}::timestamptz, ${id}::uuid)`,
    );
  }
  const direction = filter.descending ? 'desc' : 'asc';
  return query
    .orderBy('a.due_at', direction)
    .orderBy('a.id', direction)
    .limit(filter.limit + 1)
    .execute();
}

const stillScheduled: Expression<SqlBool> = sql<SqlBool>`(a.status IN ('open', 'missed') AND a.type IN (${sql.join(
  scheduledTypes,
)}))`;

/** A lead's follow-ups and meetings still to be done (open or missed), earliest first, locked when asked. */
export async function openScheduledOf(trx: Tx, actor: Actor, leadId: string, options: { lock?: boolean } = {}) {
  let query = activitiesQuery(trx, actor, { forChange: options.lock === true })
    .where('a.lead_id', '=', leadId)
    .where(stillScheduled);
  if (options.lock) query = query.forUpdate('a');
  return query.orderBy('a.due_at').orderBy('a.id').limit(500).execute();
}

/** What a reminder or missed-check job needs, locked; undefined once the lead is no longer live. */
export async function activityForJob(trx: Tx, id: string) {
  return trx
    .selectFrom('activities as a')
    .innerJoin('leads as l', (j) => j.onRef('l.company_id', '=', 'a.company_id').onRef('l.id', '=', 'a.lead_id'))
    .innerJoin('users as asg', (j) =>
      j.onRef('asg.company_id', '=', 'a.company_id').onRef('asg.id', '=', 'a.assignee_id'),
    )
    .innerJoin('companies as c', 'c.id', 'a.company_id')
    .leftJoin('user_availability as av', (j) =>
      j.onRef('av.company_id', '=', 'a.company_id').onRef('av.user_id', '=', 'a.assignee_id'),
    )
    .select([
      'a.id',
      'a.lead_id',
      'a.type',
      'a.title',
      'a.notes',
      'a.status',
      'a.due_at',
      'a.remind_at',
      'a.version',
      'a.assignee_id',
      'l.name as lead_name',
      'asg.name as assignee_name',
      'asg.active as assignee_active',
      'asg.manager_id as assignee_manager_id',
      sql<string>`coalesce(av.timezone, c.timezone)`.as('timezone'),
    ])
    .where('a.id', '=', id)
    .where(leadIsLive)
    .forUpdate('a')
    .executeTakeFirst();
}

/** An active user of the company, as needed to decide whether it may be given an activity. */
export async function userForAssignment(trx: Tx, id: string) {
  return trx
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'manager_id', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function userName(trx: Tx, id: string): Promise<string | null> {
  const row = await trx.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name ?? null;
}

/** A user's time zone: its availability's, else its company's. */
export async function timezoneOf(trx: Tx, userId: string): Promise<string> {
  const row = await trx
    .selectFrom('companies as c')
    .leftJoin('user_availability as av', (j) => j.onRef('av.company_id', '=', 'c.id').on('av.user_id', '=', userId))
    .select(sql<string>`coalesce(av.timezone, c.timezone)`.as('timezone'))
    .executeTakeFirst();
  return row?.timezone ?? 'UTC';
}

/** A user's open scheduled activities still ahead that follow its preference (no offset of their own). */
export async function pendingOnPreference(trx: Tx, userId: string, now: Date) {
  return trx
    .selectFrom('activities as a')
    .innerJoin('leads as l', (j) => j.onRef('l.company_id', '=', 'a.company_id').onRef('l.id', '=', 'a.lead_id'))
    .select(['a.id', 'a.due_at', 'a.remind_at'])
    .where('a.assignee_id', '=', userId)
    .where('a.status', '=', 'open')
    .where('a.type', 'in', [...scheduledTypes])
    .where('a.reminder_minutes', 'is', null)
    .where('a.reminded_at', 'is', null)
    .where('a.due_at', '>', now)
    .where(leadIsLive)
    .forUpdate('a')
    .limit(5000)
    .execute();
}
