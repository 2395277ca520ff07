/**
 * The public face of the duplicates module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */

export type { CreateAnswer, CreateOutcome } from './duplicates.create.ts';
export { createAnswer, flagPayloadOf, settleWithoutCreating } from './duplicates.create.ts';
export { seedDemoDuplicates } from './duplicates.demo.ts';
export { fillFromIncoming } from './duplicates.fill.ts';
export { flagDuplicates } from './duplicates.flag.ts';
export { duplicatesJobs, flagJob } from './duplicates.jobs.ts';
export type { DuplicateMatch, MatchKey } from './duplicates.match.ts';
export { emailKey, findDuplicatesMany } from './duplicates.match.ts';
export type { DuplicateDecision, OnDuplicate } from './duplicates.policy.ts';
export { decideOnCreateMany } from './duplicates.policy.ts';
export { CreatedLead, DuplicateOutcome, DuplicateRef, OnDuplicateQuery } from './duplicates.schemas.ts';
export type { DuplicateSettings } from './duplicates.settings.ts';
export { loadDuplicateSettings } from './duplicates.settings.ts';
