/**
 * The public face of the bulk-actions module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { bulkActionsJobs } from './bulk-actions.jobs.ts';
