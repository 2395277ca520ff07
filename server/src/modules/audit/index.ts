/**
 * The public face of the audit module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */

export { diff, recordAudit } from './audit.service.ts';
export type { LeadChange } from './audit.signals.ts';
export { leadChangesAfter } from './audit.signals.ts';
