/**
 * The public face of the facebook module (Lead Ads): what other modules may use. Anything not exported here is
 * the module's own; another module never reaches into its files (npm run check holds this).
 */
export { facebookConnections } from './facebook.integration.ts';
export { facebookJobs } from './facebook.jobs.ts';
export { facebookTimelineSource } from './facebook.timeline.ts';
