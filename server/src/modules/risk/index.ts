/**
 * The public face of the risk module (at-risk leads): its job kinds, collected by the composition root, and the
 * scan itself (the benchmark times it). The composition root wires its routes (risk.routes.ts) into the app.
 */

export { riskJobs } from './risk.jobs.ts';
export { reasonFields, reasonKeys, reasonLabels, SUPPORTING_ONLY } from './risk.reasons.ts';
export { scanCompany } from './risk.scan.ts';
