/**
 * The public face of the extractor module: no other module uses it; the composition root wires its routes
 * (extractor.routes.ts) into the app and its jobs into the runner.
 */
export { extractorJobs } from './extractor.jobs.ts';
