/**
 * The public face of the leads module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export type { ConditionKind, ControlledField, LeadFieldDef } from './lead-catalog.ts';
export { accessFieldOf, leadField, leadFields } from './lead-catalog.ts';
export type { Access, FieldAccess } from './lead-fields.ts';
export { assignmentFields, controlledFields, customAccess, defaultFieldAccess, fieldAccessFor } from './lead-fields.ts';
export { coerceLeadFilters } from './lead-filter-input.ts';
export type { CustomFieldDef, InputContext } from './lead-input.ts';
export { toColumns } from './lead-input.ts';
export { leadRelations } from './lead-relations.ts';
export { leadIdByEmail } from './leads.by-email.ts';
export { leadSnapshot, leadValues, toLead } from './leads.dto.ts';
export type { LeadRowsPage, ListLeadsInput } from './leads.list.ts';
export { checkSavedQuery, countLeads, iterateLeadRows, leadFilterConditions, listLeads } from './leads.list.ts';
export type { LeadColumns, LeadRow } from './leads.repository.ts';
export {
  activeCustomFields,
  findLead,
  findVisibleLead,
  insertStageHistory,
  leadsQuery,
  leadVisibleToUser,
  touchLead,
  updateLead as updateLeadRow,
} from './leads.repository.ts';
export type { CreateLeadInput } from './leads.schemas.ts';
export {
  CreateLeadBody,
  CustomFieldValue,
  customFilterParams,
  Lead,
  LeadFields,
  LeadFiltersQuery,
  ListLeadsQuery,
  leadFilterParams,
  leadSourceLabels,
  leadSources,
  StageHistoryEntry,
} from './leads.schemas.ts';
export { parseSearch, searchCondition } from './leads.search.ts';
export { leadChangeableBy, leadIsLive, leadVisibleTo } from './leads.visibility.ts';
