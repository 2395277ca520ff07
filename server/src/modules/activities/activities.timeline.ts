import { Type } from 'typebox';
import type { Tx } from '../../db/client.ts';
import { Nullable } from '../../http/schemas.ts';
import { atMicros, type Cursor, olderThan, type TimelineSource } from '../timeline/index.ts';

const Time = Type.String({ format: 'date-time' });
const Person = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() });
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** A lead's activities, newest first by when they were closed (else entered), after the cursor. */
async function leadActivities(trx: Tx, leadId: string, before: Cursor | null, limit: number) {
  let query = trx
    .selectFrom('activities as a')
    .innerJoin('users as asg', (j) =>
      j.onRef('asg.company_id', '=', 'a.company_id').onRef('asg.id', '=', 'a.assignee_id'),
    )
    .leftJoin('users as cb', (j) => j.onRef('cb.company_id', '=', 'a.company_id').onRef('cb.id', '=', 'a.created_by'))
    .leftJoin('users as db', (j) => j.onRef('db.company_id', '=', 'a.company_id').onRef('db.id', '=', 'a.completed_by'))
    .leftJoin('users as xb', (j) => j.onRef('xb.company_id', '=', 'a.company_id').onRef('xb.id', '=', 'a.cancelled_by'))
    .select([
      'a.id',
      'a.type',
      'a.channel',
      'a.status',
      'a.title',
      'a.notes',
      'a.outcome',
      'a.location',
      'a.call_direction',
      'a.call_result',
      'a.duration_seconds',
      'a.due_at',
      'a.completed_at',
      'a.missed_at',
      'a.assignee_id',
      'asg.name as assignee_name',
      'a.created_by',
      'cb.name as created_by_name',
      'a.completed_by',
      'db.name as completed_by_name',
      'a.cancelled_by',
      'xb.name as cancelled_by_name',
    ])
    .select(atMicros('a.timeline_at').as('at_us'))
    .where('a.lead_id', '=', leadId);
  if (before) query = query.where(olderThan('a.timeline_at', 'a.id', before));
  return query.orderBy('a.timeline_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
}

const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

/**
 * Follow-ups, calls, meetings and notes on the lead's timeline. An entry sits where it was closed (done,
 * cancelled, missed) or, while open, where it was scheduled; its actor is who closed it, else who entered it
 * (none when it was missed: nobody did anything).
 */
export const activitySource: TimelineSource = {
  kind: 'activity',
  schema: Type.Object({
    activityId: Type.String({ format: 'uuid' }),
    type: Type.String({ description: 'follow_up, call, meeting or note' }),
    channel: Nullable(Type.String()),
    status: Type.String({ description: 'open, done, cancelled or missed' }),
    title: Type.String(),
    notes: Nullable(Type.String()),
    outcome: Nullable(Type.String()),
    location: Nullable(Type.String()),
    dueAt: Time,
    completedAt: Nullable(Time),
    missedAt: Nullable(Time),
    call: Nullable(
      Type.Object({
        direction: Nullable(Type.String()),
        durationSeconds: Nullable(Type.Integer()),
        result: Nullable(Type.String()),
      }),
    ),
    assignee: Person,
  }),
  async load(trx, q) {
    const rows = await leadActivities(trx, q.lead.id, q.before, q.limit);
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'activity',
      actor:
        r.status === 'done'
          ? person(r.completed_by, r.completed_by_name)
          : r.status === 'cancelled'
            ? person(r.cancelled_by, r.cancelled_by_name)
            : r.status === 'missed'
              ? null
              : person(r.created_by, r.created_by_name),
      data: {
        activityId: r.id,
        type: r.type,
        channel: r.channel,
        status: r.status,
        title: r.title,
        notes: r.notes,
        outcome: r.outcome,
        location: r.location,
        dueAt: new Date(r.due_at).toISOString(),
        completedAt: iso(r.completed_at),
        missedAt: iso(r.missed_at),
        call:
          r.type === 'call'
            ? { direction: r.call_direction, durationSeconds: r.duration_seconds, result: r.call_result }
            : null,
        assignee: { id: r.assignee_id, name: r.assignee_name },
      },
    }));
  },
};
