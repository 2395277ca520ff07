import type { Static } from 'typebox';
import type { ActivityRow } from './activities.repository.ts';
import { type Activity, type ActivityStatus, type ActivityType, scheduledTypes } from './activities.schemas.ts';
import { isoInZone } from './activities.time.ts';

export type ActivityDto = Static<typeof Activity>;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const ref = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

/** An activity as the API shows it: due time in UTC and in the assignee's own time zone. */
export function toActivity(row: ActivityRow, now: Date): ActivityDto {
  const due = new Date(row.due_at);
  const type = row.type as ActivityType;
  const status = row.status as ActivityStatus;
  return {
    id: row.id,
    leadId: row.lead_id,
    leadName: row.lead_name,
    type,
    channel: row.channel,
    status,
    title: row.title,
    notes: row.notes,
    outcome: row.outcome,
    location: row.location,
    direction: row.call_direction,
    durationSeconds: row.duration_seconds,
    callResult: row.call_result,
    assignee: { id: row.assignee_id, name: row.assignee_name },
    dueAt: due.toISOString(),
    timezone: row.timezone,
    dueAtLocal: isoInZone(due, row.timezone),
    overdue:
      scheduledTypes.includes(type) && (status === 'open' || status === 'missed') && due.getTime() < now.getTime(),
    reminderMinutesBefore: row.reminder_minutes,
    remindAt: iso(row.remind_at),
    remindedAt: iso(row.reminded_at),
    missedAt: iso(row.missed_at),
    createdBy: ref(row.created_by, row.created_by_name),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    completedAt: iso(row.completed_at),
    completedBy: ref(row.completed_by, row.completed_by_name),
    cancelledAt: iso(row.cancelled_at),
    cancelledBy: ref(row.cancelled_by, row.cancelled_by_name),
    previousId: row.previous_id,
    version: row.version,
  };
}

/** What the audit log keeps of an activity: its own fields, not the joined names. */
export function activitySnapshot(row: ActivityRow): Record<string, unknown> {
  return {
    leadId: row.lead_id,
    type: row.type,
    channel: row.channel,
    status: row.status,
    title: row.title,
    notes: row.notes,
    outcome: row.outcome,
    location: row.location,
    direction: row.call_direction,
    durationSeconds: row.duration_seconds,
    callResult: row.call_result,
    assigneeId: row.assignee_id,
    dueAt: iso(row.due_at),
    reminderMinutesBefore: row.reminder_minutes,
  };
}
