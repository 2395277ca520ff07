/**
 * The public face of the trash module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { trashJobs } from './trash.jobs.ts';
export { trashLead } from './trash.service.ts';
export { trashTimelineSource } from './trash.timeline.ts';
