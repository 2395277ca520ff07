/**
 * The public face of the scoring module: its jobs for the composition root, and the scores with their reasons as
 * an actor may read them, for lead lists and exports. Its routes (scoring.routes.ts) are wired in by app.ts.
 */
export { scoringJobs } from './scoring.jobs.ts';
export { scoreReasonsFor, seedDemoScoreRules } from './scoring.service.ts';
