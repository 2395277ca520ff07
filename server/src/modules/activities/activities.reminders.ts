import type { Static } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { jobContext } from '../../jobs/system-context.ts';
import { recordAudit } from '../audit/index.ts';
import { notify, preferencesOf } from '../notifications/index.ts';

import { type MissedPayload, missedJob, type RemindPayload, remindJob } from './activities.jobs.ts';
import * as repo from './activities.repository.ts';
import { type ActivityType, scheduledTypes } from './activities.schemas.ts';
import { clockTime, isoInZone } from './activities.time.ts';
import { sendReminderEmail } from './reminder-email.ts';

/** How long a follow-up may stay open past its due time before it counts as missed. */
export const MISSED_AFTER_MS = 60 * 60_000;

/**
 * When to remind the assignee of a scheduled activity: its own lead time, else the assignee's preference.
 * A reminder whose time has already come is due at once; an activity already due gets none.
 */
export async function reminderTime(
  trx: Tx,
  activity: { type: string; status: string; dueAt: Date; assigneeId: string; reminderMinutes: number | null },
  now: Date,
): Promise<Date | null> {
  if (!scheduledTypes.includes(activity.type as ActivityType) || activity.status !== 'open') return null;
  if (activity.dueAt.getTime() <= now.getTime()) return null;
  const minutes = activity.reminderMinutes ?? (await preferencesOf(trx, activity.assigneeId)).reminderMinutesBefore;
  return new Date(Math.max(now.getTime(), activity.dueAt.getTime() - minutes * 60_000));
}

/**
 * Enqueues the jobs of a scheduled activity in the caller's transaction. Each job carries the time it was
 * planned for and does nothing when the activity no longer matches it (rescheduled, closed, reminded), so
 * re-planning never needs to find and delete the old jobs.
 */
export async function scheduleActivityJobs(
  trx: Tx,
  input: { companyId: string; activityId: string; remindAt: Date | null; dueAt: Date; checkMissed: boolean },
  now: Date,
): Promise<void> {
  if (input.remindAt) {
    const payload = { activityId: input.activityId, remindAt: input.remindAt.toISOString() };
    await enqueue(trx, remindJob, payload, { runAt: input.remindAt, now });
  }
  if (input.checkMissed) {
    const payload = { activityId: input.activityId, dueAt: input.dueAt.toISOString() };
    await enqueue(trx, missedJob, payload, { runAt: new Date(input.dueAt.getTime() + MISSED_AFTER_MS), now });
  }
}

const sameInstant = (a: Date | string | null, iso: unknown) =>
  a !== null && typeof iso === 'string' && new Date(a).getTime() === Date.parse(iso);

const kindLabel: Record<string, string> = { follow_up: 'Follow-up', meeting: 'Meeting' };

/**
 * The reminder job: delivers when the activity is still open and still waiting for exactly this reminder,
 * then clears it in the same transaction. The job and its effect commit together, so neither a restart nor a
 * second worker delivers it twice; a reschedule in between leaves this job with nothing to do.
 */
export async function deliverReminder(trx: Tx, deps: Deps, job: Job<Static<typeof RemindPayload>>): Promise<void> {
  const activity = await repo.activityForJob(trx, job.payload.activityId);
  if (activity?.status !== 'open' || !sameInstant(activity.remind_at, job.payload.remindAt)) return;
  const now = deps.clock.now();
  await trx
    .updateTable('activities')
    .set({ remind_at: null, reminded_at: now })
    .where('id', '=', activity.id)
    .execute();
  if (!activity.assignee_active) return;
  const due = new Date(activity.due_at);
  const label = kindLabel[activity.type] ?? 'Activity';
  const title = `${label} due at ${clockTime(due, activity.timezone)}: ${activity.title}`;
  // In the app the due time is shown from `at`, in the reader's own zone; the email says its zone in words.
  const notice = `${label} due: ${activity.title}`;
  const body = `${activity.lead_name}${activity.notes ? ` · ${activity.notes.slice(0, 300)}` : ''}`;
  const preferences = await preferencesOf(trx, activity.assignee_id);
  if (preferences.reminderChannel !== 'email') {
    await notify(trx, {
      companyId: job.companyId,
      userId: activity.assignee_id,
      kind: 'activity.due',
      title: notice,
      body,
      leadId: activity.lead_id,
      at: due,
      now,
    });
  }
  if (preferences.reminderChannel !== 'in_app') {
    await sendReminderEmail(trx, deps, {
      companyId: job.companyId,
      toUserId: activity.assignee_id,
      subject: title,
      text: [
        `${label}: ${activity.title}`,
        `Lead: ${activity.lead_name}`,
        `Due: ${isoInZone(due, activity.timezone).slice(0, 16).replace('T', ' ')} (${activity.timezone})`,
        activity.notes ? `\n${activity.notes}` : '',
      ].join('\n'),
    });
  }
}

/**
 * The missed check, an hour after the due time: a follow-up still open is marked missed, and its assignee
 * and the assignee's manager are told. The status change guards it, so each miss is announced once.
 */
export async function markMissed(trx: Tx, deps: Deps, job: Job<Static<typeof MissedPayload>>): Promise<void> {
  const activity = await repo.activityForJob(trx, job.payload.activityId);
  if (activity?.status !== 'open' || !sameInstant(activity.due_at, job.payload.dueAt)) return;
  const now = deps.clock.now();
  await trx
    .updateTable('activities')
    .set({ status: 'missed', missed_at: now, remind_at: null, updated_at: now, version: activity.version + 1 })
    .where('id', '=', activity.id)
    .execute();
  const due = new Date(activity.due_at);
  const label = (kindLabel[activity.type] ?? 'activity').toLowerCase();
  await notify(trx, {
    companyId: job.companyId,
    userId: activity.assignee_id,
    kind: 'activity.missed',
    title: `Missed ${label}: ${activity.title}`,
    body: activity.lead_name,
    leadId: activity.lead_id,
    at: due,
    now,
  });
  const managerId = activity.assignee_manager_id;
  const manager = managerId ? await repo.userForAssignment(trx, managerId) : undefined;
  if (manager?.active) {
    await notify(trx, {
      companyId: job.companyId,
      userId: manager.id,
      kind: 'activity.missed',
      title: `${activity.assignee_name} missed a ${label}: ${activity.title}`,
      body: activity.lead_name,
      leadId: activity.lead_id,
      at: due,
      now,
    });
  }
  await recordAudit(trx, jobContext(job), {
    action: 'activity.missed',
    entityType: 'activity',
    entityId: activity.id,
    before: { status: 'open' },
    after: { status: 'missed' },
    at: now,
  });
}

/**
 * After a user changes its lead time: re-plans the reminders still to come that follow its preference (not
 * the ones already delivered, nor those with a lead time of their own).
 */
export async function replanForPreference(trx: Tx, companyId: string, userId: string, now: Date): Promise<void> {
  const pending = await repo.pendingOnPreference(trx, userId, now);
  const { reminderMinutesBefore } = await preferencesOf(trx, userId);
  for (const row of pending) {
    const dueAt = new Date(row.due_at);
    const remindAt = new Date(Math.max(now.getTime(), dueAt.getTime() - reminderMinutesBefore * 60_000));
    if (sameInstant(row.remind_at, remindAt.toISOString())) continue;
    await trx.updateTable('activities').set({ remind_at: remindAt }).where('id', '=', row.id).execute();
    await scheduleActivityJobs(trx, { companyId, activityId: row.id, remindAt, dueAt, checkMissed: false }, now);
  }
}
