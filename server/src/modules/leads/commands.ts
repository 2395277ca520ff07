/**
 * The leads module's commands: the one write path (createLeads), edits, stage moves and assignment, which use
 * the modules below leads (assignment, duplicates, activities, merges). Modules that only read leads use index.ts;
 * the channels that create or change leads (imports, forms, WhatsApp, bulk actions, merges) use this face.
 */
export { checkAssignment } from './lead-assign.check.ts';
export { assignLead } from './lead-assign.ts';
export type { LeadHistory } from './leads.create.history.ts';
export { checkHistory } from './leads.create.history.ts';
export type { CreateItem, CreateResult, NewLeadColumns } from './leads.create.ts';
export { createLeads } from './leads.create.ts';
export { lockForWrite, moveStage, updateLead, writeLead } from './leads.service.ts';
export {
  channelOf,
  checkStageRequirements,
  loadWriteContext,
  manualDecision,
} from './leads.write-context.ts';
