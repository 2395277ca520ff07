import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';

export const RemindPayload = Type.Object(
  { activityId: Type.String({ format: 'uuid' }), remindAt: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);

export const MissedPayload = Type.Object(
  { activityId: Type.String({ format: 'uuid' }), dueAt: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);

/** The reminder of a scheduled activity, carrying the reminder time it was planned for. */
export const remindJob = defineJob({
  kind: 'activity.remind',
  payload: RemindPayload,
  handler: async (trx, deps, job) => (await import('./activities.reminders.ts')).deliverReminder(trx, deps, job),
});

/** The missed check an hour after a follow-up's due time, carrying the due time it was planned for. */
export const missedJob = defineJob({
  kind: 'activity.missed',
  payload: MissedPayload,
  handler: async (trx, deps, job) => (await import('./activities.reminders.ts')).markMissed(trx, deps, job),
});

export const activitiesJobs = [remindJob, missedJob];
