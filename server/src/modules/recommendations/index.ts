/**
 * The public face of the recommendations module (territory and assignment recommendations): its job kinds,
 * collected by the composition root, which also wires its routes (recommendations.routes.ts) into the app.
 */
export { recommendationsJobs } from './recommendations.jobs.ts';
