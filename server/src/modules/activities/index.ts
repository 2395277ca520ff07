/**
 * The public face of the activities module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { seedDemoActivities } from './activities.demo.ts';
export { activitiesJobs } from './activities.jobs.ts';
export { settleOpenFollowUps } from './activities.lifecycle.ts';
export { replanForPreference } from './activities.reminders.ts';
export type { ActivitySignal } from './activities.signals.ts';
export { activitySignals } from './activities.signals.ts';
export { activitySource } from './activities.timeline.ts';
