/**
 * The public face of the assignment module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { routeMany } from './assignment.batch.ts';
export type { Channel, RoutingDecision } from './assignment.engine.ts';
export { notifyNewOwners, recordAssignment } from './assignment.engine.ts';
export { assignmentJobs, slaJob } from './assignment.jobs.ts';
export type { CreateRuleInput, TestRuleInput } from './assignment.schemas.ts';
export { createRuleIn, listRulesIn, type RuleDto, testRule } from './assignment.service.ts';
export { onLeaveQuery } from './availability.repository.ts';
export { setOpenCapIn } from './availability.service.ts';
export { localTime, offsetAt, wallClock } from './local-time.ts';
