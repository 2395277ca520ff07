/**
 * The public face of the report-schedules module: its job kinds, for the composition root. Its routes are wired
 * in by the composition root too (report-schedules.routes.ts).
 */
export { reportSchedulesJobs } from './report-schedules.jobs.ts';
